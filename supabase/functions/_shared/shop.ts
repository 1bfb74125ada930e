import { type Command, MAX_LINE_QUANTITY } from './commands.ts';
import { asJson, type Queryable } from './db.ts';
import type { WithCommit } from './final-writes.ts';
import { centsToNumeric, toCents } from './money.ts';
import * as replies from './replies.ts';

/**
 * The shop behind the chat commands: carts, checkout, order status and tracking.
 * Commands that change state run inside the caller's transaction, which holds the
 * customer's lock, so their reads and writes are one consistent step.
 */

export interface Store {
  id: string;
  name: string;
  slug: string;
  currency: string;
  phoneNumberId: string;
}

export interface ShopContext {
  /** A transaction for commands that change state; the plain pool for read-only ones. */
  tx: Queryable;
  store: Store;
  phone: string;
  customerName: string | null;
  publicSiteUrl: string;
  /** In a transaction: sends a final write with its COMMIT (the cart, synced to desktops, is written last). */
  withCommit?: WithCommit;
}

interface CartLine {
  product_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price: string;
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  price: string;
  stock_quantity: number | null;
  is_active: boolean;
}

/**
 * The payment link's secret: 192 random bits, base64url. Only its SHA-256 is stored
 * (orders.payment_token_hash); process-payment accepts an order only with its token, so
 * knowing or guessing an order id is not enough to start or alter a payment.
 */
export function newPaymentToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Where CHECKOUT sends the customer; the site's page posts `order` and `token` on to process-payment. */
export function paymentLink(publicSiteUrl: string, orderId: string, token: string): string {
  return `${publicSiteUrl}/api/payments/initiate?order=${orderId}&token=${token}`;
}

const PAYMENT_LINK_TOKEN = /(\/api\/payments\/initiate\?order=[0-9a-f-]{36}&token=)[A-Za-z0-9_-]+/g;

/**
 * A reply as it may be stored: the messaging log is read by store owners and streamed by
 * Realtime, and a payment link's token is what lets its holder pay for (or start charges
 * on) the order, so only the customer's own WhatsApp gets it.
 */
export function redactPaymentLinks(text: string): string {
  return text.replace(PAYMENT_LINK_TOKEN, '$1[redacted]');
}

export function cartSessionId(phone: string): string {
  return `wa:${phone}`;
}

function priced(line: CartLine): replies.PricedLine {
  return { sku: line.sku, name: line.name, quantity: line.quantity, unitCents: toCents(line.unit_price) };
}

async function loadCart({ tx, store, phone }: ShopContext): Promise<CartLine[]> {
  const [row] = await tx<{ items: CartLine[] }[]>`
    select items from public.cart_sessions
    where store_id = ${store.id} and session_id = ${cartSessionId(phone)} for update`;
  return row?.items ?? [];
}

/** CART only shows the cart: no row lock, which outside a transaction would cost a write for nothing. */
async function readCart({ tx, store, phone }: ShopContext): Promise<CartLine[]> {
  const [row] = await tx<{ items: CartLine[] }[]>`
    select items from public.cart_sessions where store_id = ${store.id} and session_id = ${cartSessionId(phone)}`;
  return row?.items ?? [];
}

async function saveCart({ tx, store, phone, withCommit }: ShopContext, lines: CartLine[]): Promise<void> {
  // A customer's first cart line creates the row: nothing else writes it before that.
  const write = tx`insert into public.cart_sessions (store_id, session_id, customer_phone, items)
           values (${store.id}, ${cartSessionId(phone)}, ${phone}, ${tx.json(asJson(lines))})
           on conflict (store_id, session_id) do update set items = excluded.items`;
  if (withCommit) withCommit(write);
  else await write;
}

async function productsBySku({ tx, store }: ShopContext, skus: string[]): Promise<Map<string, ProductRow>> {
  const rows = await tx<ProductRow[]>`
    select id, sku, name, price::text as price, stock_quantity, is_active from public.products
    where store_id = ${store.id} and upper(sku) = any(${skus}::text[])`;
  return new Map(rows.map((row) => [row.sku.toUpperCase(), row]));
}

function lineFor(product: ProductRow, quantity: number): CartLine {
  return { product_id: product.id, sku: product.sku, name: product.name, quantity, unit_price: product.price };
}

/** Null when the quantity can be sold; otherwise the sentence that says why not. */
function stockProblem(product: ProductRow, wanted: number, inCart: number): string | null {
  if (product.stock_quantity === null || wanted <= product.stock_quantity) return null;
  return product.stock_quantity === 0
    ? replies.outOfStock(product.name, product.sku)
    : replies.notEnoughStock(product.name, product.sku, product.stock_quantity, inCart);
}

