import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { change, delivery, status, text } from './support/meta';
import { type CuttingProxy, startCuttingProxy } from './support/cutting-proxy';
import { holdLock } from './support/held-lock';
import { enablePayments, flutterwaveSignature, v4Webhook } from './support/payments';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

/**
 * Each function served alone, as its own instance runs on Supabase: nothing another
 * function loads can protect it. Its connections to Postgres go through a proxy that cuts
 * them while a request's transaction waits in Postgres, with no error from Postgres
 * first, as a network drop or a pooler restart does. postgres.js 3.4.9 then writes the
 * transaction's ROLLBACK to the closed connection from a setImmediate and throws outside
 * any await (porsager/postgres#1154, #1208), which ends the instance unless the guard
 * `createDb` installs catches it. The request must get a clean error, and the instance
 * must go on serving. The webhook's case is that transaction (a message and a status are
 * stored together) and process-payment's reservation: without the guard either instance
 * dies and its case fails. flutterwave-webhook and reconcile-payments write in single
 * statements, so a cut there is only ever a rejected query.
 */
interface Case {
  fn: string;
  /** The table the request's first query waits on while the test holds it. */
  table: string;
  prepare?(h: Harness, shop: Shop): Promise<void>;
  request(h: Harness, shop: Shop): Promise<Response>;
}

/** A pending order of 10 UGX and its payment link's token, as CHECKOUT leaves them. */
async function pendingOrder(h: Harness, shop: Shop): Promise<{ orderId: string; token: string }> {
  const token = `token-${randomUUID()}`;
  const [order] = await h.sql<{ id: string }[]>`
    insert into orders (store_id, status, customer_phone, source, items, subtotal_amount, total_amount, currency, payment_token_hash)
    values (${shop.storeId}, 'pending', '256700000001', 'whatsapp', ${h.sql.json([{ sku: 'MUG', name: 'Mug', quantity: 1, unit_price: '10.00', line_total: '10.00' }])}, 10, 10, 'UGX', sha256(convert_to(${token}, 'UTF8')))
    returning id`;
  return { orderId: order!.id, token };
}

const cases: Case[] = [
  {
    fn: 'whatsapp-webhook',
    table: 'messaging_log',
    // A message and a status: stored in one transaction.
    request: (h, shop) => {
      const customer = newCustomer();
      return h.post(
        delivery([change(shop.phoneNumberId, { messages: [text(customer, 'HELP')], statuses: [status('wamid.none', 'read', customer)] })]),
      );
    },
  },
  {
    fn: 'flutterwave-webhook',
    table: 'payment_transactions',
    request: (h) => {
      const raw = JSON.stringify(v4Webhook({ id: 'chg_dropped', reference: 'ref-dropped', amount: 5, currency: 'UGX' }));
      return fetch(`${h.stack.functionsUrl}/flutterwave-webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'flutterwave-signature': flutterwaveSignature(raw, h.stack.flutterwaveSecretHash) },
        body: raw,
      });
    },
  },
  {
    fn: 'process-payment',
    // Its reservation is a transaction: the order's row lock, then the open payments.
    table: 'payment_transactions',
    prepare: (h, shop) => enablePayments(h, shop),
    request: async (h, shop) => {
      const { orderId, token } = await pendingOrder(h, shop);
      const body = { orderId, token, amount: '10.00', currency: 'UGX', country: 'UG', customerPhone: '+256700000001', network: 'MTN' };
      return fetch(`${h.stack.functionsUrl}/process-payment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    },
  },
  {
    fn: 'reconcile-payments',
    table: 'payment_transactions',
    request: (h) =>
      fetch(`${h.stack.functionsUrl}/reconcile-payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-reconcile-secret': h.stack.reconcileSecret },
        body: '{}',
      }),
  },
];

describe.skipIf(!backend.available).each(cases)(
  '$fn alone: its database connections cut mid-transaction',
  ({ fn, table, prepare, request }) => {
    let h: Harness;
    let shop: Shop;
    let proxy: CuttingProxy | undefined;

    beforeAll(async () => {
      h = await startHarness({
        onlyFunctions: [fn],
        functionsDatabaseUrl: async (url) => {
          proxy = await startCuttingProxy(url);
          return proxy.url;
        },
      });
      shop = await createShop(h.sql, `dropped-${fn}`, [{ sku: 'MUG', name: 'Mug', price: '10.00' }]);
      await prepare?.(h, shop);
    });
    afterAll(async () => {
      await h?.stop();
      await proxy?.stop();
    });

    it('answers that request with a clean JSON error and keeps serving the next ones', async () => {
      const lock = await holdLock(h.stack.databaseUrl, (tx) => tx.unsafe(`lock table public.${table} in access exclusive mode`));
      let answer: Response;
      try {
        const pending = request(h, shop);
        // Cut once the request's transaction is waiting in Postgres.
        const deadline = Date.now() + 10_000;
        let waiting = 0;
        while (!waiting && Date.now() < deadline) {
          const [row] = await h.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where application_name = 'edge-functions' and wait_event_type = 'Lock'`;
          waiting = row!.n;
          if (!waiting) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(waiting).toBeGreaterThan(0);
        expect(proxy!.cutAll()).toBeGreaterThan(0);
        answer = await pending;
      } finally {
        await lock.release();
      }
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(await answer.json()).toEqual({ error: expect.any(String) });

      // The same instance answers again, through new connections: a crashed one would refuse the request.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await request(h, shop);
      expect(again.status).toBeLessThan(500);
      expect(h.stack.functions.output()).not.toMatch(/Uncaught|error: /);
    });
  },
);
