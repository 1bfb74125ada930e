import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeCharge } from '../dev/fake-flutterwave';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import {
  type CheckedOut,
  checkoutInChat,
  enablePayments,
  fake,
  flutterwaveSignature,
  moneyState,
  pay,
  payRequest,
  postWebhook,
  reconcile,
  v3Webhook,
  v4Webhook,
  waitFor,
} from './support/payments';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)(
  'flutterwave-webhook and reconciliation: value given once, and only when Flutterwave confirms it',
  () => {
    let h: Harness;
    let shop: Shop;
    let phone: string;

    beforeAll(async () => {
      h = await startHarness();
      shop = await createShop(h.sql, 'flw-duka', [
        { sku: 'MUG', name: 'Mug', price: '7500.50' },
        { sku: 'TEE', name: 'Tee', price: '25000.00' },
      ]);
      await enablePayments(h, shop);
    });
    afterAll(async () => {
      await h?.stop();
    });
    beforeEach(() => {
      phone = newCustomer();
    });

    /** A customer who checked out and started paying; the charge waits for approval at Flutterwave. */
    async function pendingPayment(adds = ['ADD MUG 1']): Promise<{ order: CheckedOut; charge: FakeCharge; customer: string }> {
      const customer = phone;
      const order = await checkoutInChat(h, shop, customer, adds);
      const started = await pay(h, payRequest(order, customer));
      expect(started.status).toBe(201);
      return { order, charge: fake(h).charges.get(String(started.body.charge_id))!, customer };
    }
    const balance = async () =>
      Number(
        (
          await h.sql<{ b: string }[]>`
    select coalesce((select available_balance from store_balances where store_id = ${shop.storeId} and currency = 'UGX'), 0)::text as b`
        )[0]!.b,
      );
    const confirmations = (to: string) => h.replies(to).filter((reply) => reply.startsWith('Payment received'));
    /** Everything a store owner or customer could notice. */
    const snapshot = async (orderId: string, to: string) => ({
      ...(await moneyState(h, shop, orderId)),
      balance: await balance(),
      replies: h.replies(to).length,
    });

    it('the same webhook delivered 10 times, and another 5 times at once, credits each payment once', async () => {
      const start = await balance();
      const a = await pendingPayment(['ADD MUG 2']);
      fake(h).complete(a.charge.id, 'succeeded');
      const sequential = [];
      for (let i = 0; i < 10; i++) sequential.push(await postWebhook(h, v4Webhook(a.charge)));
      expect(sequential.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(sequential.map((r) => r.body.outcome)).toEqual(['succeeded', ...Array(9).fill('already_settled')]);

      phone = newCustomer();
      const b = await pendingPayment(['ADD TEE 1']);
      fake(h).complete(b.charge.id, 'succeeded');
      const payload = v4Webhook(b.charge);
      const concurrent = await Promise.all(Array.from({ length: 5 }, () => postWebhook(h, payload)));
      expect(concurrent.map((r) => r.status)).toEqual(Array(5).fill(200));
      expect(concurrent.filter((r) => r.body.outcome === 'succeeded')).toHaveLength(1);

      for (const { order, customer } of [a, b]) {
        await waitFor('the confirmation', async () =>
          (await moneyState(h, shop, order.orderId)).notices.find((n) => n.whatsapp_message_id),
        );
        const state = await moneyState(h, shop, order.orderId);
        expect(state.orderStatus).toBe('processing');
        expect(state.transactions.map((t) => t.status)).toEqual(['succeeded']);
        expect(state.ledger).toHaveLength(1);
        expect(state.notices).toHaveLength(1);
        expect(confirmations(customer)).toHaveLength(1);
      }
      expect((await balance()) - start).toBeCloseTo(15001 + 25000, 2);
    });

    it('a v3 delivery (verif-hash, tx_ref, "successful") for the same charge changes nothing more', async () => {
      const { order, charge, customer } = await pendingPayment();
      fake(h).complete(charge.id, 'succeeded');
      expect((await postWebhook(h, v4Webhook(charge))).body.outcome).toBe('succeeded');
      const before = await snapshot(order.orderId, customer);
      // A delivery naming our reference only: found by reference, already settled.
      const replay = await postWebhook(
        h,
        { event: 'charge.completed', data: { id: 123, tx_ref: before.transactions[0]!.reference, status: 'successful' } },
        'v3',
      );
      expect(replay).toMatchObject({ status: 200, body: { outcome: 'already_settled' } });
      await waitFor('the confirmation', async () => (await moneyState(h, shop, order.orderId)).notices.find((n) => n.whatsapp_message_id));
      expect((await moneyState(h, shop, order.orderId)).ledger).toHaveLength(1);
    });

    it.each([
      ['no signature header', () => ({})],
      ['an HMAC made with another secret', (raw: string) => ({ 'flutterwave-signature': flutterwaveSignature(raw, 'not-the-secret') })],
      ['an HMAC of a different body', () => ({ 'flutterwave-signature': flutterwaveSignature('{}', h.stack.flutterwaveSecretHash) })],
      ['the plain secret hash where an HMAC is required', () => ({ 'flutterwave-signature': h.stack.flutterwaveSecretHash })],
      ['a wrong verif-hash', () => ({ 'verif-hash': 'guess' })],
      ['a verif-hash differing in the last character', () => ({ 'verif-hash': `${h.stack.flutterwaveSecretHash.slice(0, -1)}x` })],
    ])('%s → 401 and nothing changes', async (_case, headersFor) => {
      await expectRefused(headersFor, 'Missing or invalid flutterwave-signature / verif-hash');
    });

    it('a v4 delivery vouched for only by the static verif-hash → 401 and nothing changes', async () => {
      await expectRefused(() => ({ 'verif-hash': h.stack.flutterwaveSecretHash }), 'A v4 webhook must carry flutterwave-signature');
    });

    async function expectRefused(headersFor: (raw: string) => Record<string, string>, error: string) {
      const { order, charge, customer } = await pendingPayment();
      fake(h).complete(charge.id, 'succeeded');
      const before = await snapshot(order.orderId, customer);
      const verifies = fake(h).calls['charge-get'];
      const payload = v4Webhook(charge);
      const response = await postWebhook(h, payload, { headers: headersFor(JSON.stringify(payload)) });
      expect(response).toEqual({ status: 401, body: { error } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await snapshot(order.orderId, customer)).toEqual(before);
      expect(before.transactions[0]!.status).toBe('pending');
      expect(fake(h).calls['charge-get']).toBe(verifies);
    }

    it.each([
      ['amount', { amount: 1 }, 'amount 1 instead of 7500.50'],
      ['currency', { currency: 'KES' }, 'currency KES instead of UGX'],
      ['reference', { reference: 'someone-elses-reference' }, 'reference someone-elses-reference instead of'],
    ])(
      'Flutterwave reporting another %s → flagged for review, nothing credited, customer not told it is paid',
      async (_field, reported, reason) => {
        const { order, charge, customer } = await pendingPayment();
        fake(h).complete(charge.id, 'succeeded');
        fake(h).tamper(charge.id, reported);
        const start = await balance();
        // The webhook body itself claims the right amount: only the re-fetched charge counts.
        const response = await postWebhook(h, v4Webhook(charge));
        expect(response).toMatchObject({ status: 200, body: { outcome: 'needs_review', status: 'needs_review' } });
        const state = await moneyState(h, shop, order.orderId);
        expect(state.transactions).toEqual([
          expect.objectContaining({ status: 'needs_review', review_reason: expect.stringContaining(reason) }),
        ]);
        expect(state.orderStatus).toBe('pending');
        expect(state.ledger).toEqual([]);
        expect(state.notices).toEqual([]);
        expect(await balance()).toBe(start);
        expect(confirmations(customer)).toEqual([]);
        // A replay after the flag changes nothing either; a new charge for the order is refused while it is reviewed.
        expect((await postWebhook(h, v4Webhook(charge))).body.outcome).toBe('already_settled');
        expect((await pay(h, payRequest(order, customer))).status).toBe(409);
      },
    );

    it('a webhook for a charge that is not ours is acknowledged and changes nothing', async () => {
      const response = await postWebhook(h, v4Webhook({ id: 'chg_unknown', reference: 'not-ours', amount: 5, currency: 'UGX' }));
      expect(response).toEqual({ status: 200, body: { ignored: 'no transaction with this charge id or reference' } });
    });

    it('malformed bodies are 400 after the signature check; other events are acknowledged', async () => {
      expect((await postWebhook(h, { hello: 'world' })).status).toBe(400);
      expect(await postWebhook(h, { type: 'transfer.completed', data: { id: 'trf_1' } })).toEqual({
        status: 200,
        body: { ignored: 'event transfer.completed' },
      });
    });

    it('when Flutterwave cannot be asked, the webhook answers 502 (so it is retried) and nothing is applied', async () => {
      const { order, charge } = await pendingPayment();
      fake(h).complete(charge.id, 'succeeded');
      fake(h).failNext('charge-get', 500, 'Internal server error');
      expect((await postWebhook(h, v4Webhook(charge))).status).toBe(502);
      expect((await moneyState(h, shop, order.orderId)).transactions[0]!.status).toBe('pending');
      expect((await postWebhook(h, v4Webhook(charge))).body.outcome).toBe('succeeded');
    });

    it('a webhook for a charge Flutterwave has no record of answers 422 (bad input, not an outage) and changes nothing', async () => {
      const { order, charge, customer } = await pendingPayment();
      const before = await snapshot(order.orderId, customer);
      // Flutterwave's lookup answers 404 for it: a forged or misrouted delivery.
      fake(h).charges.delete(charge.id);
      const response = await postWebhook(h, v4Webhook(charge));
      expect(response).toEqual({
        status: 422,
        body: expect.objectContaining({ error: expect.stringContaining('Flutterwave has no record') }),
      });
      expect(await snapshot(order.orderId, customer)).toEqual(before);
    });

    it('a lost webhook is settled by reconciliation, the same way', async () => {
      const { order, charge, customer } = await pendingPayment();
      fake(h).complete(charge.id, 'succeeded');
      expect((await reconcile(h, {}, null)).status).toBe(401);
      expect((await reconcile(h, {}, 'wrong-secret-wrong-secret')).status).toBe(401);

      // Younger than RECONCILE_PENDING_AFTER_SECONDS (15 min by default): left to the webhook.
      const young = await reconcile(h);
      expect(young.status).toBe(200);
      expect((await moneyState(h, shop, order.orderId)).transactions[0]!.status).toBe('pending');

      await h.sql`update payment_transactions set created_at = now() - interval '20 minutes' where order_id = ${order.orderId}`;
      const start = await balance();
      const run = await reconcile(h);
      expect(run.status).toBe(200);
      expect(run.body.succeeded).toBeGreaterThanOrEqual(1);
      await waitFor('the confirmation', async () => (await moneyState(h, shop, order.orderId)).notices.find((n) => n.whatsapp_message_id));
      const state = await moneyState(h, shop, order.orderId);
      expect(state.orderStatus).toBe('processing');
      expect(state.transactions[0]!.status).toBe('succeeded');
      expect(state.ledger).toHaveLength(1);
      expect((await balance()) - start).toBeCloseTo(7500.5, 2);
      expect(confirmations(customer)).toHaveLength(1);

      // The webhook arriving late, and another reconciliation, change nothing.
      expect((await postWebhook(h, v4Webhook(charge))).body.outcome).toBe('already_settled');
      await reconcile(h);
      expect((await moneyState(h, shop, order.orderId)).ledger).toHaveLength(1);
      expect(confirmations(customer)).toHaveLength(1);
    });

    it('webhooks and reconciliation racing for the same payment credit it once', async () => {
      const { order, charge, customer } = await pendingPayment(['ADD TEE 1']);
      fake(h).complete(charge.id, 'succeeded');
      await h.sql`update payment_transactions set created_at = now() - interval '1 hour' where order_id = ${order.orderId}`;
      const start = await balance();
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => postWebhook(h, v4Webhook(charge))),
        reconcile(h),
        postWebhook(h, v3Webhook({ ...charge, id: '0' }), 'v3'),
        reconcile(h),
      ]);
      expect(results.map((r) => r.status)).toEqual(Array(7).fill(200));
      await waitFor('the confirmation', async () => (await moneyState(h, shop, order.orderId)).notices.find((n) => n.whatsapp_message_id));
      const state = await moneyState(h, shop, order.orderId);
      expect(state.ledger).toHaveLength(1);
      expect(state.notices).toHaveLength(1);
      expect((await balance()) - start).toBeCloseTo(25000, 2);
      expect(confirmations(customer)).toHaveLength(1);
    });

    it('reconciliation leaves still-pending charges pending and records a declined one as failed', async () => {
      const stillPending = await pendingPayment();
      phone = newCustomer();
      const declined = await pendingPayment();
      fake(h).complete(declined.charge.id, 'failed', 'Transaction declined by customer');
      await h.sql`update payment_transactions set created_at = now() - interval '1 hour'
                where order_id in (${stillPending.order.orderId}, ${declined.order.orderId})`;
      const run = await reconcile(h);
      expect(run.body).toMatchObject({ errors: 0 });
      expect((await moneyState(h, shop, stillPending.order.orderId)).transactions[0]!.status).toBe('pending');
      const state = await moneyState(h, shop, declined.order.orderId);
      expect(state.transactions[0]).toMatchObject({ status: 'failed', failure_reason: 'Transaction declined by customer' });
      expect(state.orderStatus).toBe('pending');
    });

    it('the access token is reused while valid and refreshed when expired or rejected', async () => {
      const flw = fake(h);
      flw.setTokenLifetime(600);
      flw.revokeTokens();
      flw.resetCounters();
      await pendingPayment();
      expect(flw.calls.token).toBe(1);
      const rejectedSoFar = flw.unauthorized;
      const customersSoFar = flw.calls.customers;
      phone = newCustomer();
      await pendingPayment();
      // Three more authenticated calls, none refused, no new token.
      expect(flw.calls.customers).toBe(customersSoFar + 1);
      expect(flw.calls.token).toBe(1);
      expect(flw.unauthorized).toBe(rejectedSoFar);

      // Revoked early (Flutterwave answers 401): one refresh, the payment still goes through.
      flw.setTokenLifetime(61);
      flw.revokeTokens();
      const unauthorized = flw.unauthorized;
      phone = newCustomer();
      await pendingPayment();
      expect(flw.unauthorized).toBe(unauthorized + 1);
      const afterRefresh = flw.calls.token;
      expect(afterRefresh).toBeGreaterThanOrEqual(2);

      // A token within a minute of its expiry is not used: refreshed before calling, never a 401.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      phone = newCustomer();
      await pendingPayment();
      expect(flw.calls.token).toBeGreaterThan(afterRefresh);
      expect(flw.unauthorized).toBe(unauthorized + 1);
      flw.setTokenLifetime(600);
    });

    it('a v3 webhook for a v3 store is verified with /v3/transactions/{id}/verify', async () => {
      const v3Shop = await createShop(h.sql, 'flw-v3', [{ sku: 'MUG', name: 'Mug', price: '7500.50' }]);
      await enablePayments(h, v3Shop, { apiVersion: 'v3' });
      const order = await checkoutInChat(h, v3Shop, phone, ['ADD MUG 1']);
      const started = await pay(h, payRequest(order, phone));
      const charge = fake(h).charges.get(String(started.body.charge_id))!;
      fake(h).complete(charge.id, 'succeeded');
      fake(h).tamper(charge.id, { amount: 7000 });
      expect((await postWebhook(h, v3Webhook(charge), 'v3')).body.outcome).toBe('needs_review');
    });
  },
);
