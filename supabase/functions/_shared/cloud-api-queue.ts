import type { Sql } from './db.ts';
import { actionFor, backoffSeconds, type ErrorAction, MAX_ATTEMPTS, MAX_RESCHEDULES, PAIR_GAP_SECONDS } from './cloud-api-errors.ts';
import type { CloudApiGraph, SendOutcome } from './cloud-api-graph.ts';
import { queueDueReminders } from './cloud-api-reminders.ts';
import { templateMessage } from './cloud-api-template.ts';
import { decryptToken } from './cloud-api-token.ts';
import type { Log } from './log.ts';

/**
 * The queue processor: claims due rows (per-number throughput, the daily messaging limit
 * and the pair rate are decided by the claim in Postgres), sends each at its slot, and
 * records every outcome by the error policy. A row is `sending` from its claim until its
 * outcome is written; a processor that dies in between leaves it `sending`, and the next
 * run marks it `unknown` once its lease is over — it is never sent again by itself.
 */

export interface Claimed {
  id: string;
  organization_id: string;
  config_id: string;
  phone_number_id: string;
  recipient: string;
  template_name: string;
  template_language: string;
  category: string;
  parameter_format: 'positional' | 'named';
  parameters: string[];
  attempts: number;
  reschedules: number;
  not_before: Date;
}

export interface ProcessorDeps {
  sql: Sql;
  graph: CloudApiGraph;
  tokenKey: CryptoKey;
  worker: string;
  concurrency: number;
  log: Log;
}

export interface DrainOptions {
  /** Stop claiming after this long (an edge function has a wall-clock limit). */
  maxSeconds: number;
  batch: number;
  leaseSeconds: number;
  /** Keep waiting for rows that become due within the run (the bench and the tests drain a queue to the end). */
  untilEmpty?: boolean;
}

export interface DrainCounts {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  unknown: number;
  expired: number;
  reminders_queued: number;
}

