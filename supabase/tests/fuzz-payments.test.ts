import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters, hostileJson, hostileString, invalidScalar, publicRowCount, show } from './support/fuzz';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { type CheckedOut, checkoutInChat, enablePayments, flutterwaveSignature, payRequest } from './support/payments';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)(
  'payment functions under fuzzing: no 5xx for any input, nothing written without a valid request',
  () => {
    let h: Harness;
    let shop: Shop;
    let order: CheckedOut;
    let customer: string;
    const url = (name: string) => `${h.stack.functionsUrl}/${name}`;

    beforeAll(async () => {
      h = await startHarness();
      shop = await createShop(h.sql, 'fuzz-pay', [{ sku: 'MUG', name: 'Mug', price: '7500.00' }]);
      await enablePayments(h, shop);
      customer = newCustomer();
      order = await checkoutInChat(h, shop, customer, ['ADD MUG 1']);
    });
    afterAll(async () => {
      await h?.stop();
    });

    const field = fc.constantFrom(
      'orderId',
      'token',
      'amount',
      'currency',
      'country',
      'customerPhone',
      'network',
      'customerEmail',
      'customerName',
      'storeId',
      'extra',
    );

    it('process-payment: a request whose order or token is broken gets a 4xx and writes nothing, whatever else it holds', async () => {
      const request = fc.record({
        broken: fc.constantFrom('orderId', 'token'),
        brokenValue: fc.oneof(
          invalidScalar,
          hostileString.filter((s) => s !== order.token && s !== order.orderId),
        ),
        others: fc.array(fc.tuple(field, hostileJson), { maxLength: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ broken, brokenValue, others }) => {
          const body: Record<string, unknown> = payRequest(order, customer);
          for (const [name, v] of others) body[name] = v;
          body[broken] = brokenValue;
          const raw = JSON.stringify(body);
          const before = await publicRowCount(h.sql);
          const response = await fetch(url('process-payment'), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: raw,
          });
          const answer = await response.text();
          expect(response.status, `${answer} for ${show(raw)}`).toBeGreaterThanOrEqual(400);
          expect(response.status, `${answer} for ${show(raw)}`).toBeLessThan(500);
          expect(await publicRowCount(h.sql), `rows written for ${show(raw)}`).toBe(before);
        }),
        fuzzParameters(600),
      );
    });

    it('process-payment: never a 5xx for any body or query, even with the right order and token', async () => {
      const input = fc.record({
        raw: fc.option(hostileString),
        fields: fc.array(fc.tuple(field, hostileJson), { maxLength: 4 }),
        method: fc.constantFrom('POST', 'GET'),
        query: fc.array(fc.tuple(fc.constantFrom('order', 'token', 'x'), hostileString), { maxLength: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ raw, fields, method, query }) => {
          const body: Record<string, unknown> = payRequest(order, customer);
          for (const [name, v] of fields) body[name] = v;
          const params = new URLSearchParams({ order: order.orderId, token: order.token });
          for (const [name, v] of query) params.set(name, v);
          const response =
            method === 'GET'
              ? await fetch(`${url('process-payment')}?${params}`)
              : await fetch(url('process-payment'), {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: raw ?? JSON.stringify(body),
                });
          const answer = await response.text();
          expect(response.status, `${method} ${answer} for ${show(raw ?? JSON.stringify(body))} ?${params}`).toBeLessThan(500);
        }),
        fuzzParameters(500),
      );
    });

    const webhookBody = fc
      .record({
        version: fc.constantFrom('v4', 'v3'),
        event: fc.oneof(fc.constant('charge.completed'), hostileString),
        id: fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }).map(String), hostileJson),
        reference: fc.oneof(
          fc.uuid().map((u) => `WA-${u.replace(/-/g, '')}-1`),
          hostileJson,
        ),
        extra: fc.dictionary(hostileString, hostileJson, { maxKeys: 3 }),
      })
      .map(({ version, event, id, reference, extra }) =>
        version === 'v4'
          ? {
              webhook_id: 'wbk_fuzz',
              timestamp: Date.now(),
              type: event,
              data: { id, reference, amount: 7500, currency: 'UGX', status: 'succeeded', ...extra },
            }
          : { event, data: { id, tx_ref: reference, amount: 7500, currency: 'UGX', status: 'successful', ...extra } },
      );

    it('flutterwave-webhook: a signed delivery for no payment of ours is answered below 500 and writes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(webhookBody, async (payload) => {
          const raw = JSON.stringify(payload);
          const before = await publicRowCount(h.sql);
          const response = await fetch(url('flutterwave-webhook'), {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'flutterwave-signature': flutterwaveSignature(raw, h.stack.flutterwaveSecretHash),
            },
            body: raw,
          });
          const answer = await response.text();
          expect(response.status, `${answer} for ${show(raw)}`).toBeLessThan(500);
          expect(await publicRowCount(h.sql), `rows written for ${show(raw)}`).toBe(before);
        }),
        fuzzParameters(500),
      );
    });

    it('flutterwave-webhook: anything without a valid signature is a 401 and writes nothing', async () => {
      const auth = fc.oneof(
        fc.record({ 'flutterwave-signature': hostileString }),
        fc.record({ 'verif-hash': hostileString }),
        fc.constant({}),
      );
      await fc.assert(
        fc.asyncProperty(webhookBody, auth, async (payload, headers) => {
          const raw = JSON.stringify(payload);
          const sendable = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '')]));
          const before = await publicRowCount(h.sql);
          const response = await fetch(url('flutterwave-webhook'), {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...sendable },
            body: raw,
          });
          expect(response.status, show(raw)).toBe(401);
          expect(await publicRowCount(h.sql)).toBe(before);
        }),
        fuzzParameters(300),
      );
    });

    it('reconcile-payments: any body with the secret is a 200, 400 or 413; without it a 401', async () => {
      const body = fc.oneof(
        hostileString,
        hostileJson.map((v) => JSON.stringify(v)),
        fc.double().map((n) => JSON.stringify({ older_than_seconds: n })),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((n) => JSON.stringify({ older_than_seconds: n })),
        fc.constant('x'.repeat(5_000)),
      );
      await fc.assert(
        fc.asyncProperty(body, fc.boolean(), async (raw, withSecret) => {
          const response = await fetch(url('reconcile-payments'), {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(withSecret ? { 'x-reconcile-secret': h.stack.reconcileSecret } : {}) },
            body: raw,
          });
          const answer = await response.text();
          expect(withSecret ? [200, 400, 413] : [401], `${response.status} ${answer} for ${show(raw)}`).toContain(response.status);
        }),
        fuzzParameters(300),
      );
    });

    it('logged no failure while answering', () => {
      expect(h.stack.functions.output()).not.toMatch(/"event":"(request_failed|processing_failed|background_failed)"/);
    });
  },
);
