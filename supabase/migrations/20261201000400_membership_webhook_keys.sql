-- API keys of the services that post join/leave events to whatsapp-membership-webhook
-- (a team's own Baileys server). One key per sending service and organisation; only a
-- SHA-256 of the secret part is stored, the key is shown once when created.
-- Key format: wmk_<key_id>_<secret>, where key_id finds the row and the secret is checked
-- against secret_hash in constant time.

create table public.membership_webhook_keys (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  key_id text not null unique check (key_id ~ '^[0-9a-f]{16}$'),
  -- Which service sends with this key, e.g. "VPS Baileys server".
  service_name text not null check (length(trim(service_name)) between 1 and 100),
  secret_hash text not null check (secret_hash ~ '^[0-9a-f]{64}$'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index membership_webhook_keys_organization_idx on public.membership_webhook_keys (organization_id);

alter table public.membership_webhook_keys enable row level security;
create policy "managers read their organization's webhook keys" on public.membership_webhook_keys
  for select to authenticated using (public.manages_org(organization_id));
create policy "managers revoke their organization's webhook keys" on public.membership_webhook_keys
  for update to authenticated using (public.manages_org(organization_id)) with check (public.manages_org(organization_id));

-- Makes a key for a sending service and returns it once; owners and admins only.
create function public.create_membership_webhook_key(org uuid, service text)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  key_id text := substr(replace(gen_random_uuid()::text, '-', ''), 1, 16);
  secret text := replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
begin
  if auth.role() is distinct from 'service_role' and not public.manages_org(org) then
    raise exception 'Only owners and admins of the organisation can create webhook keys' using errcode = '42501';
  end if;
  insert into public.membership_webhook_keys (organization_id, key_id, service_name, secret_hash, created_by)
  values (org, key_id, service, encode(sha256(convert_to(secret, 'UTF8')), 'hex'), auth.uid());
  return 'wmk_' || key_id || '_' || secret;
end;
$$;
revoke all on function public.create_membership_webhook_key(uuid, text) from public, anon;
grant execute on function public.create_membership_webhook_key(uuid, text) to authenticated, service_role;
