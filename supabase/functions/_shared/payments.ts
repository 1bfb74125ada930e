import { asJson, type Sql } from './db.ts';
import type { FlutterwaveClient, VerifiedCharge } from './flutterwave.ts';
import type { GraphClient, SendResult } from './graph-client.ts';
import type { Log } from './log.ts';
import { toCents } from './money.ts';
import * as replies from './replies.ts';

/**
 * Settling a charge — the one code path behind the Flutterwave webhook and the
 * reconciliation job:
 *   1. the transaction is found (by charge id or our reference);
 *   2. the charge is re-fetched from Flutterwave (never trusting the webhook's body);
 *   3. status, amount, currency and reference are checked;
 *   4. one Postgres statement (one transaction), guarded by the payment row still being
 *      `pending`, applies the outcome — so replays and concurrent deliveries apply once:
 *      succeeded → order `processing`, ledger entry, store balance, queued WhatsApp notice;
 *      failed → reason recorded, order left pending, queued notice;
 *      mismatch → `needs_review`, nothing credited;
 *   5. after the commit the queued notice is claimed (queued → sent) and sent once.
 */

export interface PaymentDeps {
  sql: Sql;
  flutterwave: FlutterwaveClient;
  graph: GraphClient;
  log: Log;
}

export interface PaymentRow {
  id: string;
  store_id: string;
  order_id: string;
  reference: string;
  flw_charge_id: string | null;
  amount: string;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed' | 'needs_review';
  api_version: 'v3' | 'v4';
  order_number: string;
  /** The WhatsApp customer who placed the order: who is told. */
  order_phone: string | null;
}

export type SettleOutcome = 'succeeded' | 'failed' | 'needs_review' | 'still_pending' | 'already_settled' | 'no_charge_id';

export interface SettleResult {
  outcome: SettleOutcome;
  transactionId: string;
  /** The status the row has after this call. */
  status: PaymentRow['status'];
  /** A notice queued by this call, to send after the commit. */
  noticeId: string | null;
}

const PAYMENT_SELECT = `
  select t.id, t.store_id, t.order_id, t.reference, t.flw_charge_id, t.amount::text as amount, t.currency, t.status, t.api_version,
         o.order_number::text as order_number, o.customer_phone as order_phone
  from public.payment_transactions t join public.orders o on o.id = t.order_id`;

export async function findPayment(sql: Sql, chargeId: string | null, reference: string | null): Promise<PaymentRow | null> {
  if (!chargeId && !reference) return null;
  const [row] = await sql.unsafe<PaymentRow[]>(
    `${PAYMENT_SELECT}
     where t.flw_charge_id = $1 or t.reference = $2
     order by (t.flw_charge_id = $1) desc nulls last limit 1`,
    [chargeId ?? '', reference ?? ''],
  );
  return row ?? null;
}

export async function paymentById(sql: Sql, id: string): Promise<PaymentRow | null> {
  const [row] = await sql.unsafe<PaymentRow[]>(`${PAYMENT_SELECT} where t.id = $1`, [id]);
  return row ?? null;
}

type Verdict =
  | { kind: 'succeeded'; charge: VerifiedCharge }
  | { kind: 'failed'; charge: VerifiedCharge; reason: string }
  | { kind: 'needs_review'; charge: VerifiedCharge; reason: string }
  | { kind: 'still_pending'; charge: VerifiedCharge };

function sameAmount(reported: string | number | null, expected: string): boolean {
  if (reported === null) return false;
  try {
    return toCents(typeof reported === 'number' ? reported.toFixed(2) : reported) === toCents(expected);
  } catch {
    return false;
  }
}

/** What Flutterwave's own record of the charge means for this transaction. */
export function judge(payment: PaymentRow, charge: VerifiedCharge): Verdict {
  const problems: string[] = [];
  if (charge.reference !== payment.reference) problems.push(`reference ${charge.reference ?? '(none)'} instead of ${payment.reference}`);
  if (charge.status === 'pending')
    return problems.length > 0 ? { kind: 'needs_review', charge, reason: problems.join('; ') } : { kind: 'still_pending', charge };
  if (charge.status === 'succeeded') {
    if (!sameAmount(charge.amount, payment.amount)) problems.push(`amount ${charge.amount ?? '(none)'} instead of ${payment.amount}`);
    if ((charge.currency ?? '').toUpperCase() !== payment.currency)
      problems.push(`currency ${charge.currency ?? '(none)'} instead of ${payment.currency}`);
    return problems.length > 0 ? { kind: 'needs_review', charge, reason: problems.join('; ') } : { kind: 'succeeded', charge };
  }
  if (problems.length > 0) return { kind: 'needs_review', charge, reason: problems.join('; ') };
  return { kind: 'failed', charge, reason: charge.reason ?? 'declined by the mobile money provider' };
}

