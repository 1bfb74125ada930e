import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import {
  type CheckedOut,
  checkoutInChat,
  enablePayments,
  fake,
  pay,
  payRequest,
  postWebhook,
  reconcile,
  v4Webhook,
  waitFor,
} from './support/payments';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)(
  'secrets stay secret: no token in any table a tenant reads, in the realtime feed or in a log line',
  () => {
    let h: Harness;
    let shop: Shop;
    let order: CheckedOut;
    let customer: string;

    beforeAll(async () => {
      h = await startHarness();
      shop = await createShop(h.sql, 'secret-shop', [{ sku: 'MUG', name: 'Mug', price: '7500.00' }]);
      await enablePayments(h, shop);
      customer = newCustomer();
      // Everything that touches a secret: CHECKOUT, the subscription check, a refused send, paying, settling, reconciling.
      order = await checkoutInChat(h, shop, customer, ['ADD MUG 1']);
      await fetch(`${h.webhookUrl}?hub.mode=subscribe&hub.verify_token=${shop.verifyToken}&hub.challenge=7`);
      const started = await pay(h, payRequest(order, customer));
      expect(started.status).toBe(201);
      const charge = fake(h).charges.get(String(started.body.charge_id))!;
      fake(h).complete(charge.id, 'succeeded');
      expect((await postWebhook(h, v4Webhook(charge))).body.outcome).toBe('succeeded');
      await reconcile(h, { older_than_seconds: 0 });
      await waitFor('the payment notice to be sent', async () => h.replies(customer).some((reply) => reply.startsWith('Payment received')));
      const unlucky = newCustomer();
      h.stack.graph!.failFor(unlucky);
      await checkoutInChat(h, shop, unlucky, ['ADD MUG 1']).catch(() => null);
    });
    afterAll(async () => {
      await h?.stop();
    });

    const secrets = () => ({
      'payment link token': order.token,
      'Graph API access token': h.stack.graphApiToken,
      'app secret': h.stack.appSecret,
      'Flutterwave secret hash': h.stack.flutterwaveSecretHash,
      'reconcile secret': h.stack.reconcileSecret,
      'webhook verify token': shop.verifyToken,
    });

    /** Every table of the public and auth schemas, as text; the channel's own verify token column is the owner's setting and is left out. */
    async function tablesContaining(sql: postgres.Sql, secret: string): Promise<string[]> {
      const tables = await sql<{ schema: string; name: string }[]>`
      select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'auth') and c.relkind in ('r', 'p') order by 1, 2`;
      expect(tables.length).toBeGreaterThan(20);
      const found: string[] = [];
      for (const { schema, name } of tables) {
        const row = name === 'business_channel_settings' ? `(to_jsonb(t) - 'webhook_verify_token')::text` : 't::text';
        const [hit] = await sql.unsafe<{ n: number }[]>(
          `select count(*)::int as n from ${schema}.${JSON.stringify(name)} t where strpos(${row}, $1) > 0`,
          [secret],
        );
        if (hit!.n > 0) found.push(`${schema}.${name}`);
      }
      return found;
    }

    it('the CHECKOUT reply reached the customer with its payment link', () => {
      expect(order.paymentUrl).toContain(`token=${order.token}`);
      expect(h.replies(customer).some((reply) => reply.includes(order.token))).toBe(true);
    });

    it('no table holds any of the secrets, the payment link token included', async () => {
      const leaks: string[] = [];
      for (const [label, secret] of Object.entries(secrets())) {
        for (const table of await tablesContaining(h.sql, secret)) leaks.push(`${label} in ${table}`);
      }
      expect(leaks).toEqual([]);
    });

    it('the logged CHECKOUT reply, which Realtime streams to the store, keeps the link with its token redacted', async () => {
      const published = await h.sql<
        { tablename: string }[]
      >`select tablename from pg_publication_tables where pubname = 'supabase_realtime'`;
      expect(published.map((t) => t.tablename)).toContain('messaging_log');
      const [logged] = await h.sql<{ body: string }[]>`
      select message_payload -> 'text' ->> 'body' as body from messaging_log
      where store_id = ${shop.storeId} and customer_phone = ${customer} and message_payload -> 'text' ->> 'body' like 'Order % is placed%'`;
      expect(logged!.body).toContain(`Pay now: ${h.stack.publicSiteUrl}/api/payments/initiate?order=${order.orderId}&token=[redacted]\n`);
    });

    it('no log line of any function holds any of the secrets', () => {
      const output = h.stack.functions.output();
      expect(output.length).toBeGreaterThan(0);
      const leaks = Object.entries(secrets())
        .filter(([, secret]) => output.includes(secret))
        .map(([label]) => label);
      expect(leaks).toEqual([]);
    });
  },
);
