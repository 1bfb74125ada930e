-- The processor's claim as one statement over every number at once, where it was a loop
-- over numbers and, inside it, over rows (a lock, a lookup and an update per message).
-- The rules are unchanged:
--   * per business number (its row locked with SKIP LOCKED, so two processors never plan
--     the same number's second at once): at most throughput_mps messages per second, each
--     given its own send slot, `burst` ahead at most;
--   * a recipient new to the moving 24 h only while the organisation is under the number's
--     messaging limit, else the row waits until the oldest counted recipient is 24 h old;
--   * one recipient at most once per pair_gap, and one message per recipient per claim (the
--     first by priority and due time; the next waits for the following claim);
--   * a template paused (pending, in appeal) at Meta holds its rows 5 minutes; one not
--     approved fails them; an opted-out recipient's rows are cancelled.
-- Rows are taken with FOR UPDATE SKIP LOCKED and marked `sending` in the same statement, so
-- no row is ever claimed twice. max_rows is shared by the numbers in slot order, so every
-- number starts sending at once instead of the first few taking the whole batch.
drop function public.claim_whatsapp_messages(text, integer, interval, interval);

create function public.claim_whatsapp_messages(
  worker text,
  max_rows integer,
  burst interval default interval '1 second',
  pair_gap interval default interval '6 seconds'
)
returns table (
  id uuid, organization_id uuid, config_id uuid, phone_number_id text, recipient text, template_name text, template_language text,
  category text, parameter_format text, parameters jsonb, attempts integer, reschedules integer, not_before timestamptz
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
begin
  -- The organisations' sync-version locks, in one order for every writer of several
  -- organisations at once (the outcome writes take them in the same order): taken row by
  -- row as the claim's updates reach them, two processors could each hold one the other waits for.
  perform public.next_sync_version(o.organization_id)
  from (
    select distinct c.organization_id from public.whatsapp_config c
    where c.status = 'active'
      and exists (select 1 from public.whatsapp_queue w where w.config_id = c.id and w.status = 'queued' and w.next_attempt_at <= clock_timestamp())
    order by 1
  ) o;
  -- PL/pgSQL, not SQL, for the plan: it is kept from call to call instead of made anew each time.
  return query
  with clock as materialized (
    select clock_timestamp() as ts
  ),
  numbers as materialized (
    select c.id, c.organization_id, c.phone_number_id, c.messaging_limit,
      greatest(coalesce(c.send_tat, k.ts), k.ts) as first_slot,
      interval '1 second' / c.throughput_mps as step,
      least(max_rows, floor(extract(epoch from (k.ts + burst - greatest(coalesce(c.send_tat, k.ts), k.ts))) * c.throughput_mps))::integer
        as budget,
      k.ts
    from public.whatsapp_config c cross join clock k
    where c.status = 'active'
      and exists (select 1 from public.whatsapp_queue w where w.config_id = c.id and w.status = 'queued' and w.next_attempt_at <= k.ts)
    order by c.id
    for update of c skip locked
  ),
  candidates as materialized (
    select n.id as cfg, w.*
    from numbers n
    cross join lateral (
      select w.id, w.organization_id, w.recipient, w.category, w.template_id, w.priority, w.next_attempt_at
      from public.whatsapp_queue w
      where w.config_id = n.id and w.status = 'queued' and w.next_attempt_at <= n.ts
      order by w.priority desc, w.next_attempt_at, w.id
      limit greatest(n.budget, 0) * 2
      for update of w skip locked
    ) w
    where n.budget > 0
  ),
  -- Locked so a claim for another number of the organisation, to the same recipient,
  -- decides after this one with its counters.
  usage as materialized (
    select r.organization_id, r.recipient, r.counted_since, r.last_sent_at, r.next_allowed_at, r.marketing_stopped_at
    from public.whatsapp_rate_usage r
    where (r.organization_id, r.recipient) in (select c.organization_id, c.recipient from candidates c)
    order by r.organization_id, r.recipient
    for update of r
  ),
  rooms as (
    select n.id as cfg, n.messaging_limit - count(r.recipient)::integer as room, min(r.counted_since) as oldest
    from numbers n
    left join public.whatsapp_rate_usage r on r.organization_id = n.organization_id and r.counted_since > n.ts - interval '24 hours'
    where n.messaging_limit is not null and n.budget > 0
    group by n.id, n.messaging_limit
  ),
  judged as (
    select c.id, c.cfg, c.organization_id, c.recipient, c.priority, c.next_attempt_at, c.template_id, t.status as template_status,
      n.first_slot, n.step, n.budget, n.ts, n.messaging_limit, ro.room, ro.oldest,
      greatest(u.last_sent_at + pair_gap, u.next_allowed_at) as pair_free_at,
      u.counted_since is null or u.counted_since <= n.ts - interval '24 hours' as is_new,
      case
        when t.status in ('paused', 'pending', 'in_appeal') then 'hold'
        when c.template_id is null or t.status is distinct from 'approved' then 'fail'
        when (c.category = 'MARKETING' and u.marketing_stopped_at is not null)
          or exists (select 1 from public.customer_channel_opt_in o join public.store_settings s on s.id = o.store_id
                     where s.organization_id = c.organization_id and o.channel_type = 'whatsapp'
                       and o.customer_phone = c.recipient and not o.is_opted_in) then 'cancel'
        when greatest(u.last_sent_at + pair_gap, u.next_allowed_at) > n.first_slot then 'pair'
        else 'send'
      end as verdict
    from candidates c
    join numbers n on n.id = c.cfg
    left join public.whatsapp_templates t on t.id = c.template_id
    left join usage u on u.organization_id = c.organization_id and u.recipient = c.recipient
    left join rooms ro on ro.cfg = c.cfg
  ),
  -- One message per recipient per claim, its first in the queue's order.
  firsts as (
    select j.*, row_number() over (partition by j.organization_id, j.recipient order by j.priority desc, j.next_attempt_at, j.id) as nth
    from judged j where j.verdict = 'send'
  ),
  limited as (
    select f.*,
      f.is_new and f.room is not null
        and count(*) filter (where f.is_new) over (partition by f.organization_id order by f.priority desc, f.next_attempt_at, f.id) > f.room
        as over_limit
    from firsts f where f.nth = 1
  ),
  slotted as (
    select l.*, row_number() over (partition by l.cfg order by l.priority desc, l.next_attempt_at, l.id) as place
    from limited l where not l.over_limit
  ),
  chosen as (
    select s.id, s.cfg, s.organization_id, s.recipient, s.is_new, s.ts, s.first_slot + s.step * (s.place - 1) as slot
    from slotted s
    where s.place <= s.budget
    order by s.first_slot + s.step * (s.place - 1), s.cfg
    limit max_rows
  ),
  claimed as (
    update public.whatsapp_queue q set status = 'sending', claimed_at = ch.ts, claimed_by = worker, attempts = q.attempts + 1,
      not_before = ch.slot, error_message = null, updated_at = ch.ts
    from chosen ch
    where q.id = ch.id
    returning q.id, q.organization_id, q.config_id, q.recipient, q.template_name, q.template_language, q.category, q.parameter_format,
      q.parameters, q.attempts, q.reschedules, ch.slot
  ),
  set_aside as (
    update public.whatsapp_queue q set
      status = case j.verdict when 'fail' then 'failed' when 'cancel' then 'cancelled' else q.status end,
      failed_at = case when j.verdict = 'fail' then j.ts else q.failed_at end,
      next_attempt_at = case j.verdict
        when 'hold' then j.ts + interval '5 minutes'
        when 'pair' then j.pair_free_at
        when 'limit' then coalesce(j.oldest, j.ts) + interval '24 hours'
        else q.next_attempt_at end,
      error_message = case j.verdict
        when 'hold' then 'Waiting: the template is ' || j.template_status || ' at Meta'
        when 'fail' then 'The template is ' || coalesce(j.template_status, 'deleted') || ' at Meta; nothing was sent'
        when 'cancel' then 'The recipient opted out; nothing was sent'
        when 'limit' then 'Waiting: the daily limit of ' || j.messaging_limit || ' recipients is reached'
        else q.error_message end,
      updated_at = j.ts
    from (
      select j.id, j.verdict, j.ts, j.pair_free_at, j.oldest, j.template_status, j.messaging_limit from judged j where j.verdict <> 'send'
      union all
      select l.id, 'limit', l.ts, null, l.oldest, null, l.messaging_limit from limited l where l.over_limit
    ) j
    where q.id = j.id
  ),
  counted as (
    insert into public.whatsapp_rate_usage as r (organization_id, recipient, counted_since, last_sent_at, updated_at)
    select ch.organization_id, ch.recipient, ch.ts, ch.slot, ch.ts from chosen ch
    on conflict on constraint whatsapp_rate_usage_pkey do update
      set last_sent_at = excluded.last_sent_at, updated_at = excluded.updated_at,
          counted_since = case when r.counted_since is null or r.counted_since <= excluded.updated_at - interval '24 hours'
            then excluded.counted_since else r.counted_since end
  ),
  scheduled as (
    update public.whatsapp_config c set send_tat = n.first_slot + n.step * coalesce((select count(*) from chosen ch where ch.cfg = n.id), 0)
    from numbers n
    where c.id = n.id
  )
  select cl.id, cl.organization_id, cl.config_id, n.phone_number_id, cl.recipient, cl.template_name, cl.template_language, cl.category,
    cl.parameter_format, cl.parameters, cl.attempts, cl.reschedules, cl.slot
  from claimed cl join numbers n on n.id = cl.config_id
  order by cl.slot;
end;
$$;

revoke all on function public.claim_whatsapp_messages(text, integer, interval, interval) from public, anon, authenticated;
grant execute on function public.claim_whatsapp_messages(text, integer, interval, interval) to service_role;
