-- The workshop side rebuilt as the desktop console's SQLite schema, so desktop sync is a
-- copy: same table names, column names and allowed states (a test compares the two), with
-- the desktop's own ids (wa_…, ws_…, tpl_…, msg_…) and natural keys where SQLite's ids are
-- local integers (leads by phone, members by group + LID/phone, events by event_id).
-- Every table is scoped by organization_id and every reference includes it, so a row can
-- never point into another organisation. Nothing wrote these tables before desktop sync
-- existed, so they are replaced rather than converted.

drop table if exists public.scheduled_whatsapp_messages, public.workshop_group_member_events, public.workshop_group_members,
  public.whatsapp_groups, public.lead_assignments, public.leads, public.workshop_automation_config, public.workshops,
  public.whatsapp_sessions cascade;

create table public.whatsapp_sessions (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id text not null check (id ~ '^wa_[0-9a-f-]{36}$'),
  label text not null default '',
  state text not null default 'connecting'
    check (state in ('connecting', 'waiting-for-qr', 'open', 'reconnecting', 'logged-out', 'replaced', 'restricted')),
  state_reason text,
  phone text check (phone ~ '^[0-9]{8,15}$'),
  display_name text,
  last_active_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id)
);

create table public.whatsapp_groups (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  session_id text not null,
  group_jid text not null check (group_jid like '%@g.us'),
  subject text not null default '',
  size integer not null default 0 check (size >= 0),
  is_admin boolean not null default false,
  invite_link text,
  addressing_mode text not null default 'pn' check (addressing_mode in ('pn', 'lid')),
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, session_id, group_jid),
  foreign key (organization_id, session_id) references public.whatsapp_sessions (organization_id, id) on delete cascade
);

create table public.workshops (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id text not null default ('ws_' || gen_random_uuid()) check (id ~ '^ws_[0-9a-f-]{36}$'),
  name text not null check (length(trim(name)) > 0),
  starts_at timestamptz not null,
  -- As the coordinator typed it, in time_zone.
  starts_at_local text not null check (starts_at_local ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$'),
  time_zone text not null,
  duration_minutes integer not null check (duration_minutes > 0),
  description text not null default '',
  join_link text not null default '',
  session_id text,
  group_jid text check (group_jid like '%@g.us'),
  last_synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  foreign key (organization_id, session_id) references public.whatsapp_sessions (organization_id, id) on delete set null (session_id)
);
create index workshops_organization_starts_idx on public.workshops (organization_id, starts_at);

-- A person who registered; the same phone registering for two workshops is one lead.
create table public.leads (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  phone text not null check (phone ~ '^[0-9]{8,15}$'),
  name text not null default '',
  email text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, phone)
);

create table public.lead_assignments (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  workshop_id text not null,
  phone text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, workshop_id, phone),
  foreign key (organization_id, workshop_id) references public.workshops (organization_id, id) on delete cascade,
  foreign key (organization_id, phone) references public.leads (organization_id, phone) on delete cascade
);
create index lead_assignments_lead_idx on public.lead_assignments (organization_id, phone);

-- One row per group and person, known by LID, phone or both.
create table public.workshop_group_members (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  group_jid text not null check (group_jid like '%@g.us'),
  lid text check (lid like '%@lid'),
  phone text check (phone ~ '^[0-9]{8,15}$'),
  status text not null default 'active' check (status in ('active', 'left')),
  joined_at timestamptz,
  joined_source text check (joined_source in ('live', 'sync')),
  left_at timestamptz,
  left_source text check (left_source in ('live', 'sync')),
  is_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (lid is not null or phone is not null)
);
create unique index workshop_group_members_group_lid_key on public.workshop_group_members (organization_id, group_jid, lid) where lid is not null;
create unique index workshop_group_members_group_phone_key on public.workshop_group_members (organization_id, group_jid, phone) where phone is not null;
create index workshop_group_members_stats_idx on public.workshop_group_members (organization_id, group_jid, status);

-- Append-only: every change of membership with where it was learnt. event_id is made by
-- whoever saw the change (a desktop: "<client id>:<local id>"; the membership webhook:
-- from the delivery), so a replay inserts nothing.
create table public.membership_events (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  event_id text not null check (length(event_id) between 1 and 200),
  group_jid text not null check (group_jid like '%@g.us'),
  lid text check (lid like '%@lid'),
  phone text check (phone ~ '^[0-9]{8,15}$'),
  action text not null check (action in ('joined', 'left', 'promoted', 'demoted')),
  source text not null check (source in ('live', 'sync')),
  occurred_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, event_id),
  check (lid is not null or phone is not null)
);
create index membership_events_group_time_idx on public.membership_events (organization_id, group_jid, occurred_at);

