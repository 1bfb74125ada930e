import type { Command } from '../_shared/commands.ts';
import type { Queryable, Sql, Tx } from '../_shared/db.ts';
import { beginWithFinalWrites, type WithCommit } from '../_shared/final-writes.ts';
import { createGroupCommit, type GroupCommit } from '../_shared/group-commit.ts';
import type { GraphClient } from '../_shared/graph-client.ts';
import type { Log } from '../_shared/log.ts';
import * as replies from '../_shared/replies.ts';
import { cartSessionId, redactPaymentLinks, runCommand } from '../_shared/shop.ts';
import { commandFromMessage } from './message-command.ts';
import type { StoredInbound } from './ingest.ts';
import type { WriteTurns } from './write-turns.ts';

/**
 * The "process" half: consent, rate limit, the command, the reply. Runs after Meta has
 * its 200. Each message is claimed (its id into inbound_claims) together with its
 * command's changes — in one transaction for commands that change state, in one
 * statement for those that only read — so a command applies at most once even when a
 * stranded message is picked up again. The reply follows; then one batched statement
 * marks the inbound row `processed` and logs the reply row.
 *
 * The claim stays off messaging_log on purpose: every write to that synced table draws a
 * sync version, and a row written inside a command's transaction would hold back every
 * desktop's pull of the log across all the command's round trips.
 */

const RATE_LIMIT_PER_MINUTE = 30;
const FINISH_BATCH = 100;

// These change nothing but the claim, the rate window and (once, on crossing the limit)
// the cart row, which the claim statement writes atomically on its own: no transaction or lock needed.
const READ_ONLY = new Set<Command['kind']>(['help', 'cart', 'status', 'track', 'usage', 'unknown', 'unsupported']);

export interface ProcessDeps {
  sql: Sql;
  graph: GraphClient;
  publicSiteUrl: string;
  log: Log;
  finish: GroupCommit<Finished, void>;
}

export interface ReplyRow {
  storeId: string;
  phone: string;
  payload: unknown;
  status: 'accepted' | 'failed';
  wamid: string | null;
  error: string | null;
  code: number | null;
}

/** A handled message: its inbound row becomes `processed` (with why there is no reply, if none) and its reply is logged. */
export interface Finished {
  logId: string;
  note: string | null;
  reply: ReplyRow | null;
}

/**
 * Finishing goes through a group commit: concurrent workers share one statement (one
 * fixed, prepared text), one statement and one commit per batch instead of one per
 * message.
 */
export function createFinishLog(sql: Sql, turns: WriteTurns): GroupCommit<Finished, void> {
  return createGroupCommit(
    (items: Finished[]) => turns.take('finish', () => finishAll(sql, items)),
    // Small enough that an acknowledgement waiting for its turn behind a batch still gets its 200 quickly.
    { maxBatch: FINISH_BATCH, concurrency: 1 },
  );
}

async function finishAll(sql: Sql, items: Finished[]): Promise<void[]> {
  const rows = items.flatMap((item) => (item.reply ? [item.reply] : []));
  await sql`
    with done as (
      update public.messaging_log m set status = 'processed', error_message = coalesce(f.note, m.error_message)
      from unnest(${items.map((f) => f.logId)}::uuid[], ${items.map((f) => f.note)}::text[]) as f(id, note)
      where m.id = f.id and m.status = 'received'
    )
    insert into public.messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id, error_message, error_code)
    select r.store_id, r.phone, 'outbound_text', r.payload::jsonb, r.status, r.wamid, r.error, r.code
    from unnest(${rows.map((r) => r.storeId)}::uuid[], ${rows.map((r) => r.phone)}::text[], ${rows.map((r) => JSON.stringify(r.payload))}::text[],
                ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.wamid)}::text[], ${rows.map((r) => r.error)}::text[],
                ${rows.map((r) => r.code)}::int[]) as r(store_id, phone, payload, status, wamid, error, code)
    on conflict (whatsapp_message_id) do nothing`;
  return items.map(() => undefined);
}

type Decision = { reply: string } | { reply: null; note: string };

/** Thrown (inside a transaction, to undo it) when another worker already handled the message. */
class AlreadyHandled extends Error {}

/**
 * Claims the message and reads the customer's standing in one statement: consent
 * (recorded on first contact with the inbound row, see ingest.ts) and how many of their messages were handled in
 * the current minute. The count lives in customer_rate_windows and is raised by the
 * upsert, which locks that row and sees its latest version: so the limit holds exactly
 * across function instances and concurrent workers, and only claimed messages count, in
 * the order they are handled.
 *
 * The cart row is synced to desktops (every write to it is pulled again), so it carries
 * the rate limit only when the customer crosses it, once a minute at most — all a
 * desktop needs to show "rate limited".
 */
