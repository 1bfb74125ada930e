-- The workshop side: what the desktop console syncs up so the organisation's data
-- survives every desktop being off. Columns and states follow the console's own SQLite
-- schema so sync is a copy, not a translation. Phone columns hold E.164 digits (no "+");
-- they are nullable wherever WhatsApp may only give us a LID.

create table public.whatsapp_sessions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  -- The desktop's own id for the linked device.
  session_id text not null,
  label text not null default '',
  -- The console's connection states, mirrored as they are.
  status text not null default 'connecting'
    check (status in ('connecting', 'waiting-for-qr', 'open', 'reconnecting', 'logged-out', 'replaced', 'restricted')),
  status_reason text,
  phone_number text check (phone_number ~ '^[0-9]{8,15}$'),
  display_name text,
  last_active_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, session_id)
);

create table public.workshops (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(trim(name)) > 0),
  starts_at timestamptz not null,
  time_zone text not null default 'UTC',
  duration_minutes integer not null default 60 check (duration_minutes > 0),
  description text not null default '',
  join_link text not null default '',
  session_id uuid references public.whatsapp_sessions (id) on delete set null,
  group_jid text check (group_jid like '%@g.us'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index workshops_organization_starts_idx on public.workshops (organization_id, starts_at);

-- A person who registered; the same phone registering for two workshops is one lead.
create table public.leads (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  phone_number text not null check (phone_number ~ '^[0-9]{8,15}$'),
  name text not null default '',
  email text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, phone_number)
);

-- Registered leads per workshop; "Registered" and "Missing" are computed against these.
create table public.lead_assignments (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  workshop_id uuid not null references public.workshops (id) on delete cascade,
  lead_id uuid not null references public.leads (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (workshop_id, lead_id)
);
create index lead_assignments_lead_idx on public.lead_assignments (lead_id);

create table public.whatsapp_groups (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  session_id uuid references public.whatsapp_sessions (id) on delete set null,
  workshop_id uuid references public.workshops (id) on delete set null,
  group_jid text not null check (group_jid like '%@g.us'),
  subject text not null default '',
  size integer not null default 0 check (size >= 0),
  is_admin boolean not null default false,
  invite_link text,
  addressing_mode text not null default 'pn' check (addressing_mode in ('pn', 'lid')),
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, group_jid)
);
create index whatsapp_groups_workshop_idx on public.whatsapp_groups (workshop_id);

create table public.workshop_group_members (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  group_id uuid not null references public.whatsapp_groups (id) on delete cascade,
  group_jid text not null,
  -- Normalised national number (matches leads) and the full number WhatsApp reported.
  phone_number text,
  full_phone text check (full_phone ~ '^[0-9]{8,15}$'),
  lid text,
  status text not null default 'active' check (status in ('active', 'left')),
  joined_at timestamptz,
  joined_source text check (joined_source in ('live', 'sync')),
  left_at timestamptz,
  left_source text check (left_source in ('live', 'sync')),
  is_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A member is known by phone or, before the phone is resolved, by LID only.
  check (full_phone is not null or lid is not null),
  check ((status = 'left') = (left_at is not null))
);
-- One record per group + phone (and per group + LID while the phone is unknown).
create unique index workshop_group_members_group_phone_key
  on public.workshop_group_members (group_id, full_phone) where full_phone is not null;
create unique index workshop_group_members_group_lid_key
  on public.workshop_group_members (group_id, lid) where lid is not null;
create index workshop_group_members_stats_idx
  on public.workshop_group_members (organization_id, group_id, status);

-- Append-only: joins and leaves are history, the members table is the current state.
create table public.workshop_group_member_events (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  group_id uuid not null references public.whatsapp_groups (id) on delete cascade,
  member_id uuid references public.workshop_group_members (id) on delete set null,
  action text not null check (action in ('joined', 'left', 'promoted', 'demoted')),
  full_phone text,
  lid text,
  source text not null check (source in ('live', 'sync')),
  occurred_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index workshop_group_member_events_group_idx
  on public.workshop_group_member_events (group_id, occurred_at);

create function public.reject_change()
returns trigger
language plpgsql
as $$
begin
  raise exception '% is append-only', tg_table_name;
end;
$$;

create trigger workshop_group_member_events_append_only
  before update or delete on public.workshop_group_member_events
  for each row execute function public.reject_change();

create table public.scheduled_whatsapp_messages (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  workshop_id uuid references public.workshops (id) on delete cascade,
  group_id uuid references public.whatsapp_groups (id) on delete cascade,
  session_id uuid references public.whatsapp_sessions (id) on delete set null,
  message_content text not null,
  media_url text,
  media_type text check (media_type in ('image', 'document', 'video')),
  scheduled_for timestamptz not null,
  status text not null default 'pending'
    check (status in ('pending', 'sending', 'sent', 'failed', 'cancelled')),
  retry_count integer not null default 0 check (retry_count >= 0),
  max_retries integer not null default 3 check (max_retries >= 0),
  error_message text,
  -- Generated before sending so a message can be recognised after a crash.
  message_id text,
  idempotency_key text not null,
  sent_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, idempotency_key)
);
create index scheduled_whatsapp_messages_due_idx
  on public.scheduled_whatsapp_messages (scheduled_for) where status = 'pending';
create index scheduled_whatsapp_messages_workshop_idx
  on public.scheduled_whatsapp_messages (workshop_id, scheduled_for);

create table public.workshop_automation_config (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null unique references public.organizations (id) on delete cascade,
  auto_schedule_enabled boolean not null default true,
  default_session_id uuid references public.whatsapp_sessions (id) on delete set null,
  -- The default reminder schedule: morning of, 6 h, 1 h and 30 min before, and "we are live".
  message_schedule jsonb not null default '[
    {"key": "morning", "at": "09:00", "template": "Reminder: {workshop} is today at {time}."},
    {"key": "6h", "offset_minutes": -360, "template": "{workshop} starts in 6 hours."},
    {"key": "1h", "offset_minutes": -60, "template": "{workshop} starts in 1 hour."},
    {"key": "30m", "offset_minutes": -30, "template": "{workshop} starts in 30 minutes."},
    {"key": "live", "offset_minutes": 0, "template": "We are live! Join {workshop} now."}
  ]'::jsonb check (jsonb_typeof(message_schedule) = 'array'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

do $$
declare
  t text;
begin
  foreach t in array array['workshops', 'leads', 'whatsapp_sessions', 'whatsapp_groups',
    'workshop_group_members', 'scheduled_whatsapp_messages', 'workshop_automation_config']
  loop
    execute format('create trigger %I before update on public.%I
      for each row execute function public.touch_updated_at()', t || '_touch', t);
  end loop;

  -- Organisation members read; only the service role (which bypasses RLS) writes.
  foreach t in array array['workshops', 'leads', 'lead_assignments', 'whatsapp_sessions', 'whatsapp_groups',
    'workshop_group_members', 'workshop_group_member_events', 'scheduled_whatsapp_messages',
    'workshop_automation_config']
  loop
    execute format('alter table public.%I enable row level security', t);
    execute format('create policy "members read their organization''s rows" on public.%I
      for select to authenticated using (public.is_org_member(organization_id))', t);
  end loop;
end;
$$;
