import { type OrderAction, type OrderActionErrorCode, OrderActionSchema } from '../../../shared/shop/order-action.ts';
import { asSignedIn } from '../_shared/as-signed-in.ts';
import { asJson, createDb, type Sql, type Tx } from '../_shared/db.ts';
import { jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { bearerToken, createUserVerifier } from '../_shared/jwt.ts';
import { createLog } from '../_shared/log.ts';
import type { UserConfig } from '../_shared/user-config.ts';

/**
 * order-action: what a store owner does to an order from the console — mark it shipped
 * (with an ETA) or delivered, cancel it while unpaid (its reserved stock goes back), or
 * decide a payment flagged for review. Who may act is RLS's answer as the signed-in user
 * (the order must be visible, its store managed by them); the change is one transaction
 * that first checks the order is still the version the user saw. STATUS and TRACK read
 * the same rows, so the customer's next question gets the new answer.
 */

const statusOf: Record<OrderActionErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  stale: 409,
  not_allowed: 409,
  unavailable: 503,
};

class Refusal extends Error {
  constructor(
    readonly code: OrderActionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (code: OrderActionErrorCode, error: string) => jsonResponse(statusOf[code], { error, code });

interface LockedOrder {
  id: string;
  store_id: string;
  status: string;
  sync_version: string;
  items: { product_id?: string; quantity?: number }[];
  payment_id: string | null;
  payment_status: string | null;
  payment_amount: string | null;
  payment_currency: string | null;
}

export function createOrderActionHandler(config: UserConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, config.poolSize);
  const verify = createUserVerifier(config);
  const log = createLog('order-action');

  return async (req) => {
    if (req.method !== 'POST') return refuse('invalid_request', 'Use POST with a JSON body');
    const verified = await verify(bearerToken(req));
    if (!verified.ok) return refuse('unauthorized', `${verified.reason}: sign in again`);
    const raw = await readBody(req, 16 * 1024);
    if (!raw.ok) return refuse('invalid_request', 'The request is too large');
    const json = parseJsonBody(raw.value);
    if (!json.ok) return refuse('invalid_request', 'The body is not UTF-8 JSON');
    const parsed = OrderActionSchema.safeParse(json.value);
    if (!parsed.success) {
      const details = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      return refuse('invalid_request', `Nothing was changed: ${details.join('; ')}`);
    }
    const action = parsed.data;
    try {
      const [visible] = await asSignedIn(sql, verified.claims, (tx) =>
        tx.unsafe<{ manages: boolean }[]>('select public.owns_store(store_id) as manages from public.orders where id = $1::uuid', [
          action.order_id,
        ]),
      );
      if (!visible) return refuse('not_found', 'No such order in your stores: nothing was changed');
      if (!visible.manages) return refuse('forbidden', "Your role in this store's organisation can read its orders but not change them");
      const done = await sql.begin((tx) => apply(tx, action, verified.claims.sub));
      log('info', 'order_changed', { order_id: action.order_id, action: action.action });
      return jsonResponse(200, done);
    } catch (error) {
      if (error instanceof Refusal) return refuse(error.code, error.message);
      log('error', 'order_action_failed', { error: String((error as Error)?.message ?? error).slice(0, 300) });
      return refuse('unavailable', 'The backend could not change the order; nothing was changed. Try again.');
    }
  };
}

async function apply(tx: Tx, action: OrderAction, userId: string): Promise<{ status: string; version: number }> {
  const [order] = await tx<LockedOrder[]>`
    select o.id, o.store_id, o.status, o.sync_version::text, o.items,
           p.id as payment_id, p.status as payment_status, p.amount::text as payment_amount, p.currency as payment_currency
    from public.orders o
    left join lateral (select * from public.payment_transactions t where t.order_id = o.id order by t.created_at desc limit 1) p on true
    where o.id = ${action.order_id}
    for update of o`;
  if (!order) throw new Refusal('not_found', 'No such order: nothing was changed');
  if (Number(order.sync_version) !== action.expected_version)
    throw new Refusal(
      'stale',
      `This order changed since you looked at it (it is now ${order.status}${order.payment_status ? `, payment ${order.payment_status}` : ''}): nothing was changed. Look at it again and retry.`,
    );

  switch (action.action) {
    case 'ship': {
      if (order.status !== 'processing')
        throw new Refusal('not_allowed', `Only a paid order (processing) can be shipped; this one is ${order.status}`);
      await tx`insert into public.deliveries (store_id, order_id, status, carrier, tracking_number, eta)
               values (${order.store_id}, ${order.id}, 'dispatched', ${action.carrier ?? null}, ${action.tracking_number ?? null}, ${action.eta})`;
      return changeOrder(tx, order.id, 'shipped', 'dispatched', action.eta);
    }
    case 'deliver': {
      if (order.status !== 'shipped' && order.status !== 'processing')
        throw new Refusal('not_allowed', `Only a paid or shipped order can be marked delivered; this one is ${order.status}`);
      await tx`insert into public.deliveries (store_id, order_id, status, delivered_at) values (${order.store_id}, ${order.id}, 'delivered', now())`;
      return changeOrder(tx, order.id, 'delivered', 'delivered', null);
    }
    case 'cancel': {
      if (order.status !== 'pending')
        throw new Refusal('not_allowed', `Only an unpaid (pending) order can be cancelled; this one is ${order.status}`);
      if (order.payment_status === 'pending' || order.payment_status === 'needs_review' || order.payment_status === 'succeeded')
        throw new Refusal(
          'not_allowed',
          `A payment for this order is ${order.payment_status.replace('_', ' ')}: decide it before cancelling`,
        );
      // The stock CHECKOUT reserved goes back to the shelf.
      const lines = order.items.filter((line) => line.product_id && line.quantity);
      await tx`
        update public.products p set stock_quantity = p.stock_quantity + l.quantity
        from unnest(${lines.map((l) => l.product_id!)}::uuid[], ${lines.map((l) => l.quantity!)}::int[]) as l(id, quantity)
        where p.id = l.id and p.store_id = ${order.store_id} and p.stock_quantity is not null`;
      return changeOrder(tx, order.id, 'cancelled', null, null);
    }
    case 'resolve_review': {
      if (order.payment_status !== 'needs_review' || !order.payment_id)
        throw new Refusal('not_allowed', 'This order has no payment waiting for review');
      const review = asJson({ reviewed_by: userId, note: action.note, outcome: action.outcome, at: new Date().toISOString() });
      if (action.outcome === 'reject') {
        await tx`update public.payment_transactions set status = 'failed', failure_reason = ${`Rejected after review: ${action.note}`},
                   metadata = metadata || ${tx.json({ review })} where id = ${order.payment_id}`;
        return currentVersion(tx, order.id);
      }
      await tx`update public.payment_transactions set status = 'succeeded', completed_at = now(),
                 metadata = metadata || ${tx.json({ review })} where id = ${order.payment_id}`;
      await tx`insert into public.store_ledger_entries (store_id, order_id, payment_transaction_id, entry_type, amount, currency, description)
               values (${order.store_id}, ${order.id}, ${order.payment_id}, 'payment', ${order.payment_amount}, ${order.payment_currency},
                       ${`Accepted after review: ${action.note}`})
               on conflict (payment_transaction_id, entry_type) do nothing`;
      await tx`insert into public.store_balances as b (store_id, currency, available_balance)
               values (${order.store_id}, ${order.payment_currency}, ${order.payment_amount})
               on conflict (store_id, currency) do update set available_balance = b.available_balance + excluded.available_balance`;
      return changeOrder(tx, order.id, 'processing', null, null);
    }
  }
}

async function changeOrder(tx: Sql | Tx, id: string, status: string, delivery: string | null, eta: string | null) {
  const [row] = await tx<{ status: string; sync_version: string }[]>`
    update public.orders set status = ${status},
      delivery_status = coalesce(${delivery}, delivery_status), delivery_eta = coalesce(${eta}::timestamptz, delivery_eta)
    where id = ${id} returning status, sync_version::text`;
  return { status: row!.status, version: Number(row!.sync_version) };
}

async function currentVersion(tx: Tx, id: string) {
  const [row] = await tx<{ status: string; sync_version: string }[]>`select status, sync_version::text from public.orders where id = ${id}`;
  return { status: row!.status, version: Number(row!.sync_version) };
}
