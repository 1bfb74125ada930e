import type { Command } from '../_shared/commands.ts';
import type { Queryable, Sql } from '../_shared/db.ts';
import { createGroupCommit, type GroupCommit } from '../_shared/group-commit.ts';
import type { GraphClient } from '../_shared/graph-client.ts';
import type { Log } from '../_shared/log.ts';
import * as replies from '../_shared/replies.ts';
import { cartSessionId, redactPaymentLinks, runCommand } from '../_shared/shop.ts';
import { commandFromMessage } from './message-command.ts';
import type { StoredInbound } from './ingest.ts';

/**
 * The "process" half: consent, rate limit, the command, the reply. Runs after Meta has
 * its 200. Each message is claimed (`received` → `processed`) together with its
 * command's changes — in one transaction for commands that change state, in one
 * statement for those that only read — so a command applies at most once even when a
 * stranded message is picked up again. The reply follows and is logged as its own row.
 */

const RATE_LIMIT_PER_MINUTE = 30;

// These change nothing but the claim, the consent row and the cart row, which the
// state statement writes atomically on its own: no transaction or lock needed.
const READ_ONLY = new Set<Command['kind']>(['help', 'cart', 'status', 'track', 'usage', 'unknown', 'unsupported']);

export interface ProcessDeps {
  sql: Sql;
  graph: GraphClient;
  publicSiteUrl: string;
  log: Log;
  logReply: GroupCommit<ReplyRow, void>;
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

/** Replies are logged through a group commit: concurrent senders share one insert (one fixed, prepared statement). */
export function createReplyLog(sql: Sql): GroupCommit<ReplyRow, void> {
  return createGroupCommit(
    async (rows: ReplyRow[]) => {
      await sql`
      insert into public.messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id, error_message, error_code)
      select r.store_id, r.phone, 'outbound_text', r.payload::jsonb, r.status, r.wamid, r.error, r.code
      from unnest(${rows.map((r) => r.storeId)}::uuid[], ${rows.map((r) => r.phone)}::text[], ${rows.map((r) => JSON.stringify(r.payload))}::text[],
                  ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.wamid)}::text[], ${rows.map((r) => r.error)}::text[],
                  ${rows.map((r) => r.code)}::int[]) as r(store_id, phone, payload, status, wamid, error, code)
      on conflict (whatsapp_message_id) do nothing`;
      return rows.map(() => undefined);
    },
    { maxBatch: 500, concurrency: 2 },
  );
}

type Decision = { reply: string } | { reply: null; note: string };

/** Thrown (inside a transaction, to undo it) when another worker already handled the message. */
class AlreadyHandled extends Error {}

/**
 * Claims the message and reads the customer's standing in one statement: consent
 * (created on first contact), the cart row keyed wa:<phone> (ensured), and how
 * many of their messages were handled in the current minute. The count lives on the cart
 * row and is raised by the upsert, which locks that row and sees its latest version: so
 * the limit holds exactly across function instances and concurrent workers, and only
 * claimed messages count, in the order they are handled.
 */
function claimAndReadState(q: Queryable, inbound: StoredInbound & { phone: string }) {
  const { store, phone } = inbound;
  return q<{ claimed: boolean; is_opted_in: boolean | null; handled: number | null }[]>`
    with claim as (
      update public.messaging_log set status = 'processed'
      where id = ${inbound.logId} and status = 'received' returning id
    ), created as (
      insert into public.customer_channel_opt_in (store_id, channel_type, customer_phone, is_opted_in, consent_source, consent_at)
      values (${store.id}, 'whatsapp', ${phone}, true, 'first_message', now())
      on conflict (store_id, channel_type, customer_phone) do nothing
      returning is_opted_in
    ), counted as (
      insert into public.cart_sessions as c (store_id, session_id, customer_phone, rate_window_started_at, rate_count)
      select ${store.id}, ${cartSessionId(phone)}, ${phone}, now(), 1 from claim
      on conflict (store_id, session_id) do update set
        rate_window_started_at = case when c.rate_window_started_at > now() - interval '1 minute' then c.rate_window_started_at else now() end,
        rate_count = case when c.rate_window_started_at > now() - interval '1 minute' then c.rate_count + 1 else 1 end
      returning rate_count
    )
    select
      exists (select 1 from claim) as claimed,
      coalesce((select is_opted_in from created),
               (select is_opted_in from public.customer_channel_opt_in
                where store_id = ${store.id} and channel_type = 'whatsapp' and customer_phone = ${phone})) as is_opted_in,
      (select rate_count from counted) as handled`;
}

async function decide(
  q: Queryable,
  inbound: StoredInbound & { phone: string },
  command: Command,
  publicSiteUrl: string,
  lock: boolean,
): Promise<Decision> {
  const { store, phone } = inbound;
  // Not awaited before the next query: postgres.js sends both at once and Postgres runs
  // them in order. The lock makes one customer's state-changing commands run one at a time.
  const locked = lock ? q`select pg_advisory_xact_lock(hashtextextended(${`${store.id}:${phone}`}, 0))` : null;
  const [[state]] = await Promise.all([claimAndReadState(q, inbound), locked]);
  if (!state?.claimed) throw new AlreadyHandled();
  if (!state.is_opted_in && command.kind !== 'start') return { reply: null, note: 'not answered: customer opted out (STOP)' };
  const count = state.handled ?? 1;
  if (count > RATE_LIMIT_PER_MINUTE) {
    // One notice when the limit is crossed; silence after that.
    return count === RATE_LIMIT_PER_MINUTE + 1
      ? { reply: replies.slowDown() }
      : { reply: null, note: `not answered: more than ${RATE_LIMIT_PER_MINUTE} messages a minute` };
  }
  return { reply: await runCommand({ tx: q, store, phone, customerName: inbound.customerName, publicSiteUrl }, command) };
}

async function decideAndNote(
  q: Queryable,
  inbound: StoredInbound & { phone: string },
  command: Command,
  publicSiteUrl: string,
  lock: boolean,
): Promise<Decision> {
  const result = await decide(q, inbound, command, publicSiteUrl, lock);
  if (result.reply === null) await q`update public.messaging_log set error_message = ${result.note} where id = ${inbound.logId}`;
  return result;
}

async function processOne(deps: ProcessDeps, inbound: StoredInbound): Promise<void> {
  const { sql, graph } = deps;
  const phone = inbound.phone;
  if (!phone) {
    await sql`update public.messaging_log set status = 'processed', error_message = 'not answered: sender has no phone number (username only)'
              where id = ${inbound.logId} and status = 'received'`;
    return;
  }
  const command = commandFromMessage(inbound.message);
  const customer = { ...inbound, phone };
  let decision: Decision;
  try {
    decision = READ_ONLY.has(command.kind)
      ? await decideAndNote(sql, customer, command, deps.publicSiteUrl, false)
      : await sql.begin((tx) => decideAndNote(tx, customer, command, deps.publicSiteUrl, true));
  } catch (error) {
    if (error instanceof AlreadyHandled) return;
    throw error;
  }
  if (decision.reply === null) return;

  // Sent after the commit: no lock is held while waiting on Meta.
  const body = replies.withinReplyLimit(decision.reply);
  const sent = await graph.sendText(inbound.store.phoneNumberId, phone, body);
  await deps.logReply({
    storeId: inbound.store.id,
    phone,
    payload: { type: 'text', text: { body: redactPaymentLinks(body) }, in_reply_to: inbound.message.id },
    status: sent.ok ? 'accepted' : 'failed',
    wamid: sent.ok ? sent.wamid : null,
    error: sent.ok ? null : sent.error,
    code: sent.ok ? null : (sent.code ?? null),
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
