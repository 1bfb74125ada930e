import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../shared/settings/settings.js';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { CoreEvents } from '../events/core-events.js';
import { ShopNotifier } from './shop-notifier.js';

const STORE = '11111111-1111-4111-8111-111111111111';

describe('desktop notifications for the shop', () => {
  const setup = () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, migrations);
    const events = new CoreEvents();
    const raised: { title: string; body: string }[] = [];
    events.subscribe((event, payload) => {
      if (event === 'notifications:raised') raised.push(payload as { title: string; body: string });
    });
    let seq = 0;
    const inbound = (body: string, at: string) =>
      db
        .prepare(
          `INSERT INTO messaging_log (id, store_id, customer_phone, message_type, message_payload, status, created_at, sync_version)
           VALUES (?, ?, '256700000001', 'inbound', ?, 'processed', ?, ?)`,
        )
        .run(`m${++seq}`, STORE, JSON.stringify({ message: { type: 'text', text: { body } }, contact_name: 'Amina' }), at, seq);
    const paid = (number: number, at: string) => {
      db.prepare(
        `INSERT INTO orders (id, order_number, store_id, status, customer_name, total_amount, currency, sync_version) VALUES (?, ?, ?, 'processing', 'Amina', '15000.00', 'UGX', 1)`,
      ).run(`o${number}`, number, STORE);
      db.prepare(
        `INSERT INTO payment_transactions (id, store_id, order_id, amount, currency, status, completed_at, sync_version) VALUES (?, ?, ?, '15000.00', 'UGX', 'succeeded', ?, 1)`,
      ).run(`p${number}`, STORE, `o${number}`, at);
    };
    let settings: Settings = { ...defaultSettings };
    return {
      db,
      raised,
      inbound,
      paid,
      set: (next: Partial<Settings>) => (settings = { ...settings, ...next }),
      settings: () => settings,
      events,
    };
  };

  it('is off by default for both kinds', () => {
    const world = setup();
    const notifier = new ShopNotifier(world.db, world.settings, world.events);
    world.inbound('Hello', '2026-06-01T10:00:00.000Z');
    world.paid(1001, '2026-06-01T10:01:00.000Z');
    notifier.pulled();
    expect(world.raised).toEqual([]);
  });

  it('tells each new customer message and paid order once when switched on, and never what was there before', () => {
    const world = setup();
    world.inbound('Old news', '2026-06-01T09:00:00.000Z');
    const notifier = new ShopNotifier(world.db, world.settings, world.events);
    world.set({ notifyInboundMessages: true, notifyPaidOrders: true });
    world.inbound('Is the mug blue?', '2026-06-01T10:00:00.000Z');
    world.paid(1002, '2026-06-01T10:01:00.000Z');
    notifier.pulled();
    notifier.pulled();
    expect(world.raised).toEqual([
      { level: 'info', title: 'Message from Amina', body: 'Is the mug blue?', workshopId: null },
      { level: 'info', title: 'Order #1002 paid', body: 'UGX 15000.00 from Amina', workshopId: null },
    ]);
  });
});