async function add(ctx: ShopContext, sku: string, quantity: number): Promise<string> {
  // Both reads go out together (postgres.js pipelines them on the transaction).
  const [products, lines] = await Promise.all([productsBySku(ctx, [sku]), loadCart(ctx)]);
  const product = products.get(sku);
  if (!product || !product.is_active) return replies.unknownSku(sku);
  const existing = lines.find((line) => line.product_id === product.id);
  const wanted = (existing?.quantity ?? 0) + quantity;
  if (wanted > MAX_LINE_QUANTITY) return `You can have at most ${MAX_LINE_QUANTITY} of ${product.sku} in your cart.`;
  const problem = stockProblem(product, wanted, existing?.quantity ?? 0);
  if (problem) return problem;
  const updated = [...lines.filter((line) => line.product_id !== product.id), lineFor(product, wanted)];
  await saveCart(ctx, updated);
  return replies.added(priced(lineFor(product, quantity)), replies.cart(updated.map(priced), ctx.store.currency));
}

async function remove(ctx: ShopContext, sku: string): Promise<string> {
  const lines = await loadCart(ctx);
  const remaining = lines.filter((line) => line.sku.toUpperCase() !== sku);
  if (remaining.length === lines.length) return replies.notInCart(sku);
  await saveCart(ctx, remaining);
  return replies.removed(sku, replies.cart(remaining.map(priced), ctx.store.currency));
}

/** A catalogue order is the customer's whole selection, so it replaces the cart. */
async function fillFromOrder(ctx: ShopContext, items: { sku: string; quantity: number }[]): Promise<string> {
  const products = await productsBySku(
    ctx,
    items.map((item) => item.sku),
  );
  const problems: string[] = [];
  const lines = new Map<string, CartLine>();
  for (const item of items) {
    const product = products.get(item.sku);
    if (!product || !product.is_active) {
      problems.push(replies.unknownSku(item.sku));
      continue;
    }
    const quantity = (lines.get(product.id)?.quantity ?? 0) + item.quantity;
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      problems.push(`${product.sku}: the quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}.`);
      continue;
    }
    const problem = stockProblem(product, quantity, 0);
    if (problem) {
      problems.push(problem);
      continue;
    }
    lines.set(product.id, lineFor(product, quantity));
  }
  const cartLines = [...lines.values()];
  await saveCart(ctx, cartLines);
  return [replies.orderSkipped(problems), replies.cart(cartLines.map(priced), ctx.store.currency)].filter(Boolean).join('\n');
}

/**
 * Turns the cart into a pending order at today's prices, reserving tracked stock and
 * emptying the cart — all in the caller's transaction, so a failure leaves the cart as
 * it was and no half-made order behind.
 */
async function checkout(ctx: ShopContext): Promise<string> {
  const { tx, store, phone } = ctx;
  const lines = await loadCart(ctx);
  if (lines.length === 0) return replies.emptyCart();
  const products = await tx<ProductRow[]>`
    select id, sku, name, price::text as price, stock_quantity, is_active from public.products
    where store_id = ${store.id} and id = any(${lines.map((line) => line.product_id)}::uuid[])
    for update`;
  const byId = new Map(products.map((product) => [product.id, product]));
  const problems: string[] = [];
  const orderLines: CartLine[] = [];
  for (const line of lines) {
    const product = byId.get(line.product_id);
    if (!product || !product.is_active) {
      problems.push(`${line.name} (${line.sku}) is no longer available.`);
      continue;
    }
    const problem = stockProblem(product, line.quantity, 0);
    if (problem) problems.push(problem);
    else orderLines.push(lineFor(product, line.quantity));
  }
  if (problems.length > 0) return replies.checkoutBlocked(problems);

  const pricedLines = orderLines.map(priced);
  const totalCents = pricedLines.reduce((sum, line) => sum + line.unitCents * line.quantity, 0);
  const items = orderLines.map((line, i) => ({ ...line, line_total: centsToNumeric((pricedLines[i]?.unitCents ?? 0) * line.quantity) }));
  const paymentToken = newPaymentToken();
  const [order] = await tx<{ id: string; order_number: string }[]>`
    insert into public.orders (store_id, status, customer_phone, customer_name, session_id, source, items,
                               subtotal_amount, total_amount, currency, payment_token_hash)
    values (${store.id}, 'pending', ${phone}, ${ctx.customerName}, ${cartSessionId(phone)}, 'whatsapp',
            ${tx.json(asJson(items))}, ${centsToNumeric(totalCents)}, ${centsToNumeric(totalCents)}, ${store.currency},
            sha256(convert_to(${paymentToken}, 'UTF8')))
    returning id, order_number::text`;
  if (!order) throw new Error('order insert returned no row');
  await tx`
    update public.products p set stock_quantity = p.stock_quantity - l.quantity
    from unnest(${orderLines.map((l) => l.product_id)}::uuid[], ${orderLines.map((l) => l.quantity)}::int[]) as l(id, quantity)
    where p.id = l.id and p.stock_quantity is not null`;
  await saveCart(ctx, []);

  const checkoutUrl = `${ctx.publicSiteUrl}/store/${encodeURIComponent(store.slug)}/checkout?session=${cartSessionId(phone)}&order=${order.id}`;
  const paymentUrl = paymentLink(ctx.publicSiteUrl, order.id, paymentToken);
  return replies.checkedOut(order.order_number, pricedLines, store.currency, checkoutUrl, paymentUrl);
}