interface Result {
  id: string;
  organizationId: string;
  status: 'sent' | 'queued' | 'failed' | 'unknown';
  wamid: string | null;
  retryInSeconds: number | null;
  /** The attempt is given back (the send never counted: throughput, a paused number). */
  refund: boolean;
  reschedule: boolean;
  code: number | null;
  message: string | null;
  log: 'accepted' | 'retry' | 'failed' | 'unknown';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the policy makes of one outcome; side effects on the number, the template or the recipient come back separately. */
export function decide(
  row: Pick<Claimed, 'attempts'> & { reschedules: number },
  outcome: SendOutcome,
): { result: Omit<Result, 'id' | 'organizationId'>; action: ErrorAction | null } {
  const base = { wamid: null, retryInSeconds: null, refund: false, reschedule: false, code: null, message: null };
  if (outcome.kind === 'sent') return { result: { ...base, status: 'sent', wamid: outcome.wamid, log: 'accepted' }, action: null };
  if (outcome.kind === 'unknown') return { result: { ...base, status: 'unknown', message: outcome.message, log: 'unknown' }, action: null };
  const code = outcome.kind === 'error' ? (outcome.code ?? null) : null;
  const action: ErrorAction = outcome.kind === 'not-sent' ? 'retry-backoff' : actionFor(outcome.code, outcome.httpStatus);
  const failed = { ...base, status: 'failed' as const, code, message: outcome.message, log: 'failed' as const };
  const retry = (seconds: number, refund = false) => ({
    ...base,
    status: 'queued' as const,
    retryInSeconds: seconds,
    refund,
    code,
    message: outcome.message,
    log: 'retry' as const,
  });
  switch (action) {
    case 'throttle-number':
      return { result: retry(1 + Math.random(), true), action };
    case 'retry-recipient':
      return { result: retry(backoffSeconds(PAIR_GAP_SECONDS, row.attempts)), action };
    case 'retry-backoff':
      return { result: row.attempts >= MAX_ATTEMPTS ? failed : retry(backoffSeconds(2, row.attempts)), action };
    case 'reschedule-day':
      return {
        result: row.reschedules >= MAX_RESCHEDULES ? failed : { ...retry(24 * 3600, true), reschedule: true },
        action,
      };
    case 'template-paused':
      return { result: retry(300, true), action };
    case 'pause-number':
    case 'pause-account':
    case 'pause-token':
      // Nothing went out; the row waits for the number to be switched back on.
      return { result: retry(60, true), action };
    default:
      return { result: failed, action };
  }
}

interface Sender {
  token: string | null;
  /** Milliseconds between two sends of this number. */
  step: number;
  /** The earliest moment of this number's next send from this processor. */
  next: number;
  /** The last send slot this processor holds for the number. */
  plannedUntil: number;
}

/** The claim hands out at most a second of each number's slots; the next one comes when half of that is left. */
const REFILL_AHEAD_MS = 500;
/** Claims run at least this often while sending, for numbers and retries that became due meanwhile. */
const MAX_CLAIM_GAP_MS = 100;

/**
 * How long to wait before the next claim when the last one had no more slots to give: until
 * the number closest to running out of claimed slots has half a second of them left, so the
 * next claim overlaps the sends still going out instead of starting when they end, and each
 * claim takes a useful number of rows rather than one or two.
 */
function refillWait(senders: Map<string, Sender>, rows: Claimed[]): number {
  const now = Date.now();
  let soonest = Infinity;
  for (const sender of senders.values()) if (sender.plannedUntil > now) soonest = Math.min(soonest, sender.plannedUntil);
  for (const row of rows) soonest = Math.min(soonest, row.not_before.getTime());
  return Math.min(MAX_CLAIM_GAP_MS, Math.max(10, soonest - REFILL_AHEAD_MS - now));
}

async function sendersFor(deps: ProcessorDeps, cache: Map<string, Sender>, configIds: string[]): Promise<void> {
  const missing = configIds.filter((id) => !cache.has(id));
  if (missing.length === 0) return;
  const rows = await deps.sql<{ id: string; access_token_encrypted: string; throughput_mps: number }[]>`
    select id, access_token_encrypted, throughput_mps from public.whatsapp_config where id = any(${missing}::uuid[])`;
  for (const row of rows) {
    cache.set(row.id, {
      token: await decryptToken(deps.tokenKey, row.access_token_encrypted),
      step: 1000 / row.throughput_mps,
      next: 0,
      plannedUntil: 0,
    });
  }
}

async function variablesFor(deps: ProcessorDeps, cache: Map<string, string[]>, rows: Claimed[]): Promise<void> {
  const named = rows.filter(
    (r) => r.parameter_format === 'named' && !cache.has(`${r.organization_id}:${r.template_name}:${r.template_language}`),
  );
  if (named.length === 0) return;
  const found = await deps.sql<{ organization_id: string; name: string; language: string; variables: string[] }[]>`
    select organization_id, name, language, variables from public.whatsapp_templates
    where (organization_id, name, language) in (select * from unnest(${named.map((r) => r.organization_id)}::uuid[],
      ${named.map((r) => r.template_name)}::text[], ${named.map((r) => r.template_language)}::text[]))`;
  for (const t of found) cache.set(`${t.organization_id}:${t.name}:${t.language}`, t.variables);
}

/** Side effects of an error on the number, its business account, the template or the recipient. */
async function applyAction(deps: ProcessorDeps, row: Claimed, action: ErrorAction, message: string): Promise<void> {
  const { sql } = deps;
  switch (action) {
    case 'throttle-number':
      await sql`update public.whatsapp_config set send_tat = greatest(coalesce(send_tat, now()), now()) + interval '1 second' where id = ${row.config_id}`;
      return;
    case 'retry-recipient':
      await sql`update public.whatsapp_rate_usage set pair_strikes = pair_strikes + 1,
                  next_allowed_at = now() + make_interval(secs => ${PAIR_GAP_SECONDS} * power(2, least(pair_strikes, 6)))
                where organization_id = ${row.organization_id} and recipient = ${row.recipient}`;
      return;
    case 'undeliverable':
      await sql`update public.whatsapp_rate_usage set undeliverable_at = now() where organization_id = ${row.organization_id} and recipient = ${row.recipient}`;
      return;
    case 'marketing-opt-out':
      await sql`update public.whatsapp_rate_usage set marketing_stopped_at = now() where organization_id = ${row.organization_id} and recipient = ${row.recipient}`;
      return;
    case 'template-paused':
    case 'template-disabled':
      await sql`update public.whatsapp_templates t set status = ${action === 'template-paused' ? 'paused' : 'disabled'}
                from public.whatsapp_config c
                where c.id = ${row.config_id} and t.organization_id = c.organization_id and t.business_account_id = c.business_account_id
                  and t.name = ${row.template_name} and t.language = ${row.template_language}`;
      return;
    case 'pause-number':
    case 'pause-token':
      await sql`update public.whatsapp_config set status = 'paused', paused_at = now(), paused_reason = ${message}
                where id = ${row.config_id} and status = 'active'`;
      deps.log('error', 'cloud_api_number_paused', { config_id: row.config_id, action });
      return;
    case 'pause-account':
      await sql`update public.whatsapp_config set status = 'paused', paused_at = now(), paused_reason = ${message}
                where status = 'active' and business_account_id = (select business_account_id from public.whatsapp_config where id = ${row.config_id})`;
      deps.log('error', 'cloud_api_account_paused', { config_id: row.config_id });
      return;
    default:
      return;
  }
}

/**
 * Writes outcomes in one transaction and one round trip: a row still
 * `sending` (or marked `unknown` meanwhile) by this worker takes its outcome, and every
 * outcome is logged.
 */
async function record(deps: ProcessorDeps, results: Result[]): Promise<void> {
  if (results.length === 0) return;
  // The organisations' sync-version locks in the order the claim takes them (the update
  // would take them row by row, in no set order); sent in one round trip with the write.
  const organizations = [...new Set(results.map((r) => r.organizationId))].sort();
  await deps.sql.begin((tx) => [
    tx`select public.next_sync_version(o) from unnest(${organizations}::uuid[]) as o`,
    tx`
    with r as (
      select * from unnest(${results.map((r) => r.id)}::uuid[], ${results.map((r) => r.status)}::text[], ${results.map((r) => r.wamid)}::text[],
        ${results.map((r) => r.retryInSeconds)}::float8[], ${results.map((r) => (r.refund ? 'yes' : 'no'))}::text[], ${results.map((r) => (r.reschedule ? 'yes' : 'no'))}::text[],
        ${results.map((r) => r.code)}::int[], ${results.map((r) => r.message)}::text[], ${results.map((r) => r.log)}::text[])
        as r(id, status, wamid, retry_in, refund, reschedule, code, message, log)
    ),
    settled as (
      update public.whatsapp_queue q set
        status = r.status,
        wamid = coalesce(q.wamid, r.wamid),
        sent_at = case when r.status = 'sent' then now() else q.sent_at end,
        failed_at = case when r.status = 'failed' then now() else q.failed_at end,
        next_attempt_at = case when r.retry_in is null then q.next_attempt_at else now() + make_interval(secs => r.retry_in) end,
        attempts = case when r.refund = 'yes' then greatest(q.attempts - 1, 0) else q.attempts end,
        reschedules = q.reschedules + case when r.reschedule = 'yes' then 1 else 0 end,
        error_code = r.code,
        error_message = r.message,
        claimed_at = null,
        updated_at = now()
      from r
      where q.id = r.id and q.claimed_by = ${deps.worker} and q.status in ('sending', 'unknown')
    )
    insert into public.whatsapp_delivery_logs (organization_id, queue_id, wamid, status, occurred_at, error_code, error_message)
    select q.organization_id, q.id, r.wamid, r.log, now(), r.code, r.message
    from r join public.whatsapp_queue q on q.id = r.id
    on conflict do nothing`,
  ]);
}

/** One run: settles expired claims, queues due reminders, then claims and sends until the deadline or an empty queue. */
export async function drainQueue(deps: ProcessorDeps, options: DrainOptions): Promise<DrainCounts> {
  const { sql } = deps;
  const counts: DrainCounts = { claimed: 0, sent: 0, retried: 0, failed: 0, unknown: 0, expired: 0, reminders_queued: 0 };
  counts.expired = (
    await sql<{ n: number }[]>`select public.expire_whatsapp_claims(make_interval(secs => ${options.leaseSeconds})) as n`
  )[0]!.n;
  counts.reminders_queued = await queueDueReminders(sql);

  const deadline = Date.now() + options.maxSeconds * 1000;
  const senders = new Map<string, Sender>();
  const variables = new Map<string, string[]>();
  let pending: Result[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = pending;
    pending = [];
    // A write that fails leaves its rows `sending`: the next run marks them unknown, never sends them again.
    flushing = flushing
      .then(() => record(deps, batch))
      .catch((error: unknown) => deps.log('error', 'cloud_api_record_failed', { rows: batch.length, error: String(error) }));
    return flushing;
  };
  let inFlight = 0;
  const sends = new Set<Promise<void>>();

  const sendOne = async (row: Claimed) => {
    // The claim gave each row its slot; a timer that fires late must not bunch the sends
    // after it, or a second of them would hold more than the number's throughput.
    const sender = senders.get(row.config_id);
    const at = Math.max(row.not_before.getTime(), sender?.next ?? 0);
    if (sender) sender.next = at + sender.step;
    const wait = at - Date.now();
    if (wait > 0) await sleep(wait);
    const token = sender?.token;
    let outcome: SendOutcome;
    if (!token) {
      outcome = {
        kind: 'error',
        httpStatus: 401,
        code: 190,
        message: 'The access token cannot be read with this CLOUD_API_TOKEN_KEY; save the token again',
      };
    } else {
      const names = variables.get(`${row.organization_id}:${row.template_name}:${row.template_language}`) ?? [];
      outcome = await deps.graph.send(
        row.phone_number_id,
        token,
        templateMessage({
          to: row.recipient,
          name: row.template_name,
          language: row.template_language,
          parameterFormat: row.parameter_format,
          variables: names,
          values: row.parameters,
        }),
      );
    }
    const { result, action } = decide(row, outcome);
    if (action)
      await applyAction(deps, row, action, result.message ?? '').catch((e: unknown) =>
        deps.log('error', 'cloud_api_action_failed', { action, error: String(e) }),
      );
    counts[
      result.status === 'sent' ? 'sent' : result.status === 'queued' ? 'retried' : result.status === 'failed' ? 'failed' : 'unknown'
    ] += 1;
    pending.push({ id: row.id, organizationId: row.organization_id, ...result });
    if (pending.length >= 200) void flush();
  };

  const flushTimer = setInterval(() => void flush(), 100);
  try {
    while (Date.now() < deadline) {
      if (inFlight >= deps.concurrency) {
        await Promise.race(sends);
        continue;
      }
      const asked = Math.min(options.batch, deps.concurrency - inFlight);
      const rows = await sql<Claimed[]>`select * from public.claim_whatsapp_messages(${deps.worker}, ${asked})`;
      if (rows.length === 0 && inFlight === 0) {
        if (!options.untilEmpty) break;
        const [left] = await sql<{ n: number }[]>`
          select count(*)::int as n from public.whatsapp_queue q join public.whatsapp_config c on c.id = q.config_id
          where q.status = 'queued' and c.status = 'active' and q.next_attempt_at <= now() + interval '10 seconds'`;
        if (left!.n === 0) break;
        await sleep(50);
        continue;
      }
      if (rows.length < asked) await sleep(refillWait(senders, rows));
      if (rows.length === 0) continue;
      counts.claimed += rows.length;
      await sendersFor(deps, senders, [...new Set(rows.map((r) => r.config_id))]);
      for (const row of rows) {
        const sender = senders.get(row.config_id);
        if (sender) sender.plannedUntil = Math.max(sender.plannedUntil, row.not_before.getTime());
      }
      await variablesFor(deps, variables, rows);
      for (const row of rows) {
        inFlight += 1;
        const job = sendOne(row)
          .catch((error: unknown) => deps.log('error', 'cloud_api_send_crashed', { id: row.id, error: String(error) }))
          .finally(() => {
            inFlight -= 1;
            sends.delete(job);
          });
        sends.add(job);
      }
    }
    await Promise.all(sends);
  } finally {
    clearInterval(flushTimer);
    await flush();
  }
  return counts;
}
