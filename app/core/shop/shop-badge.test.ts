import BetterSqlite3 from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../shared/settings/settings.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { InboxQueries } from './inbox-queries.js';
import { InboxSearchIndex } from './inbox-search-index.js';
import { OrderQueries } from './order-queries.js';
import { ShopBadgeCount } from './shop-badge.js';

const STORE = '11111111-1111-4111-8111-111111111111';
const START = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('the tray badge count', () => {
  let db: BetterSqlite3.Database;
  let settings: Settings;
  let badge: ShopBadgeCount;
  let inbox: InboxQueries;
  let seq = 0;

  const inbound = (phone: string, minutesAgo: number) => {
    const at = new Date(START - minutesAgo * 60_000).toISOString();
    db.prepare(
      `INSERT INTO messaging_log (id, store_id, customer_phone, message_type, message_payload, status, created_at, updated_at, sync_version)
       VALUES (?, ?, ?, 'inbound', '{"message":{"type":"text","text":{"body":"hi"}}}', 'processed', ?, ?, ?)`,
    ).run(`m${++seq}`, STORE, phone, at, at, seq);
  };
  const order = (id: string, status: string) =>
    db
      .prepare(
        `INSERT INTO orders (id, order_number, store_id, status, customer_phone, sync_version) VALUES (?, ?, ?, ?, '256700000001', ?)`,
      )
      .run(id, ++seq, STORE, status, seq);

  beforeEach(() => {
    db = new BetterSqlite3(':memory:');
    migrate(db, migrations);
    settings = { ...defaultSettings };
    badge = new ShopBadgeCount(db, () => settings);
    inbox = new InboxQueries({
      db,
      clock: new FakeClock(START),
      orders: new OrderQueries(db, () => 'UTC'),
      search: new InboxSearchIndex(db),
    });
    inbound('256700000001', 30);
    inbound('256700000001', 20);
    inbound('256700000002', 10);
    order('o1', 'processing');
    order('o2', 'processing');
    order('o3', 'pending');
  });

  it('counts nothing while both kinds of notification are off, as they are by default', () => {
    expect(badge.now()).toEqual({ messages: 0, paidOrders: 0, count: 0 });
  });

  it('counts unread customer messages and paid orders waiting to ship, each kind only when switched on', () => {
    settings = { ...settings, notifyInboundMessages: true };
    expect(badge.now()).toEqual({ messages: 3, paidOrders: 0, count: 3 });
    settings = { ...settings, notifyPaidOrders: true };
    expect(badge.now()).toEqual({ messages: 3, paidOrders: 2, count: 5 });
    settings = { ...settings, notifyInboundMessages: false };
    expect(badge.now()).toEqual({ messages: 0, paidOrders: 2, count: 2 });
  });

  it('goes down as a conversation is read and an order is shipped, and up when the customer writes again', () => {
    settings = { ...settings, notifyInboundMessages: true, notifyPaidOrders: true };
    inbox.markRead(STORE, '256700000001');
    expect(badge.now()).toEqual({ messages: 1, paidOrders: 2, count: 3 });
    db.prepare("UPDATE orders SET status = 'shipped' WHERE id = 'o1'").run();
    expect(badge.now()).toEqual({ messages: 1, paidOrders: 1, count: 2 });
    inbound('256700000001', 1);
    expect(badge.now()).toEqual({ messages: 2, paidOrders: 1, count: 3 });
  });
});
