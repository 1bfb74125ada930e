import { z } from 'npm:zod@4.6.7';
import {
  FlutterwaveError,
  type MobileMoneyCharge,
  type NextAction,
  NotConfiguredError,
  type StartedCharge,
} from '../_shared/flutterwave.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { asJson } from '../_shared/db.ts';
import { isStorableText } from '../_shared/input-bounds.ts';
import { formatMoney, toCents } from '../_shared/money.ts';
import { MARKETS } from '../_shared/payment-config.ts';
import { paymentById, type PaymentDeps, sendNotice, settle } from '../_shared/payments.ts';
import { keepAlive } from '../_shared/payment-deps.ts';

/**
 * `process-payment`: the customer's payment link (`/api/payments/initiate?order=…&token=…`
 * on the site) posts here to start a mobile-money charge for a pending order.
 *
 * Authentication: the per-order token from the CHECKOUT reply. Only its SHA-256 is
 * stored; an unknown order and a wrong token get the same 404, so ids cannot be probed.
 *
 * Exactly one open charge per order: the order row is locked while the transaction row is
 * created, and a unique index allows one `pending`/`needs_review` row per order. The row
 * is written before Flutterwave is called; its reference (order + attempt) is also the
 * idempotency key, so a retried start never creates a second charge at Flutterwave.
 *
 * GET ?order=&token= returns the order and its current payment (for the site's page).
 */

const MAX_BODY_BYTES = 16 * 1024;
// How long a start in progress keeps others from resuming it.
const START_LEASE_SECONDS = 30;

const Amount = z
  .union([z.number(), z.string().regex(/^\d+(\.\d{1,2})?$/, 'a number with at most 2 decimals')])
  .refine((value) => Number(value) > 0, 'must be more than 0');

// The payment link's token is base64url (see newPaymentToken); nothing else can match one.
const LinkToken = z.string().regex(/^[A-Za-z0-9_-]{16,200}$/, 'the token from the payment link');

const PaymentRequest = z.object({
  orderId: z.uuid(),
  token: LinkToken,
  storeId: z.uuid().optional(),
  amount: Amount,
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as UGX'),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 code such as UG'),
  customerPhone: z.string().regex(/^\+[1-9]\d{7,14}$/, 'E.164: + then 8 to 15 digits, e.g. +256700000001'),
  network: z
    .string()
    .regex(/^[A-Za-z0-9_]{2,20}$/)
    .optional(),
  customerEmail: z.email().optional(),
  customerName: z.string().trim().min(1).max(100).refine(isStorableText, 'contains a NUL character or an unpaired surrogate').optional(),
});
type PaymentRequest = z.infer<typeof PaymentRequest>;

interface OrderRow {
  id: string;
  store_id: string;
  order_number: string;
  status: string;
  total_amount: string;
  currency: string;
  customer_name: string | null;
  api_version: 'v3' | 'v4' | null;
  country_code: string | null;
  default_network: string | null;
  payments_active: boolean | null;
}

interface TxRow {
  id: string;
  reference: string;
  status: 'pending' | 'succeeded' | 'failed' | 'needs_review';
  flw_charge_id: string | null;
  amount: string;
  currency: string;
  api_version: 'v3' | 'v4';
  next_action: NextAction | null;
  customer_phone: string | null;
  customer_email: string | null;
  network: string | null;
  country_code: string | null;
  attempt: number;
  lease_free: boolean;
}

const TX_COLUMNS = `id, reference, status, flw_charge_id, amount::text as amount, currency, api_version, next_action,
  customer_phone, customer_email, network, country_code, attempt,
  coalesce((metadata ->> 'starting_until')::timestamptz, '-infinity') < now() as lease_free`;

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

async function findOrder(deps: PaymentDeps, orderId: string, token: string): Promise<OrderRow> {
  const [order] = await deps.sql<OrderRow[]>`
    select o.id, o.store_id, o.order_number::text, o.status, o.total_amount::text, o.currency, o.customer_name,
           p.api_version, p.country_code, p.default_network, p.is_active as payments_active
    from public.orders o
    left join public.store_payment_settings p on p.store_id = o.store_id
    where o.id = ${orderId} and o.payment_token_hash = sha256(convert_to(${token}, 'UTF8'))`;
  if (!order) throw new RequestError(404, 'No order matches this payment link');
  return order;
}

