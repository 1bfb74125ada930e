-- What the console's Inbox and Orders pages need from the shop, travelling to desktops
-- with the rest of its records: each customer's consent (STOP / START) and cart (its
-- lines and the per-minute rate counter). Desktops only read them (column lists in
-- shared/sync/sync-tables.ts).
--
-- An owner may record an opt-out directly (as the signed-in user, who may not draw sync
-- versions), so consent rows are stamped by a security-definer copy of the stamping
-- trigger; carts are written by the functions only and use the ordinary one.

create function public.stamp_owner_written_sync_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  org uuid;
begin
  if tg_op = 'UPDATE'
     and (to_jsonb(new) - 'sync_version' - 'updated_at') = (to_jsonb(old) - 'sync_version' - 'updated_at') then
    new.sync_version := old.sync_version;
    new.updated_at := old.updated_at;
    return new;
  end if;
  org := public.store_organization(new.store_id);
  if current_setting('sync_lock.o' || replace(org::text, '-', ''), true) is distinct from 'yes' then
    new.sync_version := public.next_sync_version(org);
  else
    new.sync_version := nextval('public.sync_version_seq');
  end if;
  return new;
end;
$$;
revoke all on function public.stamp_owner_written_sync_version() from public, anon, authenticated;

do $$
declare
  t text;
begin
  foreach t in array array['customer_channel_opt_in', 'cart_sessions'] loop
    execute format('alter table public.%I add column sync_version bigint not null default 0', t);
    execute format('create index %I on public.%I (store_id, sync_version)', t || '_sync_idx', t);
    execute format('create trigger zz_sync_tombstone after delete on public.%I
      for each row execute function public.record_sync_tombstone(%L, %L)', t, 'store', 'id');
    execute format('update public.%I x set sync_version = public.next_sync_version(s.organization_id)
      from public.store_settings s where s.id = x.store_id and x.sync_version = 0', t);
  end loop;
end;
$$;

create trigger zz_sync_version before insert or update on public.customer_channel_opt_in
  for each row execute function public.stamp_owner_written_sync_version();
create trigger zz_sync_version before insert or update on public.cart_sessions
  for each row execute function public.stamp_sync_version('store');