interface OrderStateRow {
  order_number: string;
  status: string;
  total_amount: string;
  currency: string;
  created_at: Date;
  delivery_status: string | null;
  eta: Date | null;
  carrier: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  payment_status: replies.PaymentInfo['status'] | null;
  payment_amount: string | null;
  payment_currency: string | null;
  payment_completed_at: Date | null;
  payment_failure_reason: string | null;
}

/** An order with its latest delivery and latest payment attempt: what STATUS and TRACK report. */
function orderState(tx: Queryable, storeId: string, phone: string, filter: { orderNumber: string | null; orderId: string | null } | null) {
  return tx<OrderStateRow[]>`
    select o.order_number::text, o.status, o.total_amount::text, o.currency, o.created_at,
           coalesce(d.status, o.delivery_status) as delivery_status, coalesce(d.eta, o.delivery_eta) as eta,
           d.carrier, d.tracking_number, d.tracking_url,
           p.status as payment_status, p.amount::text as payment_amount, p.currency as payment_currency,
           p.completed_at as payment_completed_at, p.failure_reason as payment_failure_reason
    from public.orders o
    left join lateral (
      select * from public.deliveries where order_id = o.id order by created_at desc limit 1
    ) d on true
    left join lateral (
      select * from public.payment_transactions where order_id = o.id order by attempt desc limit 1
    ) p on true
    where o.store_id = ${storeId} and o.customer_phone = ${phone}
      and (${filter === null}::boolean or o.order_number = ${filter?.orderNumber ?? null}::bigint or o.id = ${filter?.orderId ?? null}::uuid)
    order by o.created_at desc, o.order_number desc limit 1`;
}

function describeState(row: OrderStateRow) {
  return {
    orderNumber: row.order_number,
    status: row.status,
    totalCents: toCents(row.total_amount),
    currency: row.currency,
    createdAt: row.created_at,
    deliveryStatus: row.delivery_status,
    eta: row.eta,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    trackingUrl: row.tracking_url,
    payment: row.payment_status
      ? {
          status: row.payment_status,
          amountCents: toCents(row.payment_amount ?? '0'),
          currency: row.payment_currency ?? row.currency,
          completedAt: row.payment_completed_at,
          failureReason: row.payment_failure_reason,
        }
      : null,
  };
}

async function latestOrderStatus({ tx, store, phone }: ShopContext): Promise<string> {
  const [order] = await orderState(tx, store.id, phone, null);
  if (!order) return replies.noOrders();
  return replies.orderStatus(describeState(order));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Customers only see their own orders: the chat's phone is part of the lookup. */
async function track({ tx, store, phone }: ShopContext, orderRef: string): Promise<string> {
  const orderNumber = /^\d{1,15}$/.test(orderRef) ? orderRef : null;
  const orderId = UUID.test(orderRef) ? orderRef.toLowerCase() : null;
  if (!orderNumber && !orderId) return replies.orderNotFound(orderRef);
  const [row] = await orderState(tx, store.id, phone, { orderNumber, orderId });
  if (!row) return replies.orderNotFound(orderRef);
  return replies.tracking(describeState(row));
}

/** An upsert: the customer's own STOP or START is their consent even where no first contact was recorded. */
async function setConsent({ tx, store, phone }: ShopContext, optedIn: boolean, source: string): Promise<void> {
  await tx`insert into public.customer_channel_opt_in (store_id, channel_type, customer_phone, is_opted_in, consent_source, consent_at)
           values (${store.id}, 'whatsapp', ${phone}, ${optedIn}, ${source}, now())
           on conflict (store_id, channel_type, customer_phone) do update
           set is_opted_in = excluded.is_opted_in, consent_source = excluded.consent_source, consent_at = excluded.consent_at`;
}

/** Runs one command for an opted-in customer (or START for an opted-out one) and returns the reply. */
export async function runCommand(ctx: ShopContext, command: Command): Promise<string> {
  switch (command.kind) {
    case 'add':
      return add(ctx, command.sku, command.quantity);
    case 'remove':
      return remove(ctx, command.sku);
    case 'order':
      return fillFromOrder(ctx, command.items);
    case 'cart':
      return replies.cart((await readCart(ctx)).map(priced), ctx.store.currency);
    case 'checkout':
      return checkout(ctx);
    case 'status':
      return latestOrderStatus(ctx);
    case 'track':
      return track(ctx, command.orderRef);
    case 'stop':
      await setConsent(ctx, false, 'STOP');
      return replies.stopped();
    case 'start':
      await setConsent(ctx, true, 'START');
      return replies.started(ctx.store.name);
    case 'help':
      return replies.help(ctx.store.name);
    case 'usage':
      return command.problem;
    case 'unknown':
      return replies.unknownCommand(command.text);
    case 'unsupported':
      return replies.unsupported(command.messageType);
  }
}
