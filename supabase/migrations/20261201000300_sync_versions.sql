-- Desktop sync reads "what changed since my cursor" per table. The cursor is a number per
-- organisation handed out in commit order: every change to a synced row takes the next
-- value of its organisation's counter row, and the row lock on that counter is held until
-- the writing transaction ends, so a transaction that commits later always holds a
-- higher number. `sync_version > cursor` therefore never skips a row that committed late,
-- which `updated_at > cursor` does (the timestamp is taken when the transaction writes,
-- not when it commits). Cost: writers of one organisation take turns, briefly.

create table public.organization_sync_state (
  -- No foreign key: deleting an organisation cascades through triggers that still count.
  organization_id uuid primary key,
  version bigint not null default 0,
  -- Tombstones up to this version are gone: a cursor below it must start again.
  purged_through bigint not null default 0,
  updated_at timestamptz not null default now()
);

create function public.next_sync_version(org uuid)
returns bigint
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.organization_sync_state as s (organization_id, version) values (org, 1)
  on conflict (organization_id) do update set version = s.version + 1, updated_at = now()
  returning s.version;
$$;
revoke all on function public.next_sync_version(uuid) from public, anon, authenticated;

-- Stamps a change with the next version. An update that changes nothing keeps its version,
-- so replays and idempotent webhooks do not make every desktop pull the row again.
create function public.stamp_sync_version()
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
  if tg_argv[0] = 'store' then
    select s.organization_id into org from public.store_settings s where s.id = new.store_id;
  else
    org := new.organization_id;
  end if;
  new.sync_version := public.next_sync_version(org);
  return new;
end;
$$;

-- A deleted row leaves its key columns behind, stamped like any change, for 30 days.
create table public.sync_tombstones (
  id bigint generated always as identity primary key,
  organization_id uuid not null,
  table_name text not null,
  row_key jsonb not null,
  sync_version bigint not null,
  created_at timestamptz not null default now()
);
create index sync_tombstones_pull_idx on public.sync_tombstones (organization_id, table_name, sync_version);
create index sync_tombstones_age_idx on public.sync_tombstones (created_at);

create function public.record_sync_tombstone()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  org uuid;
  key_columns text[] := tg_argv[1:];
begin
  if tg_argv[0] = 'store' then
    select s.organization_id into org from public.store_settings s where s.id = old.store_id;
    -- The store itself is being deleted with its organisation: nobody is left to tell.
    if org is null then return old; end if;
  else
    org := old.organization_id;
  end if;
  insert into public.sync_tombstones (organization_id, table_name, row_key, sync_version)
  select org, tg_table_name, jsonb_object_agg(k, to_jsonb(old) -> k), public.next_sync_version(org)
  from unnest(key_columns) as k;
  return old;
end;
$$;

do $$
declare
  t text;
  keys text;
  org_tables text[][] := array[
    array['whatsapp_sessions', 'id'], array['whatsapp_groups', 'session_id,group_jid'], array['workshops', 'id'],
    array['leads', 'phone'], array['lead_assignments', 'workshop_id,phone'], array['workshop_group_members', 'group_jid,lid,phone'],
    array['membership_events', 'event_id'], array['message_templates', 'id'], array['workshop_automation_config', 'workshop_id,rule_key'],
    array['scheduled_whatsapp_messages', 'id']];
  store_tables text[] := array['messaging_log', 'orders', 'payment_transactions', 'deliveries'];
  i int;
