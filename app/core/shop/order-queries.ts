import { ApiFailure } from '../../../shared/contract/result.js';
import type { OrderDetail, OrderQuery, OrderSummary } from '../../../shared/shop/inbox-schemas.js';
import { instantFromLocal } from '../../../shared/time/local-date-time.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRow, mapRows, num, numOrNull, text, textOrNull } from '../database/row-reader.js';

const orderRow = columns({
  id: text,
  store_id: text,
  order_number: numOrNull,
  status: text,
  customer_phone: textOrNull,
  customer_name: textOrNull,
  items: textOrNull,
  subtotal_amount: textOrNull,
  total_amount: textOrNull,
  currency: textOrNull,
  created_at: textOrNull,
  sync_version: num,
  payment_status: textOrNull,
  payment_reason: textOrNull,
  delivery_status: textOrNull,
  delivery_eta: textOrNull,
  tracking_number: textOrNull,
});
type OrderRow = ReturnType<typeof orderRow>;

const paymentRow = columns({
  reference: textOrNull,
  amount: textOrNull,
  status: text,
  network: textOrNull,
  reason: textOrNull,
  at: textOrNull,
});

// The latest payment attempt and delivery of each order: what STATUS and TRACK answer with too.
const ORDER_SELECT = `
  SELECT o.id, o.store_id, o.order_number, o.status, o.customer_phone, o.customer_name, o.items, o.subtotal_amount, o.total_amount,
         o.currency, o.created_at, o.sync_version,
         p.status AS payment_status, coalesce(p.review_reason, p.failure_reason) AS payment_reason,
         coalesce(d.status, o.delivery_status) AS delivery_status, coalesce(d.eta, o.delivery_eta) AS delivery_eta, d.tracking_number
  FROM orders o
  LEFT JOIN payment_transactions p ON p.id = (SELECT id FROM payment_transactions WHERE order_id = o.id ORDER BY created_at DESC, id DESC LIMIT 1)
  LEFT JOIN deliveries d ON d.id = (SELECT id FROM deliveries WHERE order_id = o.id ORDER BY created_at DESC, id DESC LIMIT 1)`;

/** Cart and order lines as the backend writes them: [{ sku, name, quantity, unit_price }]. */
export function cartLines(items: string | null): OrderDetail['lines'] {
  let parsed: unknown;
  try {
    parsed = items ? JSON.parse(items) : [];
  } catch {
    parsed = [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.map((line: { sku?: unknown; name?: unknown; quantity?: unknown; unit_price?: unknown }) => ({
    sku: String(line.sku ?? ''),
    name: String(line.name ?? line.sku ?? ''),
    quantity: Number(line.quantity ?? 0),
    unitPrice: String(line.unit_price ?? ''),
  }));
}

function summary(row: OrderRow): OrderSummary {
  return {
    id: row.id,
    storeId: row.store_id,
    orderNumber: row.order_number,
    status: row.status,
    customerPhone: row.customer_phone,
    customerName: row.customer_name,
    total: row.total_amount ?? '0',
    currency: row.currency ?? '',
    createdAt: row.created_at,
    paymentStatus: row.payment_status,
    paymentReason: row.payment_reason,
    deliveryStatus: row.delivery_status,
    deliveryEta: row.delivery_eta,
    trackingNumber: row.tracking_number,
    version: row.sync_version,
  };
}

/** Adds decimal amounts as text ("25000.50") without floating-point drift: in cents. */
function addAmounts(amounts: string[]): string {
  let cents = 0n;
  for (const amount of amounts) {
    const [whole = '0', fraction = ''] = amount.replace(/^-/, '').split('.');
    const value = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
    cents += amount.startsWith('-') ? -value : value;
  }
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export class OrderQueries {
  constructor(
    private readonly db: Database,
    private readonly timeZone: () => string,
  ) {}

  list(query: OrderQuery): { rows: OrderSummary[]; totals: { currency: string; amount: string; count: number }[] } {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (query.status) {
      where.push('o.status = @status');
      params.status = query.status;
    }
    if (query.payment === 'none') where.push('p.id IS NULL');
    else if (query.payment) {
      where.push('p.status = @payment');
      params.payment = query.payment;
    }
    if (query.from) {
      where.push('o.created_at >= @from');
      params.from = instantFromLocal(`${query.from}T00:00`, this.timeZone(), 'from');
    }
    if (query.to) {
      where.push('o.created_at < @to');
      const next = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      params.to = instantFromLocal(`${next}T00:00`, this.timeZone(), 'to');
    }
    if (query.search) {
      where.push('(o.customer_phone LIKE @like OR o.customer_name LIKE @like OR CAST(o.order_number AS TEXT) = @exact)');
      params.like = `%${query.search.replace(/[%_]/g, '').replace(/^\+/, '')}%`;
      params.exact = query.search.replace(/^#/, '');
    }
    const rows = mapRows(
      this.db
        .prepare<Record<string, string>>(
          `${ORDER_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.created_at DESC, o.order_number DESC LIMIT 5000`,
        )
        .all(params),
      orderRow,
    ).map(summary);
    const byCurrency = new Map<string, string[]>();
    for (const row of rows) {
      if (row.status === 'cancelled') continue;
      byCurrency.set(row.currency, [...(byCurrency.get(row.currency) ?? []), row.total]);
    }
    return {
      rows,
      totals: [...byCurrency].map(([currency, amounts]) => ({ currency, amount: addAmounts(amounts), count: amounts.length })),
    };
  }

  forCustomer(storeId: string, phone: string): OrderSummary[] {
    return mapRows(
      this.db
        .prepare<[string, string]>(`${ORDER_SELECT} WHERE o.store_id = ? AND o.customer_phone = ? ORDER BY o.created_at DESC LIMIT 50`)
        .all(storeId, phone),
      orderRow,
    ).map(summary);
  }

  get(id: string): OrderDetail {
    const row = mapRow(this.db.prepare<[string]>(`${ORDER_SELECT} WHERE o.id = ?`).get(id), orderRow);
    if (!row) throw new ApiFailure('not-found', 'This order has not reached this desktop (or was removed)');
    const payments = mapRows(
      this.db
        .prepare<[string]>(
          `SELECT reference, amount, status, network, coalesce(review_reason, failure_reason) AS reason, coalesce(completed_at, created_at) AS at
           FROM payment_transactions WHERE order_id = ? ORDER BY created_at DESC`,
        )
        .all(id),
      paymentRow,
    );
    return { ...summary(row), lines: cartLines(row.items), subtotal: row.subtotal_amount ?? '0', payments };
  }
}
