import { createHmac } from 'node:crypto';
import type { FakeFlutterwave } from '../../dev/fake-flutterwave';
import type { Harness, Shop } from './harness';
import { text } from './meta';

/**
 * Payments from the customer's side: CHECKOUT in the chat, the payment link's token,
 * process-payment, Flutterwave's webhook (built and signed here, apart from the
 * function's own code), reconciliation.
 */

export async function enablePayments(
  h: Harness,
  shop: Shop,
  settings: { apiVersion?: 'v3' | 'v4'; country?: string; network?: string | null } = {},
): Promise<void> {
  await h.sql`insert into store_payment_settings (store_id, api_version, country_code, default_network)
              values (${shop.storeId}, ${settings.apiVersion ?? 'v4'}, ${settings.country ?? 'UG'}, ${settings.network === undefined ? 'MTN' : settings.network})
              on conflict (store_id) do update set api_version = excluded.api_version, country_code = excluded.country_code,
                default_network = excluded.default_network`;
}

export interface CheckedOut {
  orderId: string;
  orderNumber: string;
  token: string;
  total: string;
  paymentUrl: string;
  reply: string;
}

/** ADD … then CHECKOUT in the chat; returns what the reply's payment link carries. */
export async function checkoutInChat(h: Harness, shop: Shop, phone: string, adds: string[]): Promise<CheckedOut> {
  for (const add of adds) await h.deliver(shop, { messages: [text(phone, add)] });
  await h.deliver(shop, { messages: [text(phone, 'CHECKOUT')] });
  const reply = h.lastReply(phone);
  const link = reply.match(/Pay now: (\S+)/)?.[1];
  if (!link) throw new Error(`no payment link in the CHECKOUT reply: ${reply}`);
  const url = new URL(link);
  const orderId = url.searchParams.get('order')!;
  const [order] = await h.sql<{ order_number: string; total_amount: string }[]>`
    select order_number::text, total_amount::text from orders where id = ${orderId}`;
  return {
    orderId,
    orderNumber: order!.order_number,
    token: url.searchParams.get('token') ?? '',
    total: order!.total_amount,
    paymentUrl: link,
    reply,
  };
}

export function paymentUrl(h: Harness): string {
  return `${h.stack.functionsUrl}/process-payment`;
}

export async function pay(h: Harness, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(paymentUrl(h), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A valid request for this order: the customer pays the total in UGX from a Ugandan MTN number. */
export function payRequest(order: CheckedOut, phone: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: order.orderId,
    token: order.token,
    amount: order.total,
    currency: 'UGX',
    country: 'UG',
    customerPhone: `+${phone}`,
    network: 'MTN',
    ...overrides,
  };
}

export function v4Webhook(
  charge: { id: string; reference: string; amount: number; currency: string },
  status: 'succeeded' | 'failed' = 'succeeded',
) {
  return {
    webhook_id: `wbk_${charge.id}`,
    timestamp: Date.now(),
    type: 'charge.completed',
    data: { id: charge.id, reference: charge.reference, amount: charge.amount, currency: charge.currency, status },
  };
}

export function v3Webhook(
  charge: { id: string; reference: string; amount: number; currency: string },
  status: 'successful' | 'failed' = 'successful',
) {
  return {
    event: 'charge.completed',
    data: {
      id: Number(charge.id),
      tx_ref: charge.reference,
      flw_ref: `FLW-MOCK-${charge.id}`,
      amount: charge.amount,
      currency: charge.currency,
      charged_amount: charge.amount,
      status,
    },
  };
}

export function flutterwaveSignature(raw: string, secretHash: string): string {
  return createHmac('sha256', secretHash).update(raw, 'utf8').digest('base64');
}

export type WebhookAuth = 'v4' | 'v3' | { headers: Record<string, string> };

/** Posts a webhook as Flutterwave would: v4 with flutterwave-signature, v3 with verif-hash. */
export async function postWebhook(
  h: Harness,
  payload: unknown,
  auth: WebhookAuth = 'v4',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const raw = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth === 'v4') headers['flutterwave-signature'] = flutterwaveSignature(raw, h.stack.flutterwaveSecretHash);
  else if (auth === 'v3') headers['verif-hash'] = h.stack.flutterwaveSecretHash;
  else Object.assign(headers, auth.headers);
  const response = await fetch(`${h.stack.functionsUrl}/flutterwave-webhook`, { method: 'POST', headers, body: raw });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function reconcile(h: Harness, body: unknown = {}, secret: string | null = h.stack.reconcileSecret) {
  const response = await fetch(`${h.stack.functionsUrl}/reconcile-payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-reconcile-secret': secret }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function fake(h: Harness): FakeFlutterwave {
  return h.stack.flutterwave!;
}

/** What a store owner looks at: transactions, order, ledger, balance, notices. */
export async function moneyState(h: Harness, shop: Shop, orderId: string) {
  const [transactions, [order], ledger, [balance], notices] = await Promise.all([
    h.sql<
      {
        id: string;
        status: string;
        reference: string;
        flw_charge_id: string | null;
        amount: string;
        failure_reason: string | null;
        review_reason: string | null;
        attempt: number;
      }[]
    >`
      select id, status, reference, flw_charge_id, amount::text, failure_reason, review_reason, attempt
      from payment_transactions where order_id = ${orderId} order by attempt`,
    h.sql<{ status: string }[]>`select status from orders where id = ${orderId}`,
    h.sql<{ amount: string; entry_type: string }[]>`select amount::text, entry_type from store_ledger_entries where order_id = ${orderId}`,
    h.sql<
      { available_balance: string }[]
    >`select available_balance::text from store_balances where store_id = ${shop.storeId} and currency = 'UGX'`,
    h.sql<{ status: string; body: string; whatsapp_message_id: string | null; error_message: string | null }[]>`
      select status, message_payload -> 'text' ->> 'body' as body, whatsapp_message_id, error_message from messaging_log
      where message_payload ->> 'order_id' = ${orderId} order by created_at`,
  ]);
  return { transactions, orderStatus: order?.status, ledger, balance: balance?.available_balance ?? '0.00', notices };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
