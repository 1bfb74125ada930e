-- What the console's Campaigns page needs from the Cloud API tables, travelling to desktops
-- with the organisation's other records: its business numbers (never the access token or
-- the verify token), the templates Meta approved, the queue of template sends with their
-- outcomes, and the per-workshop reminders. Desktops only read them (column lists in
-- shared/sync/sync-tables.ts); sends and reminder changes go through the functions.
--
-- The functions write these rows from their own connection, so the ordinary stamping
-- trigger numbers them; each transaction that writes takes the organisation's version
-- lock once, as every other synced write does. Editors switch reminders on and off as
-- the signed-in user, who may not draw versions: those rows are stamped by the
-- security-definer trigger consent records use, which now also takes an organisation's table.

create or replace function public.stamp_owner_written_sync_version()
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
  -- No argument: a store's table (as before); 'organization': an organisation's.
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

do $$
declare
  t text;
  stamp text;
  org_tables text[][] := array[
    array['whatsapp_config', 'stamp_sync_version'], array['whatsapp_templates', 'stamp_sync_version'],
    array['whatsapp_queue', 'stamp_sync_version'], array['whatsapp_event_tasks', 'stamp_owner_written_sync_version']
  ];
begin
  for i in 1 .. array_length(org_tables, 1) loop
    t := org_tables[i][1];
    stamp := org_tables[i][2];
    execute format('alter table public.%I add column sync_version bigint not null default 0', t);
    execute format('create index %I on public.%I (organization_id, sync_version)', t || '_sync_idx', t);
    execute format('create trigger zz_sync_version before insert or update on public.%I
      for each row execute function public.%I(%L)', t, stamp, 'organization');
    execute format('create trigger zz_sync_tombstone after delete on public.%I
      for each row execute function public.record_sync_tombstone(%L, %L)', t, 'organization', 'id');
    execute format('update public.%I set sync_version = public.next_sync_version(organization_id) where sync_version = 0', t);
  end loop;
end;
$$;

-- The numbers' readable columns are granted one by one (the two secrets are not); the
-- desktop's pull reads the version too.
grant select (sync_version) on public.whatsapp_config to authenticated;

-- Pokes for the rows that change while a campaign runs. The numbers stay out of the
-- publication: a change event would carry the whole row, secrets included, and they change
-- rarely enough for the desktop's regular poll.
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    alter publication supabase_realtime add table
      public.whatsapp_templates, public.whatsapp_queue, public.whatsapp_event_tasks;
  end if;
end;
$$;