function describe(order: OrderRow, tx: TxRow, extra: Record<string, unknown> = {}) {
  const amount = formatMoney(toCents(tx.amount), tx.currency);
  const action = tx.next_action;
  return {
    order_id: order.id,
    order_number: order.order_number,
    transaction_id: tx.id,
    reference: tx.reference,
    charge_id: tx.flw_charge_id,
    status: tx.status,
    amount: tx.amount,
    currency: tx.currency,
    next_action: action,
    message:
      tx.status === 'succeeded'
        ? `Paid: ${amount}.`
        : action?.type === 'redirect'
          ? `Open ${action.url} to authorise ${amount}.`
          : `Approve the payment of ${amount} on your phone.`,
    ...extra,
  };
}

/** Everything the request claims must agree with the order and the store before a charge is started. */
function validateAgainstOrder(order: OrderRow, input: PaymentRequest): { market: (typeof MARKETS)[string]; network: string } {
  if (input.storeId && input.storeId !== order.store_id) throw new RequestError(400, 'storeId does not match the order');
  if (order.status !== 'pending')
    throw new RequestError(409, `Order ${order.order_number} is ${order.status}; only a pending order can be paid`, {
      order_status: order.status,
    });
  if (!order.country_code || order.payments_active === false)
    throw new RequestError(409, 'This store does not take mobile money payments yet');
  const market = MARKETS[order.country_code];
  if (!market) throw new RequestError(409, `Mobile money is not supported for the store's country ${order.country_code}`);
  const problems: string[] = [];
  let amountCents: number | null = null;
  try {
    amountCents = toCents(String(input.amount));
  } catch {
    problems.push('amount: not an amount');
  }
  if (amountCents !== null && amountCents !== toCents(order.total_amount))
    problems.push(`amount: must equal the order total ${order.total_amount}`);
  if (input.currency !== order.currency) problems.push(`currency: must be the order's currency ${order.currency}`);
  if (input.country !== order.country_code) problems.push(`country: this store charges mobile money in ${order.country_code}`);
  if (order.currency !== market.currency) problems.push(`currency: mobile money in ${order.country_code} is charged in ${market.currency}`);
  if (!input.customerPhone.startsWith(`+${market.callingCode}`))
    problems.push(`customerPhone: must be a ${order.country_code} number (+${market.callingCode}…)`);
  const network = (input.network ?? order.default_network ?? '').toUpperCase();
  if (!network) problems.push(`network: choose one of ${market.networks.join(', ')}`);
  else if (!market.networks.includes(network))
    problems.push(`network: ${network} is not offered in ${order.country_code}; choose one of ${market.networks.join(', ')}`);
  if (problems.length > 0) throw new RequestError(400, 'Invalid payment request', problems);
  return { market, network };
}

type Reservation = { kind: 'new' | 'resume'; tx: TxRow } | { kind: 'existing'; tx: TxRow };

/**
 * The order row's lock serialises initiations of one order; the unique index on open
 * transactions enforces the rule even for writers that skip the lock.
 */
