import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { text } from './support/meta';
import { checkoutInChat, enablePayments, fake, pay, payRequest, postWebhook, v4Webhook, waitFor } from './support/payments';
import { backendRequirement } from './support/requirements';
import { invoke, signInToShop } from './support/store-owner';

const backend = backendRequirement();

describe.skipIf(!backend.available)('order-action: a store owner ships, delivers, cancels and decides reviews from the console', () => {
  let h: Harness;
  let shop: Shop;
  let owner: SupabaseClient;
  let phone: string;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'orders-duka', [{ sku: 'MUG', name: 'Mug', price: '7500.00', stock: 5 }]);
    await enablePayments(h, shop);
    owner = await signInToShop(h, shop);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    phone = newCustomer();
  });

  const act = (body: Record<string, unknown>, client = owner) => invoke(client, 'order-action', body);
  const orderRow = async (id: string) =>
    (
      await h.sql<{ status: string; sync_version: string; delivery_status: string | null }[]>`
      select status, sync_version::text, delivery_status from orders where id = ${id}`
    )[0]!;
  const version = async (id: string) => Number((await orderRow(id)).sync_version);
  const stock = async () =>
    (await h.sql<{ stock_quantity: number }[]>`select stock_quantity from products where store_id = ${shop.storeId}`)[0]!.stock_quantity;
  const paidOrder = async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    const started = await pay(h, payRequest(order, phone));
    const charge = fake(h).charges.get(String(started.body.charge_id))!;
    fake(h).complete(charge.id, 'succeeded');
    await postWebhook(h, v4Webhook(charge));
    await waitFor('the order to be paid', async () => (await orderRow(order.orderId)).status === 'processing');
    return order;
  };

  it('marks a paid order shipped with an ETA, and the customer’s TRACK then answers with it', async () => {
    const order = await paidOrder();
    const answer = await act({
      action: 'ship',
      order_id: order.orderId,
      expected_version: await version(order.orderId),
      eta: '2030-06-03T10:00:00Z',
      carrier: 'Boda Express',
      tracking_number: 'BX-77',
    });
    expect(answer).toMatchObject({ status: 200, body: { status: 'shipped' } });
    await h.deliver(shop, { messages: [text(phone, `TRACK ${order.orderNumber}`)] });
    expect(h.lastReply(phone)).toMatch(
      new RegExp(
        `^Order ${order.orderNumber}: shipped\\.[\\s\\S]*Delivery: dispatched\\.\\s+Expected: .*2030.*\\s+Carrier: Boda Express BX-77\\.`,
      ),
    );
    const delivered = await act({ action: 'deliver', order_id: order.orderId, expected_version: await version(order.orderId) });
    expect(delivered).toMatchObject({ status: 200, body: { status: 'delivered' } });
  });

  it('refuses an edit made over an older copy of the order (changed at another desk meanwhile) and changes nothing', async () => {
    const order = await paidOrder();
    const seen = await version(order.orderId);
    expect((await act({ action: 'deliver', order_id: order.orderId, expected_version: seen })).status).toBe(200);
    const before = await orderRow(order.orderId);
    const stale = await act({ action: 'ship', order_id: order.orderId, expected_version: seen, eta: '2030-06-03T10:00:00Z' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'stale',
      error: expect.stringMatching(/changed since you looked at it \(it is now delivered/),
    });
    expect(await orderRow(order.orderId)).toEqual(before);
  });

  it('cancels an unpaid order and puts its reserved stock back; a paid one cannot be cancelled', async () => {
    const start = await stock();
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 2']);
    expect(await stock()).toBe(start - 2);
    expect(await act({ action: 'cancel', order_id: order.orderId, expected_version: await version(order.orderId) })).toMatchObject({
      status: 200,
      body: { status: 'cancelled' },
    });
    expect(await stock()).toBe(start);

    phone = newCustomer();
    const paid = await paidOrder();
    const refused = await act({ action: 'cancel', order_id: paid.orderId, expected_version: await version(paid.orderId) });
    expect(refused).toMatchObject({ status: 409, body: { code: 'not_allowed', error: expect.stringMatching(/Only an unpaid/) } });
    expect((await orderRow(paid.orderId)).status).toBe('processing');
  });

  it('accepts a payment flagged for review with a note: the order is paid and the store credited once', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    const started = await pay(h, payRequest(order, phone));
    await h.sql`update payment_transactions set status = 'needs_review', review_reason = 'amount differs' where id = ${String(started.body.transaction_id ?? '')}::uuid or order_id = ${order.orderId}`;
    const body = { action: 'resolve_review', order_id: order.orderId, outcome: 'accept', note: 'Customer paid the rest in cash' };
    const accepted = await act({ ...body, expected_version: await version(order.orderId) });
    expect(accepted).toMatchObject({ status: 200, body: { status: 'processing' } });
    const again = await act({ ...body, expected_version: await version(order.orderId) });
    expect(again).toMatchObject({ status: 409, body: { code: 'not_allowed' } });
    const ledger = await h.sql`select amount::text from store_ledger_entries where order_id = ${order.orderId}`;
    expect(ledger).toEqual([{ amount: '7500.00' }]);
  });

  it('refuses bad input and another store’s order with a 4xx, changing nothing', async () => {
    const other = await createShop(h.sql, `other-orders-${phone.slice(-5)}`, [{ sku: 'MUG', name: 'Mug', price: '1.00' }]);
    const stranger = newCustomer();
    const theirs = await checkoutInChat(h, other, stranger, ['ADD MUG 1']);
    const before = await orderRow(theirs.orderId);
    expect(await act({ action: 'cancel', order_id: theirs.orderId, expected_version: Number(before.sync_version) })).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });
    expect(await act({ action: 'ship', order_id: theirs.orderId, expected_version: 1, eta: 'tomorrow' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/eta must be a date and time/) },
    });
    expect(
      await act({ action: 'resolve_review', order_id: theirs.orderId, expected_version: 1, outcome: 'accept', note: ' ' }),
    ).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/Say why/) },
    });
    const viewer = await signInToShop(h, shop, 'viewer');
    const mine = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    expect(await act({ action: 'cancel', order_id: mine.orderId, expected_version: await version(mine.orderId) }, viewer)).toMatchObject({
      status: 403,
    });
    expect(await orderRow(theirs.orderId)).toEqual(before);
    expect((await orderRow(mine.orderId)).status).toBe('pending');
  });
});
