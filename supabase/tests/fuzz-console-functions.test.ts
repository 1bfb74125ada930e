import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptToken, importTokenKey } from '../functions/_shared/cloud-api-token.ts';
import { fuzzParameters, hostileJson, hostileString, invalidScalar, publicRowCount, show } from './support/fuzz';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { approved } from './support/cloud-api';
import { text } from './support/meta';
import { type CheckedOut, checkoutInChat, enablePayments } from './support/payments';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

/**
 * The functions the console and pg_cron call: send-reply, order-action, queue-whatsapp,
 * process-whatsapp-queue and sync-whatsapp-templates. Each gets hostile bodies shaped
 * around a valid request, with the right credentials: never a 5xx, and a refused request
 * (4xx, or a queue request that queued nobody) writes nothing. Without credentials,
 * every one is a 401 that writes nothing.
 */
describe.skipIf(!backend.available)('console and cron functions under fuzzing: no 5xx for any input, nothing written when refused', () => {
  let h: Harness;
  let shop: Shop;
  let ownerJwt: string;
  let organizationId: string;
  let configId: string;
  let templateId: string;
  let customer: string;
  let order: CheckedOut;
  const url = (name: string) => `${h.stack.functionsUrl}/${name}`;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'fuzz-console', [{ sku: 'MUG', name: 'Mug', price: '7500.00', stock: 1000 }]);
    await enablePayments(h, shop);
    customer = newCustomer();
    order = await checkoutInChat(h, shop, customer, ['ADD MUG 1']);
    expect((await h.deliver(shop, { messages: [text(customer, 'HELP')] })).status).toBe(200);
    const [store] = await h.sql<{ organization_id: string }[]>`select organization_id from store_settings where id = ${shop.storeId}`;
    organizationId = store!.organization_id;
    const owner = await h.stack.gotrue.createUser(`fuzz-owner-${randomUUID().slice(0, 8)}@example.test`, `pw-${randomUUID()}`);
    await h.sql`insert into organization_members (organization_id, user_id, role) values (${organizationId}, ${owner.id}, 'owner')`;
    ownerJwt = await h.stack.gotrue.issueAccessToken(owner.id);
    const businessAccountId = `waba${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const [config] = await h.sql<{ id: string }[]>`
      insert into whatsapp_config (organization_id, phone_number_id, business_account_id, access_token_encrypted, webhook_verify_token)
      values (${organizationId}, ${String(200_000_000_000 + Math.floor(Math.random() * 1e9))}, ${businessAccountId},
              ${await encryptToken(await importTokenKey(h.stack.cloudApiTokenKey), `EAAG-${randomUUID()}`)}, ${`verify-${randomUUID()}`})
      returning id`;
    configId = config!.id;
    h.stack.graph!.setTemplates(businessAccountId, [], [approved('fuzz_reminder', 'Hi {{1}}, we start {{2}}.')]);
    const synced = await fetch(url('sync-whatsapp-templates'), {
      method: 'POST',
      headers: { 'x-cron-secret': h.stack.cloudApiCronSecret },
    });
    expect(synced.status).toBe(200);
    const [template] = await h.sql<{ id: string }[]>`select id from whatsapp_templates where organization_id = ${organizationId}`;
    templateId = template!.id;
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  /** A valid request with some of its fields replaced by hostile values, some added, or none. */
  const around = (valid: () => Record<string, unknown>, fields: string[]) =>
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...fields), hostileString), fc.oneof(hostileJson, invalidScalar)), { maxLength: 3 })
      .map((changes) => Object.assign(valid(), Object.fromEntries(changes)));

  /** Posts each body with these headers: never a 5xx; a refusal leaves every table as it was. */
  const fuzz = async (
    name: string,
    headers: Record<string, string>,
    body: fc.Arbitrary<unknown>,
    numRuns: number,
    refused: (status: number, answer: string) => boolean = (status) => status >= 400,
  ) => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const raw = JSON.stringify(value) ?? 'null';
        const before = await publicRowCount(h.sql);
        const response = await fetch(url(name), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
        const answer = await response.text();
        expect(response.status, `${answer} for ${show(raw)}`).toBeLessThan(500);
        if (refused(response.status, answer)) expect(await publicRowCount(h.sql), `rows written for ${show(raw)}`).toBe(before);
        seen.add(response.status);
      }),
      fuzzParameters(numRuns),
    );
    return seen;
  };
  const signedIn = () => ({ authorization: `Bearer ${ownerJwt}` });

  it('send-reply: a store owner sending any body gets no 5xx, and a refused one writes nothing', async () => {
    const reply = () => ({ store_id: shop.storeId, customer_phone: customer, idempotency_key: randomUUID(), text: 'Thanks!' });
    const body = fc.oneof(
      around(reply, ['store_id', 'customer_phone', 'idempotency_key', 'text', 'template']),
      fc.record({ name: hostileString, language: hostileString, parameters: fc.array(hostileString, { maxLength: 3 }) }).map((template) => {
        const { text: _text, ...rest } = reply();
        return { ...rest, template };
      }),
      hostileString.map((t) => ({ ...reply(), text: t })),
      hostileJson,
    );
    const seen = await fuzz('send-reply', signedIn(), body, 400);
    expect([...seen]).toEqual(expect.arrayContaining([200, 400]));
  });

  it('order-action: a store owner sending any action gets no 5xx, and a refused one writes nothing', async () => {
    const action = () => ({ action: 'ship', order_id: order.orderId, expected_version: 0, eta: '2030-06-03T10:00:00Z' });
    const body = fc.oneof(
      around(action, ['action', 'order_id', 'expected_version', 'eta', 'carrier', 'tracking_number', 'outcome', 'note']),
      fc
        .record({ action: fc.constantFrom('ship', 'deliver', 'cancel', 'resolve_review'), note: hostileString, carrier: hostileString })
        .map((extra) => ({ ...action(), ...extra })),
      hostileJson,
    );
    const seen = await fuzz('order-action', signedIn(), body, 400);
    expect([...seen]).toEqual(expect.arrayContaining([400, 409]));
  });

  it('queue-whatsapp: an editor sending any body gets no 5xx, and one that queues nobody writes nothing', async () => {
    const request = () => ({
      organization_id: organizationId,
      config_id: configId,
      template_id: templateId,
      idempotency_key: `fuzz-${randomUUID()}`,
      recipients: [{ phone: newCustomer(), values: ['Amina', 'at 10:00'] }],
    });
    const body = fc.oneof(
      around(request, [
        'organization_id',
        'config_id',
        'template_id',
        'idempotency_key',
        'recipients',
        'campaign',
        'workshop_id',
        'priority',
      ]),
      fc
        .array(
          fc.record({
            phone: hostileString,
            name: fc.option(hostileString, { nil: undefined }),
            values: fc.array(hostileJson, { maxLength: 3 }),
          }),
          {
            maxLength: 3,
          },
        )
        .map((recipients) => ({ ...request(), recipients })),
      hostileJson,
    );
    // Refused: a 4xx, or an answer that queued nobody.
    const queuedNobody = (status: number, answer: string) => {
      if (status >= 400) return true;
      try {
        return ((JSON.parse(answer) as { queued?: unknown[] }).queued ?? []).length === 0;
      } catch {
        return true;
      }
    };
    const seen = await fuzz('queue-whatsapp', signedIn(), body, 400, queuedNobody);
    expect([...seen]).toEqual(expect.arrayContaining([200, 400]));
  });

  it('process-whatsapp-queue: pg_cron sending any options gets no 5xx, and refused options write nothing', async () => {
    const options = () => ({ max_seconds: 0, batch: 10, until_empty: false });
    const body = fc.oneof(around(options, ['max_seconds', 'batch', 'lease_seconds', 'until_empty']), hostileJson);
    const seen = await fuzz('process-whatsapp-queue', { 'x-cron-secret': h.stack.cloudApiCronSecret }, body, 200);
    expect([...seen]).toEqual(expect.arrayContaining([200, 400]));
  });

  it('sync-whatsapp-templates: an editor sending any body gets no 5xx, and a refused one writes nothing', async () => {
    const body = fc.oneof(
      around(() => ({ organization_id: organizationId }), ['organization_id']),
      hostileJson,
    );
    const seen = await fuzz('sync-whatsapp-templates', signedIn(), body, 200);
    expect([...seen]).toEqual(expect.arrayContaining([200, 400]));
  });

  it.each(['send-reply', 'order-action', 'queue-whatsapp', 'process-whatsapp-queue', 'sync-whatsapp-templates'])(
    '%s: any body without valid credentials is a 401 and writes nothing',
    async (name) => {
      await fc.assert(
        fc.asyncProperty(hostileJson, hostileString, async (value, credential) => {
          const raw = JSON.stringify(value) ?? 'null';
          const printable = `${credential.replace(/[^\x21-\x7e]/g, '')}x`;
          const before = await publicRowCount(h.sql);
          const response = await fetch(url(name), {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${printable}`, 'x-cron-secret': printable },
            body: raw,
          });
          expect(response.status, show(raw)).toBe(401);
          expect(await publicRowCount(h.sql)).toBe(before);
        }),
        fuzzParameters(100),
      );
    },
  );
});