async function reserve(deps: PaymentDeps, order: OrderRow, input: PaymentRequest, network: string): Promise<Reservation> {
  return (await deps.sql.begin(async (tx) => {
    const [locked] = await tx<{ status: string }[]>`select status from public.orders where id = ${order.id} for update`;
    if (locked?.status !== 'pending')
      throw new RequestError(409, `Order ${order.order_number} is ${locked?.status ?? 'gone'}; only a pending order can be paid`);
    const [open] = await tx.unsafe<TxRow[]>(
      `select ${TX_COLUMNS} from public.payment_transactions where order_id = $1 and status in ('pending', 'needs_review')`,
      [order.id],
    );
    if (open) {
      if (open.status === 'needs_review')
        throw new RequestError(409, 'A payment for this order is being checked by the store', { transaction_id: open.id });
      if (open.flw_charge_id || !open.lease_free) return { kind: 'existing', tx: open };
      // Started before but never confirmed by Flutterwave (error or a stopped instance):
      // take the lease and start it again under the same reference and idempotency key.
      const [resumed] = await tx.unsafe<TxRow[]>(
        `update public.payment_transactions
         set metadata = metadata || jsonb_build_object('starting_until', now() + make_interval(secs => $2))
         where id = $1 returning ${TX_COLUMNS}`,
        [open.id, START_LEASE_SECONDS],
      );
      return { kind: 'resume', tx: resumed! };
    }
    const [{ attempt }] = await tx<{ attempt: number }[]>`
      select coalesce(max(attempt), 0)::int + 1 as attempt from public.payment_transactions where order_id = ${order.id}`;
    const reference = `WA-${order.id.replace(/-/g, '')}-${attempt}`;
    const [created] = await tx.unsafe<TxRow[]>(
      `insert into public.payment_transactions
         (store_id, order_id, provider, reference, amount, currency, status, customer_phone, customer_email, network,
          api_version, attempt, country_code, metadata)
       values ($1, $2, 'flutterwave', $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11,
               jsonb_build_object('starting_until', now() + make_interval(secs => $12)))
       returning ${TX_COLUMNS}`,
      [
        order.store_id,
        order.id,
        reference,
        order.total_amount,
        order.currency,
        input.customerPhone.slice(1),
        input.customerEmail ?? null,
        network,
        order.api_version ?? 'v4',
        attempt!,
        order.country_code,
        START_LEASE_SECONDS,
      ],
    );
    return { kind: 'new', tx: created! };
  })) as Reservation;
}

function chargeFor(order: OrderRow, tx: TxRow, input: PaymentRequest, market: (typeof MARKETS)[string]): MobileMoneyCharge {
  const phone = input.customerPhone.slice(1);
  return {
    reference: tx.reference,
    amount: tx.amount,
    currency: tx.currency,
    countryCode: order.country_code!,
    phone,
    callingCode: market.callingCode,
    network: tx.network ?? '',
    // Flutterwave requires an e-mail; WhatsApp customers often have none.
    email: input.customerEmail ?? tx.customer_email ?? `${phone}@customers.invalid`,
    name: input.customerName ?? order.customer_name,
    v3Type: market.v3Type,
  };
}

async function start(deps: PaymentDeps, order: OrderRow, tx: TxRow, charge: MobileMoneyCharge): Promise<Response> {
  let started: StartedCharge;
  try {
    started = tx.api_version === 'v3' ? await deps.flutterwave.startV3(charge) : await deps.flutterwave.startV4(charge);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const definite =
      error instanceof NotConfiguredError ||
      (error instanceof FlutterwaveError && error.status >= 400 && error.status < 500 && ![401, 408, 409, 429].includes(error.status));
    if (definite) {
      // Flutterwave refused: no charge exists, so the attempt is over and the customer may try again.
      await deps.sql`update public.payment_transactions set status = 'failed', failure_reason = ${message}, completed_at = now()
                     where id = ${tx.id} and status = 'pending' and flw_charge_id is null`;
    } else {
      // Unknown whether a charge exists: keep the row, free the lease; a retry resumes it under the same idempotency key.
      await deps.sql`update public.payment_transactions set metadata = (metadata - 'starting_until') || jsonb_build_object('start_error', ${message}::text)
                     where id = ${tx.id}`;
    }
    deps.log('warn', 'charge_start_failed', { transaction_id: tx.id, definite, error: message });
    if (error instanceof NotConfiguredError) return errorResponse(503, 'Mobile money payments are not configured for this store');
    return errorResponse(
      502,
      definite ? `Flutterwave refused the payment: ${message}` : 'Flutterwave did not answer; try again in a moment',
      { transaction_id: tx.id },
    );
  }
  const [updated] = await deps.sql.unsafe<TxRow[]>(
    `update public.payment_transactions
     set flw_charge_id = coalesce(flw_charge_id, nullif($2, '')), flw_customer_id = $3, flw_payment_method_id = $4, flw_ref = $5,
         next_action = $6, metadata = (metadata - 'starting_until' - 'start_error')
     where id = $1 returning ${TX_COLUMNS}`,
    [
      tx.id,
      started.chargeId,
      started.customerId ?? null,
      started.paymentMethodId ?? null,
      started.flwRef ?? null,
      asJson(started.nextAction),
    ],
  );
  deps.log('info', 'charge_started', { transaction_id: tx.id, api_version: tx.api_version });
  if (started.status !== 'pending') {
    // Rare: settled at once (e.g. declined on the spot). Same path as the webhook.
    const row = await paymentById(deps.sql, tx.id);
    if (row) {
      const result = await settle(deps, row);
      if (result.noticeId) keepAlive(sendNotice(deps, result.noticeId));
    }
    const [final] = await deps.sql.unsafe<TxRow[]>(`select ${TX_COLUMNS} from public.payment_transactions where id = $1`, [tx.id]);
    return jsonResponse(200, describe(order, final ?? updated!));
  }
  return jsonResponse(201, describe(order, updated!));
}

