-- The same versions, stamped with less work per row (the stamping trigger runs on every
-- insert and update of every synced table: pushes, the shop's webhooks, the queue).
--
-- 1. An update that changes nothing was recognised by turning both row versions into
--    jsonb and comparing them; for a message with a jsonb payload that is most of the cost
--    of the update. Now the two rows are compared as stored (`*=`), with the version and
--    the touch time set aside first. A value whose bytes change without its meaning
--    changing (a numeric written 1.0 then 1.00) now counts as a change: desktops pull that
--    row once more, and nothing is ever missed.
-- 2. A store's row asked the security-definer `store_organization()` for its organisation
--    on every row (a settings save and restore per call). The transaction now remembers,
--    per store, that it holds the store's organisation lock, in a transaction-local setting
--    set right after the lock is taken; later rows of that store only read the setting and
--    draw the next number. Like the organisation's own flag, it is undone with a rolled-back
--    savepoint, together with the lock.
-- The order stays the commit order per organisation: every number is still drawn after the
-- transaction took its organisation's lock, which it holds until it ends.

create or replace function public.stamp_sync_version()
returns trigger
language plpgsql
as $$
declare
  org uuid;
  touched timestamptz;
  store_held text;
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
  if tg_argv[0] = 'store' then
    store_held := 'sync_lock.s' || replace(new.store_id::text, '-', '');
    if current_setting(store_held, true) is not distinct from 'yes' then
      new.sync_version := nextval('public.sync_version_seq');
      return new;
    end if;
    org := public.store_organization(new.store_id);
  else
    org := new.organization_id;
  end if;
  if current_setting('sync_lock.o' || replace(org::text, '-', ''), true) is distinct from 'yes' then
    new.sync_version := public.next_sync_version(org);
  else
    new.sync_version := nextval('public.sync_version_seq');
  end if;
  if store_held is not null then
    perform set_config(store_held, 'yes', true);
  end if;
  return new;
end;
$$;

-- The copy that owners' and editors' own writes go through (security definer, since they
-- may not draw versions themselves): the same comparison; few rows are written this way.
create or replace function public.stamp_owner_written_sync_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  org uuid;
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
  -- No argument: a store's table; 'organization': an organisation's.
  if tg_nargs > 0 and tg_argv[0] = 'organization' then
    org := new.organization_id;
  else
    org := public.store_organization(new.store_id);
  end if;
  if current_setting('sync_lock.o' || replace(org::text, '-', ''), true) is distinct from 'yes' then
    new.sync_version := public.next_sync_version(org);
  else
    new.sync_version := nextval('public.sync_version_seq');
  end if;
  return new;
end;
$$;
