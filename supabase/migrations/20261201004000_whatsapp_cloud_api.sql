-- WhatsApp Cloud API template messaging: an organisation's business numbers, the templates
-- Meta approved for them, one queue of 1:1 template sends, what Meta reported for each send,
-- per-recipient counters for Meta's limits, and reminders to a workshop's registered leads.
--
-- Everything a user may read is scoped by organization_id. Only the functions (the service
-- role and their own connection) write the queue, the logs, the counters and the numbers:
-- a send must pass their checks (approved template, parameters, opt-out, limits) first.
-- The access token is encrypted by the functions with a key only they hold, and even its
-- ciphertext cannot be selected by the API roles.

create table public.whatsapp_config (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  label text not null default '',
  phone_number_id text not null unique check (phone_number_id ~ '^[0-9A-Za-z_-]{1,64}$'),
  business_account_id text not null check (business_account_id ~ '^[0-9A-Za-z_-]{1,64}$'),
  display_phone_number text,
  -- "v1:" + base64(iv ‖ AES-256-GCM ciphertext); written and read only by the functions.
  access_token_encrypted text not null check (access_token_encrypted like 'v1:%'),
  webhook_verify_token text not null check (length(webhook_verify_token) between 8 and 256),
  -- Unique recipients of business-initiated messages per moving 24 h (Meta's messaging
  -- limit: 250, 2000, 10000, 100000); null is Meta's "unlimited".
  messaging_limit integer default 250 check (messaging_limit > 0),
  -- Meta's default throughput per number is 80 messages a second (up to 1,000 when upgraded).
  throughput_mps integer not null default 80 check (throughput_mps between 1 and 1000),
  status text not null default 'active' check (status in ('active', 'paused')),
  paused_reason text,
  paused_at timestamptz,
  -- The throughput schedule: the earliest moment the next claimed message may be sent.
  send_tat timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, id),
  check ((status = 'paused') = (paused_reason is not null))
);
create index whatsapp_config_business_account_idx on public.whatsapp_config (business_account_id);

create table public.whatsapp_templates (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  business_account_id text not null,
  meta_template_id text,
  name text not null check (name ~ '^[a-z0-9_]+$' and length(name) <= 512),
  language text not null check (language ~ '^[a-z]{2,3}(_[A-Za-z]{2,4})?$'),
  category text not null check (category in ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
  status text not null check (status in ('pending', 'approved', 'rejected', 'paused', 'disabled', 'in_appeal', 'archived',
    'pending_deletion', 'deleted', 'limit_exceeded')),
  status_reason text,
  body text not null default '',
  -- The body's placeholders in order: ["1", "2"] (positional) or ["first_name", …] (named).
  variables jsonb not null default '[]' check (jsonb_typeof(variables) = 'array'),
  parameter_format text not null default 'positional' check (parameter_format in ('positional', 'named')),
  components jsonb not null default '[]' check (jsonb_typeof(components) = 'array'),
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, id),
  unique (organization_id, business_account_id, name, language)
);

