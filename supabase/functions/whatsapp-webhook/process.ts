import type { Command } from '../_shared/commands.ts';
import type { Sql, Tx } from '../_shared/db.ts';
import { asJson } from '../_shared/db.ts';
import type { GraphClient } from '../_shared/graph-client.ts';
import type { Log } from '../_shared/log.ts';
import * as replies from '../_shared/replies.ts';
import { cartSessionId, runCommand } from '../_shared/shop.ts';
import { commandFromMessage } from './message-command.ts';
import type { StoredInbound } from './ingest.ts';

/**
 * The "process" half: consent, rate limit, the command, the reply. Runs after Meta has
 * its 200. Each message is claimed (`received` → `processed`) in the same transaction
 * as its command's changes, so a command applies at most once even when a stranded
 * message is picked up again; the reply follows the commit and is logged as its own row.
 */

const RATE_LIMIT_PER_MINUTE = 30;

export interface ProcessDeps {
  sql: Sql;
  graph: GraphClient;
  publicSiteUrl: string;
  log: Log;
}

type Decision = { reply: string } | { reply: null; note: string };

/** Thrown inside the transaction to undo it when another worker already handled the message. */
class AlreadyHandled extends Error {}

async function decide(tx: Tx, inbound: StoredInbound & { phone: string }, command: Command, publicSiteUrl: string): Promise<Decision> {
  const { store, phone } = inbound;
  // Pipelined (not awaited one by one): postgres.js sends the three together and
  // Postgres runs them in order. The claim comes first so a message handled elsewhere
  // is noticed; the advisory lock makes one customer's commands run one at a time.
  const claim = tx`update public.messaging_log set status = 'processed'
                   where id = ${inbound.logId} and status = 'received' returning id`;
  const locked = tx`select pg_advisory_xact_lock(hashtextextended(${`${store.id}:${phone}`}, 0))`;

  // Consent (created on first contact, seed 004), the customer's cart row keyed
  // wa:<phone>, and how many of their messages were handled in the last minute. The
  // count runs over the log itself, so the limit holds across function instances; only
  // handled messages count, so a burst stored in one delivery is limited in arrival
  // order rather than all at once.
  const stateQuery = tx<{ is_opted_in: boolean; recent: number }[]>`
    with created as (
      insert into public.customer_channel_opt_in (store_id, channel_type, customer_phone, is_opted_in, consent_source, consent_at)
      values (${store.id}, 'whatsapp', ${phone}, true, 'first_message', now())
      on conflict (store_id, channel_type, customer_phone) do nothing
      returning is_opted_in
    ), cart as (
      insert into public.cart_sessions (store_id, session_id, customer_phone)
      values (${store.id}, ${cartSessionId(phone)}, ${phone})
      on conflict (store_id, session_id) do nothing
    )
    select
      coalesce((select is_opted_in from created),
               (select is_opted_in from public.customer_channel_opt_in
                where store_id = ${store.id} and channel_type = 'whatsapp' and customer_phone = ${phone})) as is_opted_in,
      (select count(*)::int from public.messaging_log
       where store_id = ${store.id} and customer_phone = ${phone} and message_type = 'inbound'
         and status = 'processed' and id <> ${inbound.logId}
         and created_at > now() - interval '1 minute') as recent`;
  const [claimed, , [state]] = await Promise.all([claim, locked, stateQuery]);
  if (claimed.length === 0) throw new AlreadyHandled();
  if (!state?.is_opted_in && command.kind !== 'start') return { reply: null, note: 'not answered: customer opted out (STOP)' };
  const count = (state?.recent ?? 0) + 1;
  if (count > RATE_LIMIT_PER_MINUTE) {
    // One notice when the limit is crossed; silence after that.
    return count === RATE_LIMIT_PER_MINUTE + 1
      ? { reply: replies.slowDown() }
      : { reply: null, note: `not answered: more than ${RATE_LIMIT_PER_MINUTE} messages a minute` };
  }

  return { reply: await runCommand({ tx, store, phone, customerName: inbound.customerName, publicSiteUrl }, command) };
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
  let decision: Decision;
  try {
    decision = await sql.begin(async (tx) => {
      const result = await decide(tx, { ...inbound, phone }, command, deps.publicSiteUrl);
      if (result.reply === null) await tx`update public.messaging_log set error_message = ${result.note} where id = ${inbound.logId}`;
      return result;
    });
  } catch (error) {
    if (error instanceof AlreadyHandled) return;
    throw error;
  }
  if (decision.reply === null) return;

  // Sent after the commit: no lock is held while waiting on Meta.
  const body = decision.reply;
  const sent = await graph.sendText(inbound.store.phoneNumberId, phone, body);
  await sql`
    insert into public.messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id, error_message)
    values (${inbound.store.id}, ${phone}, 'outbound_text', ${sql.json(asJson({ type: 'text', text: { body }, in_reply_to: inbound.message.id }))},
            ${sent.ok ? 'sent' : 'failed'}, ${sent.ok ? sent.wamid : null}, ${sent.ok ? null : sent.error})`;
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
      await deps.sql`update public.messaging_log set error_message = ${`processing failed: ${reason}`} where id = ${inbound.logId}`
        .catch(() => {});
    }
  }
}
