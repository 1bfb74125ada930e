import BetterSqlite3 from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { InboxQueries } from './inbox-queries.js';
import { InboxSearchIndex } from './inbox-search-index.js';
import { OrderQueries } from './order-queries.js';

const STORE = '11111111-1111-4111-8111-111111111111';
const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const at = (minutesAgo: number) => new Date(START - minutesAgo * 60_000).toISOString();

describe('the Inbox over the mirrored shop tables', () => {
  let db: BetterSqlite3.Database;
  let clock: FakeClock;
  let inbox: InboxQueries;
  let orders: OrderQueries;
  let seq = 0;

  const message = (
    phone: string,
    type: string,
    payload: unknown,
    minutesAgo: number,
    status = 'processed',
    error: string | null = null,
  ) => {
    seq += 1;
    db.prepare(
      `INSERT INTO messaging_log (id, store_id, customer_phone, message_type, message_payload, status, error_message, created_at, updated_at, sync_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(`m${seq}`, STORE, phone, type, JSON.stringify(payload), status, error, at(minutesAgo), at(minutesAgo), seq);
    return `m${seq}`;
  };
  const inbound = (phone: string, body: string, minutesAgo: number, name = 'Amina') =>
    message(phone, 'inbound', { message: { type: 'text', text: { body } }, contact_name: name }, minutesAgo);
  const reply = (phone: string, body: string, minutesAgo: number, status = 'delivered', error: string | null = null) =>
    message(phone, 'outbound_text', { type: 'text', text: { body } }, minutesAgo, status, error);
  const page = (search = '', filter: 'all' | 'unread' | 'open' | 'resolved' = 'all') =>
    inbox.conversations({ search, filter, offset: 0, limit: 50 });

  beforeEach(() => {
    db = new BetterSqlite3(':memory:');
    migrate(db, migrations);
    clock = new FakeClock(START);
    orders = new OrderQueries(db, () => 'Africa/Kampala');
    inbox = new InboxQueries({ db, clock, orders, search: new InboxSearchIndex(db) });
  });

  it('lists one conversation per customer, newest first, with its unread count and the last message', () => {
    inbound('256700000001', 'CART', 30);
    reply('256700000001', 'Your cart is empty', 29);
    inbound('256700000002', 'Do you deliver to Entebbe?', 10);
    inbound('256700000002', 'Hello?', 5);
    const { total, rows } = page();
    expect(total).toBe(2);
    expect(rows.map((r) => [r.phone, r.unread, r.lastPreview, r.lastDirection, r.name])).toEqual([
      ['256700000002', 2, 'Hello?', 'in', 'Amina'],
      ['256700000001', 1, 'Your cart is empty', 'out', 'Amina'],
    ]);
  });

  it('puts the unread divider at the first message after the last read one, and a new message makes it unread again', () => {
    inbound('256700000003', 'ADD MUG 1', 20);
    inbox.markRead(STORE, '256700000003');
    expect(page()[`rows`][0]!.unread).toBe(0);
    const fresh = inbound('256700000003', 'Is it blue?', 2);
    const detail = inbox.conversation(STORE, '256700000003');
    expect(detail.firstUnreadId).toBe(fresh);
    expect(detail.messages.map((m) => [m.kind, m.text])).toEqual([
      ['cart_command', 'ADD MUG 1'],
      ['text', 'Is it blue?'],
    ]);
    expect(page('', 'unread').rows.map((r) => r.phone)).toEqual(['256700000003']);
  });

  it('a resolved conversation opens again when the customer writes', () => {
    inbound('256700000004', 'Thanks!', 50);
    inbox.setResolved(STORE, '256700000004', true);
    expect(page('', 'resolved').rows.map((r) => r.phone)).toEqual(['256700000004']);
    expect(page('', 'open').rows).toEqual([]);
    inbound('256700000004', 'One more question', 1);
    expect(page('', 'open').rows.map((r) => r.phone)).toEqual(['256700000004']);
  });

  it('finds conversations by phone, by name and by words in a message, and not by JSON field names', () => {
    inbound('256700000005', 'Where is my parcel', 10, 'Brian');
    inbound('256700000006', 'hello', 9, 'Cissy');
    expect(page('parcel').rows.map((r) => r.phone)).toEqual(['256700000005']);
    expect(page('Cissy').rows.map((r) => r.phone)).toEqual(['256700000006']);
    expect(page('+2567000000').total).toBe(2);
    expect(page('message').total).toBe(0);
  });

  it('says when the 24-hour window closes, whether the customer sent STOP, and when they are over the rate limit', () => {
    inbound('256700000007', 'STOP', 60);
    db.prepare(
      `INSERT INTO customer_channel_opt_in (id, store_id, customer_phone, is_opted_in, consent_source, sync_version) VALUES ('c1', ?, '256700000007', 0, 'STOP', 1)`,
    ).run(STORE);
    db.prepare(
      `INSERT INTO cart_sessions (id, store_id, session_id, customer_phone, items, rate_window_started_at, rate_count, sync_version)
       VALUES ('k1', ?, 'wa:256700000007', '256700000007', '[{"sku":"MUG","name":"Mug","quantity":2,"unit_price":"7500.50"}]', ?, 31, 1)`,
    ).run(STORE, at(0.5));
    const [row] = page().rows;
    expect(row).toMatchObject({
      optedIn: false,
      rateLimited: true,
      windowClosesAt: new Date(START - 60 * 60_000 + 86_400_000).toISOString(),
    });
    clock.advance(60_000);
    expect(page().rows[0]!.rateLimited).toBe(false);
    expect(inbox.conversation(STORE, '256700000007').cart).toEqual({
      lines: [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: '7500.50' }],
      updatedAt: null,
    });
  });

  it('shows a failed reply with the reason in words and a payment notice as a payment confirmation', () => {
    inbound('256700000008', 'CHECKOUT', 10);
    reply('256700000008', 'Hi', 9, 'failed', 'WhatsApp refused the reply: WhatsApp could not deliver to this number (Meta error 131026)');
    message(
      '256700000008',
      'outbound_text',
      { type: 'text', text: { body: 'Payment received for order 1042' }, payment_notice: 'p:ok' },
      8,
      'read',
    );
    message(
      '256700000008',
      'outbound_text',
      {
        type: 'text',
        text: { body: 'Order 1042 placed.\nPay now: https://shop.example.test/api/payments/initiate?order=x&token=[redacted]\n' },
      },
      7,
      'delivered',
    );
    const detail = inbox.conversation(STORE, '256700000008');
    expect(detail.messages.map((m) => [m.kind, m.statusLabel])).toEqual([
      ['cart_command', 'Received'],
      ['text', 'Failed: WhatsApp refused the reply: WhatsApp could not deliver to this number (Meta error 131026)'],
      ['payment_confirmation', 'Read'],
      ['text', 'Delivered'],
    ]);
    expect(detail.lastPaymentLink).toEqual({ text: 'https://shop.example.test/api/payments/initiate?order=x&token=[redacted]', at: at(7) });
  });

  it('lists orders with their latest payment and delivery, filters by payment, and totals without rounding', () => {
    const order = (id: string, number: number, status: string, total: string, minutesAgo: number) =>
      db
        .prepare(
          `INSERT INTO orders (id, order_number, store_id, status, customer_phone, customer_name, items, subtotal_amount, total_amount, currency, created_at, sync_version)
           VALUES (?, ?, ?, ?, '256700000009', 'Dora', '[]', ?, ?, 'UGX', ?, ?)`,
        )
        .run(id, number, STORE, status, total, total, at(minutesAgo), number);
    order('o1', 1001, 'processing', '0.10', 30);
    order('o2', 1002, 'pending', '0.20', 20);
    order('o3', 1003, 'cancelled', '5.00', 10);
    db.prepare(
      `INSERT INTO payment_transactions (id, store_id, order_id, reference, amount, currency, status, created_at, sync_version)
       VALUES ('p1', ?, 'o1', 'r1', '0.10', 'UGX', 'failed', ?, 1), ('p2', ?, 'o1', 'r2', '0.10', 'UGX', 'succeeded', ?, 2)`,
    ).run(STORE, at(29), STORE, at(28));
    db.prepare(
      `INSERT INTO deliveries (id, store_id, order_id, status, eta, created_at, sync_version) VALUES ('d1', ?, 'o1', 'dispatched', '2026-06-03T10:00:00.000Z', ?, 1)`,
    ).run(STORE, at(27));
    const all = orders.list({ search: '' });
    expect(all.rows.map((o) => [o.orderNumber, o.paymentStatus, o.deliveryStatus])).toEqual([
      [1003, null, null],
      [1002, null, null],
      [1001, 'succeeded', 'dispatched'],
    ]);
    expect(all.totals).toEqual([{ currency: 'UGX', amount: '0.30', count: 2 }]);
    expect(orders.list({ search: '', payment: 'succeeded' }).rows.map((o) => o.id)).toEqual(['o1']);
    expect(orders.list({ search: '1002' }).rows.map((o) => o.id)).toEqual(['o2']);
    expect(orders.get('o1').payments.map((p) => p.status)).toEqual(['succeeded', 'failed']);
  });
});
