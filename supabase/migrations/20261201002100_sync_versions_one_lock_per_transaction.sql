-- Versions stay in commit order per organisation but stop costing a counter-row update per
-- written row: updating one row thousands of times in a transaction makes every update
-- walk a longer chain of its dead versions (a 500-mutation push spent seconds there).
--
-- Now a transaction takes its organisation's lock once, at its first synced write (the
-- counter row, locked until commit), and numbers every row from one sequence. The lock
-- means no other transaction of the organisation can take numbers until this one ends, so
-- a later commit still always holds higher numbers than every earlier one of that
-- organisation; other organisations draw from the same sequence in parallel, which only
-- leaves gaps. A reader therefore needs no upper bound: every row it can see has a lower
-- number than any row still being written for that organisation.

create sequence public.sync_version_seq as bigint;
select setval('public.sync_version_seq', greatest(1, (select coalesce(max(version), 0) + 1 from public.organization_sync_state)), false);
grant usage, select on sequence public.sync_version_seq to authenticated, service_role;

create or replace function public.next_sync_version(org uuid)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  held text := 'sync_lock.o' || replace(org::text, '-', '');
  v bigint;
begin
  -- Transaction-local (and undone with a rolled-back savepoint, like the row lock itself).
  if current_setting(held, true) is distinct from 'yes' then
    insert into public.organization_sync_state as s (organization_id) values (org)
    on conflict (organization_id) do update set updated_at = now();
    perform set_config(held, 'yes', true);
  end if;
  v := nextval('public.sync_version_seq');
  return v;
end;
$$;
revoke all on function public.next_sync_version(uuid) from public, anon, authenticated;

create or replace function public.begin_sync_write(org uuid)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if auth.role() is distinct from 'service_role' and not public.can_edit_org(org) then
    raise exception 'This account may not change the organisation''s data' using errcode = '42501';
  end if;
  insert into public.organization_sync_state as s (organization_id) values (org)
  on conflict (organization_id) do update set updated_at = now();
  perform set_config('sync_lock.o' || replace(org::text, '-', ''), 'yes', true);
  return 0;
end;
$$;

-- The organisation's counter column no longer counts; the sequence's position is the horizon.
comment on column public.organization_sync_state.version is 'Unused since versions come from sync_version_seq; kept for older readers.';

-- The per-row part stays cheap: after the transaction's first numbered row the trigger
-- only reads a setting and draws from the sequence, as the writer itself (a function
-- with its own search_path or owner costs a settings save and restore on every call).
create function public.store_organization(store uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select s.organization_id from public.store_settings s where s.id = store;
$$;
revoke all on function public.store_organization(uuid) from public, anon;
grant execute on function public.store_organization(uuid) to authenticated, service_role;

create or replace function public.stamp_sync_version()
returns trigger
language plpgsql
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
  if tg_argv[0] = 'store' then
    org := public.store_organization(new.store_id);
  else
    org := new.organization_id;
  end if;
  if current_setting('sync_lock.o' || replace(org::text, '-', ''), true) is distinct from 'yes' then
    new.sync_version := public.next_sync_version(org);
  else
    new.sync_version := nextval('public.sync_version_seq');
  end if;
  return new;
end;
$$;
