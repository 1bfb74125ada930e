import { formatMoney } from './money.ts';

/**
 * Every sentence a customer can receive, in one place so wording stays consistent.
 * WhatsApp refuses a text over 4,096 characters, and then the customer gets nothing: so
 * whatever a customer typed is echoed shortened, long lists are cut with a count of
 * what was left out (keeping the links after them), and `withinReplyLimit` is the last
 * guard before anything is sent.
 */

export const MAX_REPLY_CHARS = 4_096;
const ECHO_CHARS = 40;
// Room left for the sentences and links around a list.
const LIST_BUDGET_CHARS = 2_500;

/** At most `max` characters of `text`, never splitting a character made of two UTF-16 units. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Customer input (or any text of unknown length) as it may be quoted back. */
export function shown(text: string, max = ECHO_CHARS): string {
  return clip(text, max);
}

/** The last guard before sending: a body WhatsApp will accept. */
export function withinReplyLimit(body: string): string {
  return clip(body, MAX_REPLY_CHARS);
}

/** Bullet lines until the budget is spent, then one line saying how many more there were. */
function bulleted(items: string[]): string {
  const lines: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const line = `• ${shown(item, 300)}`;
    if (used + line.length > LIST_BUDGET_CHARS) {
      lines.push(`• … and ${items.length - i} more`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitCents: number;
}

const COMMAND_LIST = [
  'ADD <SKU> <QTY> – add a product to your cart',
  'REMOVE <SKU> – take it out again',
  'CART – see your cart and total',
  'CHECKOUT – place your order and get a payment link',
  'STATUS – your latest order',
  'TRACK <ORDER_ID> – delivery details of an order',
  'STOP – no more messages · START – messages again',
  'HELP – this list',
].join('\n');

export function help(storeName: string): string {
  return `Welcome to ${storeName}! Order right here in WhatsApp:\n${COMMAND_LIST}`;
}

export function unknownCommand(text: string): string {
  return `Sorry, I don't understand "${shown(text)}". Here is what I can do:\n${COMMAND_LIST}`;
}

export function unsupported(messageType: string): string {
  return `I can't read ${shown(messageType)} messages yet. Send a command such as CART or HELP.`;
}

export function unknownSku(sku: string): string {
  return `There is no product with SKU ${shown(sku)}. Check the code in our catalogue and try again.`;
}

export function outOfStock(name: string, sku: string): string {
  return `Sorry, ${name} (${sku}) is out of stock.`;
}

export function notEnoughStock(name: string, sku: string, available: number, inCart: number): string {
  const already = inCart > 0 ? ` and you already have ${inCart} in your cart` : '';
  return `Sorry, only ${available} of ${name} (${sku}) are in stock${already}.`;
}

function cartLines(lines: PricedLine[], currency: string): { text: string; totalCents: number } {
  let totalCents = 0;
  const items = lines.map((line) => {
    const lineCents = line.unitCents * line.quantity;
    totalCents += lineCents;
    return `${line.quantity} × ${shown(line.name, 80)} (${shown(line.sku)}) – ${formatMoney(lineCents, currency)}`;
  });
  return { text: bulleted(items), totalCents };
}

export function cart(lines: PricedLine[], currency: string): string {
  if (lines.length === 0) return emptyCart();
  const { text, totalCents } = cartLines(lines, currency);
  return `Your cart:\n${text}\nTotal: ${formatMoney(totalCents, currency)}\nSend CHECKOUT to order.`;
}

export function added(line: PricedLine, cartSummary: string): string {
  return `Added ${line.quantity} × ${shown(line.name, 80)} (${shown(line.sku)}).\n${cartSummary}`;
}

export function removed(sku: string, cartSummary: string): string {
  return `Removed ${shown(sku)} from your cart.\n${cartSummary}`;
}

export function notInCart(sku: string): string {
  return `${shown(sku)} is not in your cart. Send CART to see what is.`;
}

export function emptyCart(): string {
  return 'Your cart is empty. Add a product with ADD <SKU> <QTY>.';
}

export function orderSkipped(problems: string[]): string {
  return problems.length > 0 ? `Some items were not added:\n${bulleted(problems)}` : '';
}

export function checkoutBlocked(problems: string[]): string {
  return `Your order could not be placed:\n${bulleted(problems)}\nAdjust your cart (REMOVE <SKU>, ADD <SKU> <QTY>) and send CHECKOUT again.`;
}

export function checkedOut(orderNumber: string, lines: PricedLine[], currency: string, checkoutUrl: string, paymentUrl: string): string {
  const { text, totalCents } = cartLines(lines, currency);
  return [
    `Order ${orderNumber} is placed (pending payment):`,
    text,
    `Total: ${formatMoney(totalCents, currency)}`,
    `Pay now: ${paymentUrl}`,
    `Review your order: ${checkoutUrl}`,
    `Send STATUS or TRACK ${orderNumber} any time.`,
  ].join('\n');
}

export interface OrderInfo {
  orderNumber: string;
  status: string;
  totalCents: number;
  currency: string;
  createdAt: Date;
}

function day(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function noOrders(): string {
  return 'You have no orders with us yet. Send CART to see your cart or HELP for the commands.';
}

/** The latest payment attempt of an order, as STATUS and TRACK report it. */
export interface PaymentInfo {
  status: 'pending' | 'succeeded' | 'failed' | 'needs_review';
  amountCents: number;
  currency: string;
  completedAt: Date | null;
  failureReason: string | null;
}

export interface DeliveryInfo {
  deliveryStatus: string | null;
  eta: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

export function paymentLine(orderStatus: string, payment: PaymentInfo | null): string | null {
  if (!payment) return orderStatus === 'pending' ? 'Payment: not started yet. Use the payment link from your order message.' : null;
  const amount = formatMoney(payment.amountCents, payment.currency);
  switch (payment.status) {
    case 'pending':
      return `Payment: ${amount} waiting for your approval on your phone.`;
    case 'succeeded':
      return `Payment: ${amount} received${payment.completedAt ? ` ${day(payment.completedAt)}` : ''}.`;
    case 'failed':
      return `Payment: failed (${shown(payment.failureReason ?? 'declined', 200)}). Open the payment link from your order message to try again.`;
    case 'needs_review':
      return 'Payment: being checked by the store. We will message you when it is confirmed.';
  }
}

function deliveryLines(info: DeliveryInfo): string[] {
  const parts = [info.deliveryStatus ? `Delivery: ${info.deliveryStatus.replace('_', ' ')}.` : 'Delivery: not scheduled yet.'];
  if (info.eta) parts.push(`Expected: ${day(info.eta)}.`);
  if (info.carrier || info.trackingNumber) parts.push(`Carrier: ${[info.carrier, info.trackingNumber].filter(Boolean).join(' ')}.`);
  if (info.trackingUrl) parts.push(`Follow it: ${info.trackingUrl}`);
  return parts;
}

export function orderStatus(order: OrderInfo & DeliveryInfo & { payment: PaymentInfo | null }): string {
  const lines = [
    `Your latest order ${order.orderNumber} (${day(order.createdAt)}) is ${order.status}. Total: ${formatMoney(order.totalCents, order.currency)}.`,
  ];
  const payment = paymentLine(order.status, order.payment);
  if (payment) lines.push(payment);
  if (order.status !== 'cancelled' && order.status !== 'refunded') lines.push(deliveryLines(order)[0]!);
  lines.push(`Send TRACK ${order.orderNumber} for the delivery details.`);
  return lines.join('\n');
}

export function paymentReceived(orderNumber: string, amountCents: number, currency: string): string {
  return `Payment received: ${formatMoney(amountCents, currency)} for order ${orderNumber}. Thank you! Your order is now being prepared. Send TRACK ${orderNumber} to follow it.`;
}

export function paymentFailed(orderNumber: string, reason: string): string {
  return `Your payment for order ${orderNumber} did not go through (${shown(reason, 200)}). Your order is still reserved: open the payment link from your order message to try again, or send STATUS.`;
}

export interface TrackingInfo extends OrderInfo, DeliveryInfo {
  payment: PaymentInfo | null;
}

export function tracking(info: TrackingInfo): string {
  const parts = [`Order ${info.orderNumber}: ${info.status}.`];
  const payment = paymentLine(info.status, info.payment);
  if (payment) parts.push(payment);
  parts.push(...deliveryLines(info));
  return parts.join('\n');
}

export function orderNotFound(ref: string): string {
  return `I can't find order ${shown(ref)} for this number. Send STATUS to see your latest order.`;
}

export function stopped(): string {
  return 'You will get no more messages from us. Send START to opt back in.';
}

export function started(storeName: string): string {
  return `You're subscribed again. ${help(storeName)}`;
}

export function slowDown(): string {
  return "You're sending messages very fast. I'll answer again in a minute.";
}