function claimAndReadState(q: Queryable, inbound: StoredInbound & { phone: string }) {
  const { store, phone } = inbound;
  return q<{ claimed: boolean; is_opted_in: boolean | null; handled: number | null }[]>`
    with claim as (
      insert into public.inbound_claims (log_id, store_id) values (${inbound.logId}, ${store.id})
      on conflict (log_id) do nothing returning log_id
    ), counted as (
      insert into public.customer_rate_windows as w (store_id, customer_phone, window_started_at, handled)
      select ${store.id}, ${phone}, now(), 1 from claim
      on conflict (store_id, customer_phone) do update set
        window_started_at = case when w.window_started_at > now() - interval '1 minute' then w.window_started_at else now() end,
        handled = case when w.window_started_at > now() - interval '1 minute' then w.handled + 1 else 1 end
      returning handled, window_started_at
    ), crossed as (
      insert into public.cart_sessions as c (store_id, session_id, customer_phone, rate_window_started_at, rate_count)
      select ${store.id}, ${cartSessionId(phone)}, ${phone}, window_started_at, handled from counted where handled = ${RATE_LIMIT_PER_MINUTE + 1}
      on conflict (store_id, session_id) do update set rate_window_started_at = excluded.rate_window_started_at, rate_count = excluded.rate_count
    )
    select
      exists (select 1 from claim) as claimed,
      (select is_opted_in from public.customer_channel_opt_in
       where store_id = ${store.id} and channel_type = 'whatsapp' and customer_phone = ${phone}) as is_opted_in,
      (select handled from counted) as handled`;
}

async function decide(
  q: Queryable,
  inbound: StoredInbound & { phone: string },
  command: Command,
  publicSiteUrl: string,
  lock: boolean,
  withCommit?: WithCommit,
): Promise<Decision> {
  const { store, phone } = inbound;
  // Not awaited before the next query: postgres.js sends both at once and Postgres runs
  // them in order. The lock makes one customer's state-changing commands run one at a time.
  const locked = lock ? q`select pg_advisory_xact_lock(hashtextextended(${`${store.id}:${phone}`}, 0))` : null;
  const [[state]] = await Promise.all([claimAndReadState(q, inbound), locked]);
  if (!state?.claimed) throw new AlreadyHandled();
  // No consent row (a message stored before first contact was recorded with it) is first contact: opted in.
  if (state.is_opted_in === false && command.kind !== 'start') return { reply: null, note: 'not answered: customer opted out (STOP)' };
  const count = state.handled ?? 1;
  if (count > RATE_LIMIT_PER_MINUTE) {
    // One notice when the limit is crossed; silence after that.
    return count === RATE_LIMIT_PER_MINUTE + 1
      ? { reply: replies.slowDown() }
      : { reply: null, note: `not answered: more than ${RATE_LIMIT_PER_MINUTE} messages a minute` };
  }
  const ctx = { tx: q, store, phone, customerName: inbound.customerName, publicSiteUrl, ...(withCommit ? { withCommit } : {}) };
  return { reply: await runCommand(ctx, command) };
}

/** Says on the row that its claim was taken by an instance that stopped before finishing it. */
const UNFINISHED_NOTE = 'claimed by an instance that stopped before finishing it: whether a reply was sent is unknown';

async function processOne(deps: ProcessDeps, inbound: StoredInbound): Promise<void> {
  const { sql, graph } = deps;
  const phone = inbound.phone;
  if (!phone) return deps.finish({ logId: inbound.logId, note: 'not answered: sender has no phone number (username only)', reply: null });
  const command = commandFromMessage(inbound.message);
  const customer = { ...inbound, phone };
  let decision: Decision;
  try {
    if (READ_ONLY.has(command.kind)) decision = await decide(sql, customer, command, deps.publicSiteUrl, false);
    else
      decision = await beginWithFinalWrites<Tx, Decision>(
        (work) => sql.begin(work),
        (tx, withCommit) => decide(tx, customer, command, deps.publicSiteUrl, true, withCommit),
      );
  } catch (error) {
    // Claimed already: by a live worker (which finishes it) or by a stopped one (a stranded row, left `received`).
    if (error instanceof AlreadyHandled)
      return inbound.stranded ? deps.finish({ logId: inbound.logId, note: UNFINISHED_NOTE, reply: null }) : undefined;
    throw error;
  }
  if (decision.reply === null) return deps.finish({ logId: inbound.logId, note: decision.note, reply: null });

  // Sent after the commit: no lock is held while waiting on Meta.
  const body = replies.withinReplyLimit(decision.reply);
  const sent = await graph.sendText(inbound.store.phoneNumberId, phone, body);
  await deps.finish({
    logId: inbound.logId,
    note: null,
    reply: {
      storeId: inbound.store.id,
      phone,
      payload: { type: 'text', text: { body: redactPaymentLinks(body) }, in_reply_to: inbound.message.id },
      status: sent.ok ? 'accepted' : 'failed',
      wamid: sent.ok ? sent.wamid : null,
      error: sent.ok ? null : sent.error,
      code: sent.ok ? null : (sent.code ?? null),
    },
  });
  if (!sent.ok) deps.log('warn', 'reply_failed', { inbound_log_id: inbound.logId, error: sent.error });
}

/** Handles a delivery's messages in order; one failure does not stop the others. */
export async function processInbound(deps: ProcessDeps, stored: StoredInbound[]): Promise<void> {
  for (const inbound of stored) {
    try {
      await processOne(deps, inbound);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.log('error', 'processing_failed', { inbound_log_id: inbound.logId, error: reason });
      await deps.sql`update public.messaging_log set error_message = ${`processing failed: ${reason}`} where id = ${inbound.logId}`.catch(
        () => {},
      );
    }
  }
}