begin
  for i in 1 .. array_length(org_tables, 1) loop
    t := org_tables[i][1];
    keys := org_tables[i][2];
    execute format('alter table public.%I add column sync_version bigint not null default 0', t);
    execute format('create index %I on public.%I (organization_id, sync_version)', t || '_sync_idx', t);
    -- "zz_" so it runs after the updated_at trigger and can tell a real change from a no-op.
    execute format('create trigger zz_sync_version before insert or update on public.%I
      for each row execute function public.stamp_sync_version(%L)', t, 'organization');
    execute format('create trigger zz_sync_tombstone after delete on public.%I
      for each row execute function public.record_sync_tombstone(%s)', t,
      (select string_agg(quote_literal(k), ', ') from unnest(array['organization'] || string_to_array(keys, ',')) as k));
  end loop;
  foreach t in array store_tables loop
    execute format('alter table public.%I add column sync_version bigint not null default 0', t);
    execute format('create index %I on public.%I (store_id, sync_version)', t || '_sync_idx', t);
    execute format('create trigger zz_sync_version before insert or update on public.%I
      for each row execute function public.stamp_sync_version(%L)', t, 'store');
    execute format('create trigger zz_sync_tombstone after delete on public.%I
      for each row execute function public.record_sync_tombstone(%L, %L)', t, 'store', 'id');
  end loop;
end;
$$;

-- Rows written before this migration get versions now, in a stable order.
do $$
declare
  t text;
begin
  foreach t in array array['messaging_log', 'orders', 'payment_transactions', 'deliveries'] loop
    execute format('update public.%I x set sync_version = public.next_sync_version(s.organization_id)
      from public.store_settings s where s.id = x.store_id and x.sync_version = 0', t);
  end loop;
end;
$$;

-- One row per desktop database: the highest mutation seq applied, so a replay is
-- recognised. Bound to the user and organisation that first used it.
create table public.sync_clients (
  client_id uuid primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  last_seq bigint not null default 0 check (last_seq >= 0),
  created_at timestamptz not null default now(),
  last_push_at timestamptz
);
create index sync_clients_organization_idx on public.sync_clients (organization_id);

-- Mutations the server refused, kept so the CRM and support can see what a desktop lost.
create table public.sync_rejections (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  client_id uuid not null references public.sync_clients (client_id) on delete cascade,
  seq bigint not null,
  table_name text not null,
  code text not null,
  reason text not null,
  created_at timestamptz not null default now(),
  unique (client_id, seq)
);

alter table public.organization_sync_state enable row level security;
alter table public.sync_tombstones enable row level security;
alter table public.sync_clients enable row level security;
alter table public.sync_rejections enable row level security;

create policy "members read their organization's sync state" on public.organization_sync_state
  for select to authenticated using (public.is_org_member(organization_id));
create policy "members read their organization's tombstones" on public.sync_tombstones
  for select to authenticated using (public.is_org_member(organization_id));
create policy "members read their organization's sync clients" on public.sync_clients
  for select to authenticated using (public.is_org_member(organization_id));
-- A desktop registers itself as its signed-in user, in an organisation that user may edit.
create policy "editors register their own sync clients" on public.sync_clients
  for insert to authenticated with check (user_id = auth.uid() and public.can_edit_org(organization_id));
create policy "users advance their own sync clients" on public.sync_clients
  for update to authenticated using (user_id = auth.uid() and public.can_edit_org(organization_id))
  with check (user_id = auth.uid() and public.can_edit_org(organization_id));
create policy "members read their organization's rejections" on public.sync_rejections
  for select to authenticated using (public.is_org_member(organization_id));
create policy "users record their own clients' rejections" on public.sync_rejections
  for insert to authenticated with check (
    public.can_edit_org(organization_id)
    and exists (select 1 from public.sync_clients c where c.client_id = sync_rejections.client_id and c.user_id = auth.uid()));

-- Starts a push: checks the caller may edit the organisation and takes its counter row's
-- lock for the rest of the transaction, so pushes and webhooks of one organisation apply
-- one after the other (a member matched by LID or phone is never inserted twice).
create function public.begin_sync_write(org uuid)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  current_version bigint;
begin
  if auth.role() is distinct from 'service_role' and not public.can_edit_org(org) then
    raise exception 'This account may not change the organisation''s data' using errcode = '42501';
  end if;
  insert into public.organization_sync_state (organization_id) values (org) on conflict do nothing;
  select s.version into current_version from public.organization_sync_state s where s.organization_id = org for update;
  return current_version;
end;
$$;
revoke all on function public.begin_sync_write(uuid) from public, anon;
grant execute on function public.begin_sync_write(uuid) to authenticated, service_role;

-- Forgets tombstones older than `retain`; desktops whose cursor is older start that table again.
create function public.purge_sync_tombstones(retain interval default interval '30 days')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  purged integer;
begin
  with gone as (
    delete from public.sync_tombstones where created_at < now() - retain returning organization_id, sync_version
  ), horizon as (
    select organization_id, max(sync_version) as through, count(*) as n from gone group by organization_id
  ), moved as (
    update public.organization_sync_state s set purged_through = greatest(s.purged_through, h.through)
    from horizon h where s.organization_id = h.organization_id returning h.n
  )
  select coalesce(sum(n), 0)::int into purged from moved;
  return purged;
end;
$$;
revoke all on function public.purge_sync_tombstones(interval) from public, anon, authenticated;

-- The CRM pages stay live through Realtime; the tables were re-created, so they are added again.
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    alter publication supabase_realtime add table
      public.whatsapp_sessions, public.whatsapp_groups, public.workshops, public.leads, public.lead_assignments,
      public.workshop_group_members, public.membership_events, public.scheduled_whatsapp_messages;
  end if;
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('purge-sync-tombstones', '41 3 * * *', $job$ select public.purge_sync_tombstones() $job$);
  end if;
end;
$$;