async function initiate(deps: PaymentDeps, req: Request): Promise<Response> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const raw = body.value;
  const decoded = parseJsonBody(raw);
  if (!decoded.ok) return decoded.response;
  const json = decoded.value;
  const parsed = PaymentRequest.safeParse(json);
  if (!parsed.success) {
    return errorResponse(
      400,
      'Invalid payment request',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`),
    );
  }
  const input = parsed.data;
  const order = await findOrder(deps, input.orderId, input.token);
  const { market, network } = validateAgainstOrder(order, input);
  const reservation = await reserve(deps, order, input, network);
  if (reservation.kind === 'existing') {
    const tx = reservation.tx;
    if (!tx.flw_charge_id && !tx.next_action) {
      const busy = jsonResponse(
        202,
        describe(order, tx, { message: 'The payment is being started; try again in a few seconds.', existing: true }),
      );
      busy.headers.set('retry-after', '3');
      return busy;
    }
    return jsonResponse(200, describe(order, tx, { existing: true }));
  }
  return await start(deps, order, reservation.tx, chargeFor(order, reservation.tx, input, market));
}

async function show(deps: PaymentDeps, url: URL): Promise<Response> {
  const orderId = url.searchParams.get('order') ?? '';
  const token = url.searchParams.get('token') ?? '';
  if (!z.uuid().safeParse(orderId).success || !LinkToken.safeParse(token).success)
    return errorResponse(400, 'Expected ?order=<order id>&token=<token from the payment link>');
  const order = await findOrder(deps, orderId, token);
  const [latest] = await deps.sql.unsafe<TxRow[]>(
    `select ${TX_COLUMNS} from public.payment_transactions where order_id = $1 order by attempt desc limit 1`,
    [order.id],
  );
  return jsonResponse(200, {
    order_id: order.id,
    order_number: order.order_number,
    order_status: order.status,
    amount: order.total_amount,
    currency: order.currency,
    country: order.country_code,
    payment: latest ? describe(order, latest) : null,
  });
}

/** The site's payment page (PUBLIC_SITE_URL) may call this from the browser; no other origin may. */
function withCors(response: Response, origin: string | null, allowed: string | null): Response {
  if (allowed && origin === allowed) {
    response.headers.set('access-control-allow-origin', allowed);
    response.headers.set('vary', 'origin');
  }
  return response;
}

export function createProcessPaymentHandler(deps: PaymentDeps, allowedOrigin: string | null = null): (req: Request) => Promise<Response> {
  const handle = async (req: Request): Promise<Response> => {
    try {
      if (req.method === 'POST') return await initiate(deps, req);
      if (req.method === 'GET') return await show(deps, new URL(req.url));
      if (req.method === 'OPTIONS') {
        return new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-methods': 'GET, POST',
            'access-control-allow-headers': 'content-type',
            'access-control-max-age': '600',
          },
        });
      }
      return errorResponse(405, `Method ${req.method} not allowed; POST to pay, GET to look`);
    } catch (error) {
      if (error instanceof RequestError) return errorResponse(error.status, error.message, error.details);
      deps.log('error', 'request_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error; try again');
    }
  };
  return async (req) => withCors(await handle(req), req.headers.get('origin'), allowedOrigin);
}