create table public.whatsapp_queue (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  config_id uuid not null,
  template_id uuid,
  -- Frozen when queued, so a template re-synced later cannot change what was planned.
  template_name text not null,
  template_language text not null,
  category text not null check (category in ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
  parameter_format text not null default 'positional' check (parameter_format in ('positional', 'named')),
  parameters jsonb not null default '[]' check (jsonb_typeof(parameters) = 'array'),
  recipient text not null check (recipient ~ '^[0-9]{8,15}$'),
  recipient_name text not null default '',
  campaign_id uuid,
  campaign_name text,
  workshop_id text,
  task_id uuid,
  priority integer not null default 5 check (priority between 1 and 10),
  scheduled_for timestamptz not null default now(),
  -- When the processor may next look at the row (scheduled_for, or later after a retry or a limit).
  next_attempt_at timestamptz not null default now(),
  status text not null default 'queued'
    check (status in ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown', 'cancelled')),
  attempts integer not null default 0 check (attempts >= 0),
  reschedules integer not null default 0 check (reschedules >= 0),
  claimed_at timestamptz,
  claimed_by text,
  not_before timestamptz,
  wamid text unique,
  error_code integer,
  error_message text,
  idempotency_key text not null check (length(idempotency_key) between 1 and 300),
  created_by uuid references auth.users (id) on delete set null,
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  -- Meta's timestamp of the last status applied to the row.
  status_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, idempotency_key),
  foreign key (organization_id, config_id) references public.whatsapp_config (organization_id, id) on delete cascade,
  foreign key (organization_id, template_id) references public.whatsapp_templates (organization_id, id) on delete set null (template_id)
);
-- The processor's claim: due rows of one number, most urgent first.
create index whatsapp_queue_due_idx on public.whatsapp_queue (config_id, priority desc, next_attempt_at, id) where status = 'queued';
create index whatsapp_queue_campaign_idx on public.whatsapp_queue (organization_id, campaign_id) where campaign_id is not null;
create index whatsapp_queue_task_idx on public.whatsapp_queue (task_id) where task_id is not null;
create index whatsapp_queue_claimed_idx on public.whatsapp_queue (claimed_at) where status = 'sending';
create index whatsapp_queue_unresolved_idx on public.whatsapp_queue (config_id, recipient) where status in ('sending', 'unknown');

-- Append-only: every status Meta reported (and every outcome of our own sends), applied to
-- the queue row or not. A redelivered webhook adds nothing.
create table public.whatsapp_delivery_logs (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  queue_id uuid references public.whatsapp_queue (id) on delete cascade,
  wamid text,
  status text not null check (status in ('accepted', 'sent', 'delivered', 'read', 'failed', 'retry', 'unknown', 'cancelled')),
  occurred_at timestamptz not null,
  error_code integer,
  error_message text,
  -- False for a status that arrived after a later one (it would have moved the row backwards).
  applied boolean not null default true,
  created_at timestamptz not null default now()
);
create unique index whatsapp_delivery_logs_status_key on public.whatsapp_delivery_logs (wamid, status, occurred_at) where wamid is not null;
create index whatsapp_delivery_logs_queue_idx on public.whatsapp_delivery_logs (queue_id, occurred_at);

create trigger whatsapp_delivery_logs_append_only
  before update or delete on public.whatsapp_delivery_logs
  for each row execute function public.reject_change();

-- Per organisation and recipient: what Meta's limits need. counted_since is when the
-- recipient started counting toward the 24 h messaging limit; last_sent_at and
-- next_allowed_at pace one recipient (Meta's pair rate: about one message per 6 s).
create table public.whatsapp_rate_usage (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  recipient text not null check (recipient ~ '^[0-9]{8,15}$'),
  counted_since timestamptz,
  last_sent_at timestamptz,
  next_allowed_at timestamptz,
  pair_strikes integer not null default 0 check (pair_strikes >= 0),
  -- Meta said the user stopped marketing messages (131050): no more marketing to them.
  marketing_stopped_at timestamptz,
  undeliverable_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (organization_id, recipient)
);
create index whatsapp_rate_usage_window_idx on public.whatsapp_rate_usage (organization_id, counted_since);

-- Reminders to a workshop's registered leads (7 days before, 1 day before, the day of).
-- Editors choose them; the schedule follows the workshop; running one queues one message
-- per registered lead exactly once (the queue's idempotency key).
create table public.whatsapp_event_tasks (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  workshop_id text not null,
  kind text not null check (kind in ('reminder_7d', 'reminder_1d', 'reminder_day_of')),
  config_id uuid not null,
  template_id uuid not null,
  -- Where each template variable comes from, in order.
  parameter_sources text[] not null default '{}'
    check (parameter_sources <@ array['lead_name', 'workshop_name', 'start_time', 'start_date', 'group_link', 'join_link']::text[]),
  scheduled_for timestamptz not null default now(),
  status text not null default 'pending' check (status in ('pending', 'done', 'cancelled')),
  queued_count integer not null default 0 check (queued_count >= 0),
  executed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, workshop_id, kind),
  foreign key (organization_id, workshop_id) references public.workshops (organization_id, id) on delete cascade,
  foreign key (organization_id, config_id) references public.whatsapp_config (organization_id, id) on delete cascade,
  foreign key (organization_id, template_id) references public.whatsapp_templates (organization_id, id) on delete cascade
);
create index whatsapp_event_tasks_due_idx on public.whatsapp_event_tasks (scheduled_for) where status = 'pending';

-- When a reminder of this kind goes out for a workshop starting at starts_at in time_zone.
-- The day-of reminder goes at 08:00 local, or two hours before a start earlier than 09:00.
create function public.whatsapp_task_time(kind text, starts_at timestamptz, time_zone text)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select case kind
    when 'reminder_7d' then starts_at - interval '7 days'
    when 'reminder_1d' then starts_at - interval '1 day'
    else least(((starts_at at time zone time_zone)::date + time '08:00') at time zone time_zone, starts_at - interval '2 hours')
  end;
$$;

-- The schedule is the workshop's, never typed; editors may switch a reminder off (cancelled)
-- or back on (pending) but only the functions record that it ran.
create function public.prepare_whatsapp_event_task()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  w record;
begin
  select starts_at, time_zone into w from public.workshops where organization_id = new.organization_id and id = new.workshop_id;
  new.scheduled_for := public.whatsapp_task_time(new.kind, w.starts_at, w.time_zone);
  if current_user in ('anon', 'authenticated') then
    if tg_op = 'INSERT' then
      if new.status <> 'pending' and new.status <> 'cancelled' then
        raise exception 'A reminder starts pending or cancelled; it is marked done when it has run' using errcode = '42501';
      end if;
      new.queued_count := 0;
      new.executed_at := null;
    else
      if new.status = 'done' and old.status <> 'done' then
        raise exception 'A reminder is marked done when it has run, not by hand' using errcode = '42501';
      end if;
      new.queued_count := old.queued_count;
      new.executed_at := old.executed_at;
    end if;
  end if;
  return new;
end;
$$;

create trigger whatsapp_event_tasks_prepare
  before insert or update on public.whatsapp_event_tasks
  for each row execute function public.prepare_whatsapp_event_task();

-- A workshop that moves takes its reminders along: messages queued for the old time are
-- cancelled, and each reminder still ahead runs again for the new time.
create function public.move_whatsapp_event_tasks()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.starts_at is not distinct from old.starts_at and new.time_zone is not distinct from old.time_zone then
    return new;
  end if;
  update public.whatsapp_queue q set status = 'cancelled', error_message = 'The workshop moved; the reminder is queued again for the new time'
  from public.whatsapp_event_tasks t
  where t.organization_id = new.organization_id and t.workshop_id = new.id and q.task_id = t.id and q.status = 'queued';
  update public.whatsapp_event_tasks t
  set status = case when t.status = 'done' and public.whatsapp_task_time(t.kind, new.starts_at, new.time_zone) > now() then 'pending' else t.status end,
      updated_at = now()
  where t.organization_id = new.organization_id and t.workshop_id = new.id and t.status <> 'cancelled';
  return new;
end;
$$;

create trigger workshops_move_whatsapp_event_tasks
  after update of starts_at, time_zone on public.workshops
  for each row execute function public.move_whatsapp_event_tasks();

-- A lead removed from a workshop gets none of its reminders still waiting.
create function public.cancel_whatsapp_reminders_of_lead()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.whatsapp_queue q set status = 'cancelled', error_message = 'The lead was removed from the workshop'
  where q.organization_id = old.organization_id and q.workshop_id = old.workshop_id and q.recipient = old.phone
    and q.task_id is not null and q.status = 'queued';
  return old;
end;
$$;

create trigger lead_assignments_cancel_whatsapp_reminders
  after delete on public.lead_assignments
  for each row execute function public.cancel_whatsapp_reminders_of_lead();

-- Is this recipient opted out of the organisation's WhatsApp messages (in any of its stores)?
create function public.whatsapp_recipient_opted_out(org uuid, phone text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.customer_channel_opt_in o join public.store_settings s on s.id = o.store_id
    where s.organization_id = org and o.channel_type = 'whatsapp' and o.customer_phone = phone and not o.is_opted_in
  );
$$;

-- Runs due reminders: one queue row per registered lead who has not opted out, each with an
-- idempotency key naming the reminder, the time it was for and the lead, so running a
-- reminder twice (or two runners at once) queues nothing more.
create function public.execute_due_whatsapp_event_tasks(max_tasks integer default 50)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  t record;
  queued integer;
  total integer := 0;
begin
  for t in
    select * from public.whatsapp_event_tasks
    where status = 'pending' and scheduled_for <= now()
    order by scheduled_for
    limit max_tasks
    for update skip locked
  loop
    insert into public.whatsapp_queue (organization_id, config_id, template_id, template_name, template_language, category,
      parameter_format, parameters, recipient, recipient_name, workshop_id, task_id, priority, scheduled_for, next_attempt_at, idempotency_key)
    select t.organization_id, t.config_id, tpl.id, tpl.name, tpl.language, tpl.category, tpl.parameter_format,
      coalesce((
        select jsonb_agg(case src
            when 'lead_name' then coalesce(nullif(l.name, ''), 'there')
            when 'workshop_name' then w.name
            when 'start_time' then to_char(w.starts_at at time zone w.time_zone, 'FMDy DD Mon, HH24:MI')
            when 'start_date' then to_char(w.starts_at at time zone w.time_zone, 'FMDy DD Mon')
            when 'group_link' then coalesce(nullif(g.invite_link, ''), nullif(w.join_link, ''), '-')
            else coalesce(nullif(w.join_link, ''), '-')
          end order by n)
        from unnest(t.parameter_sources) with ordinality as s(src, n)), '[]'::jsonb),
      la.phone, l.name, t.workshop_id, t.id, 6, t.scheduled_for, now(),
      'reminder:' || t.id || ':' || extract(epoch from t.scheduled_for)::bigint || ':' || la.phone
    from public.lead_assignments la
    join public.leads l on l.organization_id = la.organization_id and l.phone = la.phone
    join public.workshops w on w.organization_id = la.organization_id and w.id = la.workshop_id
    join public.whatsapp_templates tpl on tpl.organization_id = t.organization_id and tpl.id = t.template_id
    left join public.whatsapp_groups g on g.organization_id = w.organization_id and g.session_id = w.session_id and g.group_jid = w.group_jid
    where la.organization_id = t.organization_id and la.workshop_id = t.workshop_id
      and not public.whatsapp_recipient_opted_out(t.organization_id, la.phone)
    on conflict (organization_id, idempotency_key) do nothing;
    get diagnostics queued = row_count;
    update public.whatsapp_event_tasks set status = 'done', executed_at = now(), queued_count = queued_count + queued, updated_at = now()
    where id = t.id;
    total := total + queued;
  end loop;
  return total;
end;
$$;

-- The processor's claim. Per business number (locked, so two processors never plan the
-- same number's second at once): at most throughput_mps messages per second, each given
-- its own send slot; a recipient new to the moving 24 h only while the organisation is
-- under its messaging limit; one recipient at most once per pair_gap. Rows are taken with
-- FOR UPDATE SKIP LOCKED and marked `sending` in the same transaction, so no row is ever
-- claimed twice. Rows held back by a limit get next_attempt_at = when it allows them.
create function public.claim_whatsapp_messages(
  worker text,
  max_rows integer,
  burst interval default interval '1 second',
  pair_gap interval default interval '6 seconds'
)
returns table (
  id uuid, organization_id uuid, config_id uuid, phone_number_id text, recipient text, template_name text, template_language text,
  category text, parameter_format text, parameters jsonb, attempts integer, not_before timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  cfg record;
  q record;
  u record;
  now_ts timestamptz := clock_timestamp();
  slot timestamptz;
  step interval;
  budget integer;
  room integer;
  is_new boolean;
  oldest timestamptz;
  claimed integer := 0;
begin
  for cfg in
    select c.* from public.whatsapp_config c
    where c.status = 'active'
      and exists (select 1 from public.whatsapp_queue w where w.config_id = c.id and w.status = 'queued' and w.next_attempt_at <= now_ts)
    order by c.send_tat nulls first
    for update of c skip locked
  loop
    exit when claimed >= max_rows;
    step := interval '1 second' / cfg.throughput_mps;
    slot := greatest(coalesce(cfg.send_tat, now_ts), now_ts);
    budget := least(max_rows - claimed, floor(extract(epoch from (now_ts + burst - slot)) * cfg.throughput_mps)::integer);
    continue when budget <= 0;
    room := null;
    if cfg.messaging_limit is not null then
      select cfg.messaging_limit - count(*), min(r.counted_since) into room, oldest from public.whatsapp_rate_usage r
      where r.organization_id = cfg.organization_id and r.counted_since > now_ts - interval '24 hours';
    end if;

    for q in
      select w.*, t.status as template_status
      from public.whatsapp_queue w
      left join public.whatsapp_templates t on t.id = w.template_id
      where w.config_id = cfg.id and w.status = 'queued' and w.next_attempt_at <= now_ts
      order by w.priority desc, w.next_attempt_at, w.id
      limit budget * 2
      for update of w skip locked
    loop
      exit when budget <= 0;
      if q.template_status is distinct from 'approved' and q.template_status in ('paused', 'pending', 'in_appeal') then
        update public.whatsapp_queue set next_attempt_at = now_ts + interval '5 minutes',
          error_message = 'Waiting: the template is ' || q.template_status || ' at Meta', updated_at = now_ts where whatsapp_queue.id = q.id;
        continue;
      end if;
      if q.template_id is null or q.template_status is distinct from 'approved' then
        update public.whatsapp_queue set status = 'failed', failed_at = now_ts, updated_at = now_ts,
          error_message = 'The template is ' || coalesce(q.template_status, 'deleted') || ' at Meta; nothing was sent' where whatsapp_queue.id = q.id;
        continue;
      end if;
      select * into u from public.whatsapp_rate_usage r where r.organization_id = q.organization_id and r.recipient = q.recipient for update;
      if public.whatsapp_recipient_opted_out(q.organization_id, q.recipient)
        or (q.category = 'MARKETING' and u.marketing_stopped_at is not null) then
        update public.whatsapp_queue set status = 'cancelled', updated_at = now_ts,
          error_message = 'The recipient opted out; nothing was sent' where whatsapp_queue.id = q.id;
        continue;
      end if;
      if greatest(u.last_sent_at + pair_gap, u.next_allowed_at) > slot then
        update public.whatsapp_queue set next_attempt_at = greatest(u.last_sent_at + pair_gap, u.next_allowed_at), updated_at = now_ts
        where whatsapp_queue.id = q.id;
        continue;
      end if;
      is_new := u.counted_since is null or u.counted_since <= now_ts - interval '24 hours';
      if is_new and room is not null and room <= 0 then
        update public.whatsapp_queue set next_attempt_at = coalesce(oldest, now_ts) + interval '24 hours', updated_at = now_ts,
          error_message = 'Waiting: the daily limit of ' || cfg.messaging_limit || ' recipients is reached' where whatsapp_queue.id = q.id;
        continue;
      end if;
      insert into public.whatsapp_rate_usage as r (organization_id, recipient, counted_since, last_sent_at, updated_at)
      values (q.organization_id, q.recipient, now_ts, slot, now_ts)
      on conflict on constraint whatsapp_rate_usage_pkey do update
        set last_sent_at = excluded.last_sent_at, updated_at = excluded.updated_at,
            counted_since = case when is_new then excluded.counted_since else r.counted_since end;
      if is_new and room is not null then
        room := room - 1;
      end if;
      update public.whatsapp_queue set status = 'sending', claimed_at = now_ts, claimed_by = worker, attempts = whatsapp_queue.attempts + 1,
        not_before = slot, error_message = null, updated_at = now_ts where whatsapp_queue.id = q.id;
      id := q.id; organization_id := q.organization_id; config_id := cfg.id; phone_number_id := cfg.phone_number_id;
      recipient := q.recipient; template_name := q.template_name; template_language := q.template_language; category := q.category;
      parameter_format := q.parameter_format; parameters := q.parameters; attempts := q.attempts + 1; not_before := slot;
      return next;
      slot := slot + step;
      budget := budget - 1;
      claimed := claimed + 1;
    end loop;
    update public.whatsapp_config set send_tat = slot where whatsapp_config.id = cfg.id;
  end loop;
end;
$$;

-- Sends whose processor stopped mid-flight: Meta may or may not have the message, and the
-- Cloud API has no idempotency key, so they are marked `unknown` (never sent again by
-- themselves) until a status webhook or the operator settles them.
create function public.expire_whatsapp_claims(lease interval default interval '2 minutes')
returns integer
language sql
security definer
set search_path = ''
as $$
  with expired as (
    update public.whatsapp_queue set status = 'unknown', updated_at = now(),
      error_message = 'The processor stopped while this message was being sent; waiting for Meta''s status before deciding'
    where status = 'sending' and claimed_at < now() - lease
    returning id, organization_id
  ), logged as (
    insert into public.whatsapp_delivery_logs (organization_id, queue_id, status, occurred_at, error_message)
    select organization_id, id, 'unknown', now(), 'claim expired' from expired
  )
  select count(*)::integer from expired;
$$;

revoke all on function public.claim_whatsapp_messages(text, integer, interval, interval), public.expire_whatsapp_claims(interval),
  public.execute_due_whatsapp_event_tasks(integer), public.whatsapp_recipient_opted_out(uuid, text) from public, anon, authenticated;
grant execute on function public.claim_whatsapp_messages(text, integer, interval, interval), public.expire_whatsapp_claims(interval),
  public.execute_due_whatsapp_event_tasks(integer), public.whatsapp_recipient_opted_out(uuid, text) to service_role;

-- Outcomes per organisation, campaign, template and day; security_invoker so a member reads
-- only their own organisation's rows through it.
create view public.whatsapp_analytics with (security_invoker = true) as
select
  q.organization_id,
  q.campaign_id,
  max(q.campaign_name) as campaign_name,
  q.template_name,
  (q.created_at at time zone 'UTC')::date as day,
  count(*)::integer as total,
  count(*) filter (where q.status = 'queued')::integer as queued,
  count(*) filter (where q.status = 'sending')::integer as sending,
  count(*) filter (where q.status in ('sent', 'delivered', 'read'))::integer as sent,
  count(*) filter (where q.status in ('delivered', 'read'))::integer as delivered,
  count(*) filter (where q.status = 'read')::integer as read,
  count(*) filter (where q.status = 'failed')::integer as failed,
  count(*) filter (where q.status = 'unknown')::integer as unknown,
  count(*) filter (where q.status = 'cancelled')::integer as cancelled,
  avg(extract(epoch from (q.sent_at - q.created_at))) filter (where q.sent_at is not null) as avg_queue_seconds
from public.whatsapp_queue q
group by q.organization_id, q.campaign_id, q.template_name, (q.created_at at time zone 'UTC')::date;

do $$
declare
  t text;
begin
  foreach t in array array['whatsapp_config', 'whatsapp_templates', 'whatsapp_queue', 'whatsapp_rate_usage', 'whatsapp_event_tasks'] loop
    execute format('create trigger %I before update on public.%I for each row execute function public.touch_updated_at()', t || '_touch', t);
  end loop;
  foreach t in array array['whatsapp_config', 'whatsapp_templates', 'whatsapp_queue', 'whatsapp_delivery_logs', 'whatsapp_rate_usage',
    'whatsapp_event_tasks'] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('create policy "members read their organization''s rows" on public.%I
      for select to authenticated using (organization_id in (select public.member_organization_ids()))', t);
  end loop;
end;
$$;

create policy "editors add their organization's reminders" on public.whatsapp_event_tasks
  for insert to authenticated with check (organization_id in (select public.editable_organization_ids()));
create policy "editors change their organization's reminders" on public.whatsapp_event_tasks
  for update to authenticated using (organization_id in (select public.editable_organization_ids()))
  with check (organization_id in (select public.editable_organization_ids()));
create policy "editors delete their organization's reminders" on public.whatsapp_event_tasks
  for delete to authenticated using (organization_id in (select public.editable_organization_ids()));

-- The token and the verify token are the functions' alone: the API roles may read every
-- other column of their organisation's numbers, never these two.
revoke all on public.whatsapp_config from anon, authenticated;
grant select (id, organization_id, label, phone_number_id, business_account_id, display_phone_number, messaging_limit, throughput_mps,
  status, paused_reason, paused_at, created_at, updated_at) on public.whatsapp_config to authenticated;
revoke insert, update, delete, truncate on public.whatsapp_queue, public.whatsapp_templates, public.whatsapp_delivery_logs,
  public.whatsapp_rate_usage from anon, authenticated;
revoke all on public.whatsapp_analytics from anon;

-- Drains the queue every 10 seconds once pg_net and the function's URL and secret are in Vault.
-- pg_cron 1.5+ (the platform's) takes a schedule in seconds; an older one runs it each minute.
do $$
declare
  command text := $job$
    do $body$
    begin
      if to_regnamespace('net') is not null and to_regclass('vault.decrypted_secrets') is not null then
        execute $q$
          select net.http_post(
            url := u.decrypted_secret,
            headers := jsonb_build_object('content-type', 'application/json', 'x-cron-secret', s.decrypted_secret),
            body := '{}'::jsonb)
          from vault.decrypted_secrets u, vault.decrypted_secrets s
          where u.name = 'process_whatsapp_queue_url' and s.name = 'process_whatsapp_queue_secret'
        $q$;
      end if;
    end;
    $body$
  $job$;
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    begin
      perform cron.schedule('process-whatsapp-queue', '10 seconds', command);
    exception when others then
      perform cron.schedule('process-whatsapp-queue', '* * * * *', command);
    end;
  end if;
end;
$$;