create trigger membership_events_append_only
  before update or delete on public.membership_events
  for each row execute function public.reject_change();

create table public.message_templates (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id text not null default ('tpl_' || gen_random_uuid()) check (id ~ '^tpl_[0-9a-f-]{36}$'),
  name text not null check (length(trim(name)) between 1 and 100),
  -- Only the variables the console fills in: an unknown one would reach the group as "{wrkshop}".
  body text not null check (length(body) between 1 and 4096)
    check (body !~ '\{\s*(?!(workshop_name|date|start_time|join_link|group_link|minutes_to_start|time_to_start|duration)\s*\})[a-zA-Z_]+\s*\}'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id)
);

-- The reminder schedule: workshop_id null holds the organisation's defaults, a row with a
-- workshop overrides that rule for it.
create table public.workshop_automation_config (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  workshop_id text,
  rule_key text not null check (rule_key in ('morning-of', '6h-before', '1h-before', '30m-before', 'live-now')),
  enabled boolean not null,
  template_id text,
  local_time text check (local_time ~ '^([01]\d|2[0-3]):[0-5]\d$'),
  minutes_before integer check (minutes_before between 0 and 10080),
  grace_minutes integer not null check (grace_minutes between 0 and 1440),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique nulls not distinct (organization_id, workshop_id, rule_key),
  foreign key (organization_id, workshop_id) references public.workshops (organization_id, id) on delete cascade,
  foreign key (organization_id, template_id) references public.message_templates (organization_id, id) on delete set null (template_id)
);

-- The queue, as the desktop that sends it reports it. Media bytes stay on the desktop.
create table public.scheduled_whatsapp_messages (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id text not null check (id ~ '^msg_[0-9a-f-]{36}$'),
  workshop_id text not null,
  rule_key text check (rule_key in ('morning-of', '6h-before', '1h-before', '30m-before', 'live-now')),
  idempotency_key text,
  session_id text,
  group_jid text,
  kind text not null check (kind in ('text', 'image', 'document')),
  body text not null,
  media_mimetype text,
  file_name text,
  scheduled_for timestamptz not null,
  grace_minutes integer not null check (grace_minutes >= 0),
  status text not null check (status in ('pending', 'sending', 'sent', 'failed', 'missed', 'uncertain', 'cancelled')),
  cancelled_by text check (cancelled_by in ('operator', 'schedule')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz,
  last_error text,
  message_id text,
  sent_at timestamptz,
  receipt text check (receipt in ('server-ack', 'delivered', 'read', 'played')),
  edited_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  unique (organization_id, idempotency_key),
  foreign key (organization_id, workshop_id) references public.workshops (organization_id, id) on delete cascade
);
create index scheduled_whatsapp_messages_workshop_idx on public.scheduled_whatsapp_messages (organization_id, workshop_id, scheduled_for);

do $$
declare
  t text;
begin
  foreach t in array array['whatsapp_sessions', 'whatsapp_groups', 'workshops', 'leads', 'lead_assignments', 'workshop_group_members',
    'membership_events', 'message_templates', 'workshop_automation_config', 'scheduled_whatsapp_messages']
  loop
    execute format('create trigger %I before update on public.%I
      for each row execute function public.touch_updated_at()', t || '_touch', t);
    execute format('alter table public.%I enable row level security', t);
    execute format('create policy "members read their organization''s rows" on public.%I
      for select to authenticated using (public.is_org_member(organization_id))', t);
    -- Owners, admins and members write (the desktop syncs as its signed-in user); viewers only read.
    execute format('create policy "editors add their organization''s rows" on public.%I
      for insert to authenticated with check (public.can_edit_org(organization_id))', t);
    -- History is only ever added to.
    continue when t = 'membership_events';
    execute format('create policy "editors change their organization''s rows" on public.%I
      for update to authenticated using (public.can_edit_org(organization_id)) with check (public.can_edit_org(organization_id))', t);
    -- Workshops and leads are the organisation's registrations: only owners and admins remove them.
    execute format('create policy "editors delete their organization''s rows" on public.%I
      for delete to authenticated using (%s)', t,
      case when t in ('workshops', 'leads') then 'public.manages_org(organization_id)' else 'public.can_edit_org(organization_id)' end);
  end loop;
end;
$$;
