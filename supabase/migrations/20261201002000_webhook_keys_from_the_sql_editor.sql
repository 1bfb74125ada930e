-- create_membership_webhook_key refused the SQL editor and psql (a direct database session
-- carries no JWT claims, so auth.role() is null). Only API callers are checked now: the
-- service role may, a signed-in user must be an owner or admin, anon never.

create or replace function public.create_membership_webhook_key(org uuid, service text)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  key_id text := substr(replace(gen_random_uuid()::text, '-', ''), 1, 16);
  secret text := replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
  caller text := auth.role();
begin
  if caller is not null and caller <> 'service_role' and not public.manages_org(org) then
    raise exception 'Only owners and admins of the organisation can create webhook keys' using errcode = '42501';
  end if;
  insert into public.membership_webhook_keys (organization_id, key_id, service_name, secret_hash, created_by)
  values (org, key_id, service, encode(sha256(convert_to(secret, 'UTF8')), 'hex'), auth.uid());
  return 'wmk_' || key_id || '_' || secret;
end;
$$;