/**
 * The notice row, written by the same statement that settles the payment: `queued` for
 * sending after the commit, or `failed` with the reason when it must not be sent (the
 * customer said STOP, or the order has no WhatsApp number). Unique per payment outcome.
 */
function noticeInsert(tx: Sql, payment: PaymentRow, event: 'succeeded' | 'failed', body: string) {
  const payload = asJson({
    type: 'text',
    text: { body: replies.withinReplyLimit(body) },
    payment_notice: `${payment.id}:${event}`,
    payment_transaction_id: payment.id,
    order_id: payment.order_id,
  });
  return tx`
    insert into public.messaging_log (store_id, customer_phone, message_type, message_payload, status, error_message)
    select t.store_id, ${payment.order_phone}, 'outbound_text', ${tx.json(payload)}, s.status, s.error
    from t, lateral (
      select case when ${payment.order_phone}::text is null then 'not sent: the order has no WhatsApp number'
                  when exists (select 1 from public.customer_channel_opt_in c
                               where c.store_id = t.store_id and c.channel_type = 'whatsapp'
                                 and c.customer_phone = ${payment.order_phone} and not c.is_opted_in)
                    then 'not sent: customer opted out (STOP)' end as error
    ) e, lateral (select case when e.error is null then 'queued' else 'failed' end as status, e.error) s
    on conflict ((message_payload ->> 'payment_notice')) where message_payload ? 'payment_notice' do nothing
    returning id, status`;
}

/**
 * Applies a verdict in ONE statement — one transaction, one round trip. Every part hangs
 * off `t`, the update of the payment row guarded by `status = 'pending'`: concurrent
 * deliveries queue on that row's lock and, once the first commits, find it no longer
 * pending, so `t` is empty and nothing else in their statement happens. The ledger's
 * unique (payment_transaction_id, entry_type) and the notice's unique key back this up.
 * Being a single statement also keeps the store's balance row locked for microseconds,
 * not for round trips, so payments of one store do not queue behind each other.
 */
async function apply(sql: Sql, payment: PaymentRow, verdict: Verdict): Promise<SettleResult> {
  const verified = sql.json(
    asJson({
      status: verdict.charge.status,
      amount: verdict.charge.amount,
      currency: verdict.charge.currency,
      reference: verdict.charge.reference,
      checked_at: new Date().toISOString(),
    }),
  );
  const chargeId = verdict.charge.chargeId;
  const base = { transactionId: payment.id, noticeId: null };
  let rows: { applied: boolean; notice_id: string | null }[];
  switch (verdict.kind) {
    case 'still_pending':
      await sql`update public.payment_transactions
                set last_checked_at = now(), flw_charge_id = coalesce(flw_charge_id, ${chargeId})
                where id = ${payment.id} and status = 'pending'`;
      return { ...base, outcome: 'still_pending', status: 'pending' };
    case 'needs_review':
      rows = await sql`
        update public.payment_transactions
        set status = 'needs_review', review_reason = ${verdict.reason}, last_checked_at = now(),
            metadata = metadata || jsonb_build_object('verified', ${verified}::jsonb)
        where id = ${payment.id} and status = 'pending'
        returning true as applied, null::uuid as notice_id`;
      break;
    case 'failed':
      rows = await sql`
        with t as (
          update public.payment_transactions
          set status = 'failed', failure_reason = ${verdict.reason}, completed_at = now(), last_checked_at = now(),
              flw_charge_id = coalesce(flw_charge_id, ${chargeId}),
              metadata = metadata || jsonb_build_object('verified', ${verified}::jsonb)
          where id = ${payment.id} and status = 'pending'
          returning store_id
        ), n as (${noticeInsert(sql, payment, 'failed', replies.paymentFailed(payment.order_number, verdict.reason))})
        select true as applied, (select id from n where status = 'queued') as notice_id from t`;
      break;
    case 'succeeded':
      rows = await sql`
        with t as (
          update public.payment_transactions
          set status = 'succeeded', completed_at = now(), last_checked_at = now(),
              flw_charge_id = coalesce(flw_charge_id, ${chargeId}),
              metadata = metadata || jsonb_build_object('verified', ${verified}::jsonb)
          where id = ${payment.id} and status = 'pending'
          returning id, store_id, order_id, amount, currency
        ), o as (
          update public.orders set status = 'processing'
          where id = (select order_id from t) and status = 'pending'
        ), l as (
          insert into public.store_ledger_entries (store_id, order_id, payment_transaction_id, entry_type, amount, currency, description)
          select store_id, order_id, id, 'payment', amount, currency, ${`Flutterwave mobile money ${payment.reference} (order ${payment.order_number})`}
          from t
        ), b as (
          insert into public.store_balances (store_id, currency, available_balance)
          select store_id, currency, amount from t
          on conflict (store_id, currency)
          do update set available_balance = public.store_balances.available_balance + excluded.available_balance
        ), n as (${noticeInsert(sql, payment, 'succeeded', replies.paymentReceived(payment.order_number, toCents(payment.amount), payment.currency))})
        select true as applied, (select id from n where status = 'queued') as notice_id from t`;
      break;
  }
  const [row] = rows;
  if (!row?.applied) {
    const [now] = await sql<{ status: PaymentRow['status'] }[]>`select status from public.payment_transactions where id = ${payment.id}`;
    return { ...base, outcome: 'already_settled', status: now?.status ?? payment.status };
  }
  return { ...base, outcome: verdict.kind, status: verdict.kind, noticeId: row.notice_id };
}

