import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { text } from './support/meta';
import {
  checkoutInChat,
  enablePayments,
  fake,
  moneyState,
  pay,
  paymentUrl,
  payRequest,
  postWebhook,
  v3Webhook,
  v4Webhook,
  waitFor,
} from './support/payments';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)('payments: from CHECKOUT to a confirmed order', () => {
  let h: Harness;
  let shop: Shop;
  let phone: string;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'pay-duka', [
      { sku: 'TEE', name: 'Tee', price: '25000.00', stock: 1000 },
      { sku: 'MUG', name: 'Mug', price: '7500.50' },
    ]);
    await enablePayments(h, shop);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    phone = newCustomer();
  });

  const say = async (body: string) => {
    await h.deliver(shop, { messages: [text(phone, body)] });
    return h.lastReply(phone);
  };
  const noticesTo = (to: string) =>
    h.replies(to).filter((reply) => reply.startsWith('Payment received') || reply.startsWith('Your payment for order'));

  it('happy path: CHECKOUT link → charge (v4) → webhook → order processing, ledger, balance and a WhatsApp confirmation', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD TEE 2', 'ADD MUG 1']);
    expect(order.paymentUrl).toMatch(
      new RegExp(`^https://shop\\.example\\.test/api/payments/initiate\\?order=${order.orderId}&token=[A-Za-z0-9_-]{32}$`),
    );
    const before = await moneyState(h, shop, order.orderId);
    fake(h).resetCounters();

    const started = await pay(h, payRequest(order, phone, { customerName: 'Ann Nakato' }));
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      order_id: order.orderId,
      status: 'pending',
      amount: '57500.50',
      currency: 'UGX',
      next_action: { type: 'approve_on_phone' },
    });
    expect(started.body.message).toBe('Approve the payment of UGX 57,500.50 on your phone.');

    const pending = await moneyState(h, shop, order.orderId);
    expect(pending.transactions).toEqual([
      expect.objectContaining({ status: 'pending', amount: '57500.50', flw_charge_id: started.body.charge_id, attempt: 1 }),
    ]);
    expect(pending.orderStatus).toBe('pending');
    // Flutterwave holds a charge for exactly the order's total, under our reference.
    const charge = fake(h).charges.get(String(started.body.charge_id))!;
    expect(charge).toMatchObject({ amount: 57500.5, currency: 'UGX', reference: pending.transactions[0]!.reference, status: 'pending' });
    expect(pending.transactions[0]!.reference).toContain(order.orderId.replace(/-/g, ''));

    fake(h).complete(charge.id, 'succeeded');
    const delivered = await postWebhook(h, v4Webhook(charge));
    expect(delivered).toMatchObject({ status: 200, body: { outcome: 'succeeded' } });

    const notice = await waitFor('the confirmation', async () =>
      (await moneyState(h, shop, order.orderId)).notices.find((n) => n.status === 'accepted' && n.whatsapp_message_id),
    );
    expect(notice.body).toBe(
      `Payment received: UGX 57,500.50 for order ${order.orderNumber}. Thank you! Your order is now being prepared. Send TRACK ${order.orderNumber} to follow it.`,
    );
    const after = await moneyState(h, shop, order.orderId);
    expect(after.transactions).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(after.orderStatus).toBe('processing');
    expect(after.ledger).toEqual([{ amount: '57500.50', entry_type: 'payment' }]);
    expect(Number(after.balance) - Number(before.balance)).toBeCloseTo(57500.5, 2);
    expect(noticesTo(phone)).toEqual([notice.body]);

    const calls = { ...fake(h).calls };
    console.log(`Flutterwave API calls for this successful payment: ${fake(h).totalCalls()} ${JSON.stringify(calls)}`);
    expect(calls).toMatchObject({ customers: 1, 'payment-methods': 1, charges: 1, 'charge-get': 1, 'v3-charge': 0, 'v3-verify': 0 });
    // process-payment and flutterwave-webhook are separate functions, each caching its own token (cold here).
    expect(calls.token).toBeLessThanOrEqual(2);

    const status = await say('STATUS');
    expect(status).toContain(`Your latest order ${order.orderNumber}`);
    expect(status).toContain('is processing.');
    expect(status).toMatch(/Payment: UGX 57,500\.50 received \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
  });

  it('a second request while the charge is pending returns that charge; simultaneous requests start one', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 2']);
    const chargesBefore = fake(h).calls.charges;
    const results = await Promise.all([1, 2, 3].map(() => pay(h, payRequest(order, phone))));
    expect(results.map((r) => r.status).sort()).toEqual(expect.arrayContaining([201]));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => [200, 201, 202].includes(r.status))).toBe(true);
    expect(new Set(results.map((r) => r.body.transaction_id)).size).toBe(1);

    const again = await pay(h, payRequest(order, phone));
    const first = results.find((r) => r.status === 201)!;
    expect(again).toMatchObject({ status: 200, body: { existing: true, charge_id: first.body.charge_id, status: 'pending' } });
    expect(fake(h).calls.charges - chargesBefore).toBe(1);
    const state = await moneyState(h, shop, order.orderId);
    expect(state.transactions).toHaveLength(1);
    expect([...fake(h).charges.values()].filter((c) => c.reference === state.transactions[0]!.reference)).toHaveLength(1);
  });

  it('the database itself refuses a second open transaction for an order', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    await pay(h, payRequest(order, phone));
    const insert = h.sql`insert into payment_transactions (store_id, order_id, reference, amount, currency, status, attempt)
                         values (${shop.storeId}, ${order.orderId}, ${`manual-${order.orderId}`}, 1, 'UGX', 'pending', 9)`;
    await expect(insert).rejects.toThrow(/payment_transactions_one_open_per_order/);
  });

  it.each([
    ['the amount differs from the order total', { amount: '1.00' }, 'amount: must equal the order total 7500.50'],
    ['the currency differs', { currency: 'KES' }, "currency: must be the order's currency UGX"],
    ['the country differs', { country: 'KE' }, 'country: this store charges mobile money in UG'],
    ['the phone is not E.164', { customerPhone: '0772000001' }, 'customerPhone: E.164'],
    ['the phone is from another country', { customerPhone: '+254712345678' }, 'customerPhone: must be a UG number (+256…)'],
    ['the network is not offered', { network: 'SAFARICOM' }, 'network: SAFARICOM is not offered in UG'],
    ['the amount is negative', { amount: -5 }, 'amount: must be more than 0'],
    ['the order id is missing', { orderId: undefined }, 'orderId:'],
    ['the e-mail is malformed', { customerEmail: 'not-an-email' }, 'customerEmail:'],
  ])('400 with a JSON error when %s, and nothing is charged', async (_case, overrides, expected) => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    const calls = fake(h).totalCalls();
    const result = await pay(h, payRequest(order, phone, overrides));
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('Invalid payment request');
    expect((result.body.details as string[]).join('\n')).toContain(expected);
    expect((await moneyState(h, shop, order.orderId)).transactions).toEqual([]);
    expect(fake(h).totalCalls()).toBe(calls);
  });

  it('400 for a body that is not JSON, 405 for other methods', async () => {
    const response = await fetch(paymentUrl(h), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Body is not valid UTF-8 JSON' });
    expect((await fetch(paymentUrl(h), { method: 'DELETE' })).status).toBe(405);
  });

  it("nobody pays or alters another customer's order by guessing: wrong token and unknown order get the same 404", async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    const other = await checkoutInChat(h, shop, newCustomer(), ['ADD MUG 1']);
    const calls = fake(h).totalCalls();
    const wrongToken = await pay(h, payRequest(order, phone, { token: other.token }));
    const unknown = await pay(h, payRequest(order, phone, { orderId: '00000000-0000-4000-8000-000000000000' }));
    expect(wrongToken).toEqual({ status: 404, body: { error: 'No order matches this payment link' } });
    expect(unknown).toEqual(wrongToken);
    const look = await fetch(`${paymentUrl(h)}?order=${order.orderId}&token=${other.token}`);
    expect(look.status).toBe(404);
    expect((await moneyState(h, shop, order.orderId)).transactions).toEqual([]);
    expect(fake(h).totalCalls()).toBe(calls);
  });

  it('lets only the shop site call it from a browser (CORS)', async () => {
    const preflight = await fetch(paymentUrl(h), {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example.test');
    const foreign = await fetch(paymentUrl(h), {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('GET with the link shows the order and its payment to the payment page', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD TEE 1']);
    const look = await (await fetch(`${paymentUrl(h)}?order=${order.orderId}&token=${order.token}`)).json();
    expect(look).toMatchObject({
      order_number: order.orderNumber,
      order_status: 'pending',
      amount: '25000.00',
      currency: 'UGX',
      country: 'UG',
      payment: null,
    });
  });

  it('refuses an order that is no longer pending (409)', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    await h.sql`update orders set status = 'cancelled' where id = ${order.orderId}`;
    const result = await pay(h, payRequest(order, phone));
    expect(result.status).toBe(409);
    expect(result.body.error).toBe(`Order ${order.orderNumber} is cancelled; only a pending order can be paid`);
  });

  it('a declined payment: transaction failed with the reason, order still pending, customer told; a new attempt can start', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    const started = await pay(h, payRequest(order, phone));
    const charge = fake(h).charges.get(String(started.body.charge_id))!;
    fake(h).complete(charge.id, 'failed', 'Insufficient funds');
    expect(await postWebhook(h, v4Webhook(charge, 'failed'))).toMatchObject({ status: 200, body: { outcome: 'failed' } });

    const notice = await waitFor('the failure notice', async () =>
      (await moneyState(h, shop, order.orderId)).notices.find((n) => n.status === 'accepted' && n.whatsapp_message_id),
    );
    expect(notice.body).toContain(`Your payment for order ${order.orderNumber} did not go through (Insufficient funds)`);
    const state = await moneyState(h, shop, order.orderId);
    expect(state.transactions).toEqual([expect.objectContaining({ status: 'failed', failure_reason: 'Insufficient funds' })]);
    expect(state.orderStatus).toBe('pending');
    expect(state.ledger).toEqual([]);
    expect(noticesTo(phone)).toEqual([notice.body]);
    expect(await say('STATUS')).toContain(
      'Payment: failed (Insufficient funds). Open the payment link from your order message to try again.',
    );

    const retry = await pay(h, payRequest(order, phone));
    expect(retry.status).toBe(201);
    expect(retry.body.charge_id).not.toBe(charge.id);
    expect((await moneyState(h, shop, order.orderId)).transactions.map((t) => [t.attempt, t.status])).toEqual([
      [1, 'failed'],
      [2, 'pending'],
    ]);
  });

  it('Flutterwave refusing the charge fails the attempt with its message (502), and the order can be paid again', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    fake(h).failNext('charges', 400, 'Invalid phone number for network');
    const refused = await pay(h, payRequest(order, phone));
    expect(refused.status).toBe(502);
    expect(refused.body.error).toContain('Invalid phone number for network');
    expect((await moneyState(h, shop, order.orderId)).transactions).toEqual([
      expect.objectContaining({ status: 'failed', failure_reason: expect.stringContaining('Invalid phone number') }),
    ]);
    expect((await pay(h, payRequest(order, phone))).status).toBe(201);
  });

  it('Flutterwave not answering keeps the attempt; the retry resumes it under the same idempotency key (one charge)', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    fake(h).failNext('charges', 503, 'Service unavailable');
    expect((await pay(h, payRequest(order, phone))).status).toBe(502);
    const retry = await pay(h, payRequest(order, phone));
    expect(retry.status).toBe(201);
    const state = await moneyState(h, shop, order.orderId);
    expect(state.transactions).toEqual([expect.objectContaining({ status: 'pending', attempt: 1, flw_charge_id: retry.body.charge_id })]);
  });

  it('a v3 store: POST /v3/charges with a redirect, a verif-hash webhook, the same settlement', async () => {
    const v3Shop = await createShop(h.sql, 'pay-v3', [{ sku: 'TEE', name: 'Tee', price: '25000.00' }]);
    await enablePayments(h, v3Shop, { apiVersion: 'v3' });
    const order = await checkoutInChat(h, v3Shop, phone, ['ADD TEE 1']);
    fake(h).resetCounters();
    const started = await pay(h, payRequest(order, phone, { customerEmail: 'ann@example.test' }));
    expect(started.status).toBe(201);
    expect(started.body.next_action).toEqual({ type: 'redirect', url: expect.stringContaining('https://checkout.flutterwave.test/') });
    expect(fake(h).calls).toMatchObject({ 'v3-charge': 1, token: 0, customers: 0, charges: 0 });

    const charge = fake(h).charges.get(String(started.body.charge_id))!;
    expect(charge).toMatchObject({ version: 'v3', amount: 25000, currency: 'UGX', phone });
    fake(h).complete(charge.id, 'succeeded');
    expect(await postWebhook(h, v3Webhook(charge), 'v3')).toMatchObject({ status: 200, body: { outcome: 'succeeded' } });
    const state = await moneyState(h, v3Shop, order.orderId);
    expect(state.orderStatus).toBe('processing');
    expect(state.ledger).toEqual([{ amount: '25000.00', entry_type: 'payment' }]);
    expect(state.balance).toBe('25000.00');
    expect(fake(h).calls['v3-verify']).toBe(1);
  });

  it('STATUS and TRACK follow the payment and then the delivery', async () => {
    const order = await checkoutInChat(h, shop, phone, ['ADD MUG 1']);
    expect(await say('STATUS')).toContain('Payment: not started yet. Use the payment link from your order message.');
    const started = await pay(h, payRequest(order, phone));
    expect(await say(`TRACK ${order.orderNumber}`)).toBe(
      [
        `Order ${order.orderNumber}: pending.`,
        'Payment: UGX 7,500.50 waiting for your approval on your phone.',
        'Delivery: not scheduled yet.',
      ].join('\n'),
    );
    const charge = fake(h).charges.get(String(started.body.charge_id))!;
    fake(h).complete(charge.id, 'succeeded');
    await postWebhook(h, v4Webhook(charge));
    // The confirmation goes out after the webhook answers; wait for it so TRACK's answer is the last reply.
    await waitFor('the confirmation', async () =>
      (await moneyState(h, shop, order.orderId)).notices.find((n) => n.status === 'accepted' && n.whatsapp_message_id),
    );
    await h.sql`insert into deliveries (store_id, order_id, status, carrier, tracking_number)
                values (${shop.storeId}, ${order.orderId}, 'dispatched', 'SafeBoda', 'SB-9')`;
    const tracking = await say(`TRACK ${order.orderNumber}`);
    expect(tracking).toContain(`Order ${order.orderNumber}: processing.`);
    expect(tracking).toMatch(/Payment: UGX 7,500\.50 received /);
    expect(tracking).toContain('Delivery: dispatched.');
    expect(tracking).toContain('Carrier: SafeBoda SB-9.');
    const status = await say('STATUS');
    expect(status).toContain('is processing.');
    expect(status).toContain('Delivery: dispatched.');
  });
});
