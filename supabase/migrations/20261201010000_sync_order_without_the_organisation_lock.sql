-- Versions keep a pull from ever skipping a row, without making writers of one
-- organisation wait for each other.
--
-- Until now a row's version was drawn only while its transaction held the organisation's
-- lock (the sync-state row, locked until commit), so numbers were handed out in commit
-- order and a reader could take the highest version it saw as its cursor. Every writer of
-- the organisation queued on that lock for the whole of every other writer's transaction,
-- commit included: the webhook's inbound rows, its replies and the customers' carts each
-- waited for the others.
--
-- Now numbers are drawn in any order, and the reader stops below every number still being
-- written:
--   * a writing transaction, before its first numbered row, draws one number for itself
--     (its floor) and announces it by holding a shared advisory lock on it until it ends;
--     every row it writes then gets a higher number. Shared locks never wait for each
--     other, so announcing costs no writer any time;
--   * a pull first reads how far the sequence has gone, then the lowest floor announced,
--     and only then takes its snapshot. It answers rows up to the lower of the two
--     (`sync_pull_ceiling`). A writer announced when the floors were read writes only above
--     its floor. One not yet announced draws every row number after the sequence position
--     read first. One that had already ended is in the snapshot taken after. So no row at
--     or below the ceiling can appear later, and the highest version answered still
--     skips nothing.
-- A row held back by an open writer is answered by the next pull after that writer ends
-- (its commit pokes the desktops; the desktops' poll covers a rollback). The sequence must
-- keep cache 1, so that no session holds numbers below the position the pull reads.
--
-- The organisation's lock stays for the writers that take it on purpose, to run one at a
-- time: a desktop push and the membership ingest (`begin_sync_write`), and the Cloud API
-- queue's claim and outcome writes (`next_sync_version`, taken in one order). Those now
-- announce a floor too. Rows written by the triggers alone (the webhook's messages and
-- carts, the shop's and the owners' own writes) no longer take it.
--
-- The floor's lock key: the two-number advisory form, first number 0x5359 ('SY') in its
-- high half and the floor's bits 32–47 in its low half, second number the floor's low 32
-- bits. The one-number form the webhook uses for its per-customer locks is a different
-- key space (objsubid 1, not 2), so neither can meet the other.

-- Once per writing transaction, before its first numbered row. The flag is
-- transaction-local, so a rolled-back savepoint undoes it; the lock may outlive it there,
-- which only leaves a second announcement, above the first.
create function public.announce_sync_floor()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  floor_version bigint := nextval('public.sync_version_seq');
begin
  perform pg_advisory_xact_lock_shared(((21337::bigint << 16) | (floor_version >> 32))::int, floor_version::bit(32)::int);
  perform set_config('sync_floor.held', 'yes', true);
end;
$$;
revoke all on function public.announce_sync_floor() from public, anon;
grant execute on function public.announce_sync_floor() to authenticated, service_role;

create or replace function public.stamp_sync_version()
returns trigger
language plpgsql
as $$
declare
  touched timestamptz;
begin
  if tg_op = 'UPDATE' then
    touched := new.updated_at;
    new.sync_version := old.sync_version;
    new.updated_at := old.updated_at;
    if new *= old then
      return new;
    end if;
    new.updated_at := touched;
  end if;
  if current_setting('sync_floor.held', true) is distinct from 'yes' then
    perform public.announce_sync_floor();
  end if;
  new.sync_version := nextval('public.sync_version_seq');
  return new;
end;
$$;

-- The copy that owners' and editors' own writes go through (security definer, since they
-- may not draw versions themselves).
create or replace function public.stamp_owner_written_sync_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  touched timestamptz;
begin
  if tg_op = 'UPDATE' then
    touched := new.updated_at;
    new.sync_version := old.sync_version;
    new.updated_at := old.updated_at;
    if new *= old then
      return new;
    end if;
    new.updated_at := touched;
  end if;
  if current_setting('sync_floor.held', true) is distinct from 'yes' then
    perform public.announce_sync_floor();
  end if;
  new.sync_version := nextval('public.sync_version_seq');
  return new;
end;
$$;

-- Deletions (the tombstone trigger) and the Cloud API queue draw through this one: the
-- organisation's lock as before, and the floor before the number.
create or replace function public.next_sync_version(org uuid)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  held text := 'sync_lock.o' || replace(org::text, '-', '');
begin
  if current_setting(held, true) is distinct from 'yes' then
    insert into public.organization_sync_state as s (organization_id) values (org)
    on conflict (organization_id) do update set updated_at = now();
    perform set_config(held, 'yes', true);
  end if;
  if current_setting('sync_floor.held', true) is distinct from 'yes' then
    perform public.announce_sync_floor();
  end if;
  return nextval('public.sync_version_seq');
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
  if current_setting('sync_floor.held', true) is distinct from 'yes' then
    perform public.announce_sync_floor();
  end if;
  return 0;
end;
$$;

-- The highest version a pull may answer. Called on its own, before the pull's snapshot is
-- taken: the order of the two reads and the snapshot is what makes it safe (see the top).
create function public.sync_pull_ceiling()
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  drawn bigint;
  lowest_floor bigint;
begin
  select case when s.is_called then s.last_value else s.last_value - 1 end into drawn from public.sync_version_seq s;
  select min(((l.classid::bigint & 65535) << 32) | l.objid::bigint) into lowest_floor
  from pg_catalog.pg_locks l
  where l.locktype = 'advisory' and l.objsubid = 2 and (l.classid::bigint >> 16) = 21337;
  return least(drawn, lowest_floor);
end;
$$;
revoke all on function public.sync_pull_ceiling() from public, anon, authenticated;
grant execute on function public.sync_pull_ceiling() to service_role;