/**
 * Re-fetches the charge and applies what Flutterwave says, once. `hintChargeId` is the
 * id a webhook named, used only when the row has none yet (its reference must still match).
 */
export async function settle(deps: PaymentDeps, payment: PaymentRow, hintChargeId: string | null = null): Promise<SettleResult> {
  if (payment.status !== 'pending')
    return { outcome: 'already_settled', transactionId: payment.id, status: payment.status, noticeId: null };
  const chargeId = payment.flw_charge_id || hintChargeId;
  if (!chargeId) return { outcome: 'no_charge_id', transactionId: payment.id, status: 'pending', noticeId: null };
  const charge = await deps.flutterwave.verify(payment.api_version, chargeId);
  const result = await apply(deps.sql, payment, judge(payment, charge));
  deps.log('info', 'payment_settled', { transaction_id: payment.id, outcome: result.outcome });
  return result;
}

/** Sends a queued notice once: the claim (queued → sending) is what makes it once. */
export async function sendNotice(deps: PaymentDeps, noticeId: string): Promise<void> {
  const [notice] = await deps.sql<{ customer_phone: string; body: string; phone_number_id: string | null }[]>`
    update public.messaging_log m set status = 'sending'
    where m.id = ${noticeId} and m.status = 'queued'
    returning m.customer_phone, m.message_payload -> 'text' ->> 'body' as body,
      (select b.wa_phone_number_id from public.business_channel_settings b
       where b.store_id = m.store_id and b.channel_type = 'whatsapp' and b.is_active limit 1) as phone_number_id`;
  if (!notice) return;
  const sent: SendResult = notice.phone_number_id
    ? await deps.graph.sendText(notice.phone_number_id, notice.customer_phone, notice.body)
    : { ok: false as const, error: 'not sent: the store has no active WhatsApp channel' };
  await deps.sql`
    update public.messaging_log
    set status = ${sent.ok ? 'accepted' : 'failed'}, whatsapp_message_id = ${sent.ok ? sent.wamid : null}, error_message = ${sent.ok ? null : sent.error},
        error_code = ${sent.ok ? null : (sent.code ?? null)}
    where id = ${noticeId}`;
  if (!sent.ok) deps.log('warn', 'payment_notice_failed', { notice_id: noticeId, error: sent.error });
}

/** Notices whose sender stopped between the commit and the send. */
export async function sendStaleNotices(deps: PaymentDeps, olderThanSeconds: number): Promise<number> {
  const rows = await deps.sql<{ id: string }[]>`
    select id from public.messaging_log
    where status = 'queued' and created_at < now() - make_interval(secs => ${olderThanSeconds})
    order by created_at limit 500`;
  for (const row of rows) await sendNotice(deps, row.id);
  return rows.length;
}
