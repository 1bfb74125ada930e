import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { change, delivery, sign, status, text } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)('whatsapp-webhook: verification and refusing bad input', () => {
  let h: Harness;
  let shop: Shop;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'security-shop', [{ sku: 'MUG', name: 'Mug', price: '10.00' }]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const inboundCount = async () => (await h.sql<{ n: number }[]>`select count(*)::int as n from messaging_log`)[0]!.n;

  describe('GET subscription check', () => {
    const verify = (params: Record<string, string>) => fetch(`${h.webhookUrl}?${new URLSearchParams(params)}`);

    it("echoes the challenge as plain text when the token is the store's webhook_verify_token", async () => {
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': shop.verifyToken, 'hub.challenge': '1158201444' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('1158201444');
    });

    it("echoes the challenge for the verify token of an organisation's Cloud API number", async () => {
      const [org] = await h.sql<{ id: string }[]>`insert into organizations (name) values ('Cloud API org') returning id`;
      const token = `cloud-verify-${newCustomer()}`;
      await h.sql`insert into whatsapp_config (organization_id, phone_number_id, business_account_id, access_token_encrypted, webhook_verify_token)
                  values (${org!.id}, ${`9${newCustomer()}`}, 'waba1', 'v1:sealed', ${token})`;
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '4410' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('4410');
    });

    it('refuses a wrong token with 403', async () => {
      // A challenge no error text could contain by chance, so only an echo of it can fail this.
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': 'challenge-7f3a9c' });
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('challenge-7f3a9c');
    });

    it('refuses the token of a deactivated channel', async () => {
      const other = await createShop(h.sql, 'inactive-shop');
      await h.sql`update business_channel_settings set is_active = false where store_id = ${other.storeId}`;
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': other.verifyToken, 'hub.challenge': '1' });
      expect(response.status).toBe(403);
    });

    it('refuses a verify token carrying a NUL byte with 403, not an error', async () => {
      const response = await fetch(
        `${h.webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(`${shop.verifyToken}\u0000`)}&hub.challenge=1`,
      );
      expect(response.status).toBe(403);
    });

    it('answers 400 when the parameters are missing', async () => {
      expect((await verify({ 'hub.verify_token': shop.verifyToken, 'hub.challenge': '1' })).status).toBe(400);
      expect((await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1' })).status).toBe(400);
    });
  });

  describe('POST signature', () => {
    const body = () => JSON.stringify(delivery([change(shop.phoneNumberId, { messages: [text(newCustomer(), 'HELP')] })]));

    it.each([
      ['missing', null],
      ['signed with another secret', sign('x', 'wrong-secret')],
      ['not hex', `sha256=${'z'.repeat(64)}`],
      ['of another algorithm', `sha1=${'a'.repeat(40)}`],
    ])('answers 401 and writes nothing when the signature is %s', async (_label, signature) => {
      const before = await inboundCount();
      const response = await h.post(body(), { signature });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Missing or invalid X-Hub-Signature-256' });
      expect(await inboundCount()).toBe(before);
    });

    it('answers 401 when the body was changed after signing, even to equivalent JSON', async () => {
      const original = body();
      const reformatted = JSON.stringify(JSON.parse(original), null, 2);
      const response = await h.post(reformatted, { signature: sign(original, h.stack.appSecret) });
      expect(response.status).toBe(401);
    });

    it('checks the signature before parsing: unsigned junk is 401, not 400', async () => {
      expect((await h.post('not json', { signature: null })).status).toBe(401);
    });
  });

  describe('POST payload validation', () => {
    it('answers 400 for malformed JSON and writes nothing', async () => {
      const before = await inboundCount();
      const response = await h.post('{"object": "whatsapp_business_account", "entry": [');
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'Body is not valid UTF-8 JSON' });
      expect(await inboundCount()).toBe(before);
    });

    it('processes the valid message beside a malformed one, refuses the malformed one naming the problem, and answers 200', async () => {
      const before = await inboundCount();
      const customer = newCustomer();
      const good = change(shop.phoneNumberId, { messages: [text(customer, 'HELP')] });
      const bad = change(shop.phoneNumberId, { messages: [{ id: 'wamid.x', type: 'text', timestamp: '1', from: '256700000000' }] });
      const response = await h.post(delivery([good], [bad]));
      expect(response.status).toBe(200);
      const body = (await response.json()) as { received: number; refused: { where: string; reason: string }[] };
      expect(body.received).toBe(1);
      expect(body.refused).toEqual([{ where: 'entry.1.changes.0.value.messages.0', reason: 'text: required for a text message' }]);
      await h.waitForProcessed([good.value.messages![0]!.id]);
      expect(h.lastReply(customer)).toMatch(/^Welcome to Store security-shop!/);
      expect(await inboundCount()).toBe(before + 2);
      // The function's log line travels through a pipe and can arrive after its HTTP answer.
      await vi.waitFor(
        () =>
          expect(h.stack.functions.output()).toContain(
            '"event":"item_refused","where":"entry.1.changes.0.value.messages.0","wamid":"wamid.x"',
          ),
        { timeout: 5_000 },
      );
    });

    it.each([
      ['another object type', { object: 'page', entry: [] }],
      ['no entries', { object: 'whatsapp_business_account', entry: [] }],
      ['an array', []],
    ])('answers 400 for %s', async (_label, payload) => {
      const response = await h.post(payload);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { details: string[] }).details.length).toBeGreaterThan(0);
    });

    const longId = `wamid.${'A'.repeat(5_000)}`;
    // Written into the raw body as text: serialising a tree that deep would overflow the test's own stack.
    const DEEP = '__nested_5000_deep__';
    it.each([
      ['a message without an id', () => ({ from: '256700000000', timestamp: '1', type: 'text', text: { body: 'hi' } })],
      ['a non-numeric timestamp', () => ({ ...text('256700000000', 'hi'), timestamp: 'yesterday' })],
      ['a NUL byte in the text', () => text('256700000000', 'ADD MUG\u0000 1')],
      ['a NUL byte in the wamid', () => ({ ...text('256700000000', 'HELP'), id: 'wamid.\u0000x' })],
      ['a lone UTF-16 surrogate in the text', () => text('256700000000', 'hi \ud800 there')],
      ['an unknown field nested 5,000 deep', () => ({ ...text('256700000000', 'HELP'), context: DEEP })],
      ['an id of 5,000 characters', () => ({ ...text('256700000000', 'HELP'), id: longId })],
    ])('answers 200 and stores nothing for %s', async (_label, message) => {
      const before = await inboundCount();
      const raw = JSON.stringify(delivery([change(shop.phoneNumberId, { messages: [message() as never] })])).replace(
        `"${DEEP}"`,
        `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
      );
      const response = await h.post(raw);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { received: number; refused: unknown[] };
      expect(body).toMatchObject({ received: 0 });
      expect(body.refused).toHaveLength(1);
      expect(await inboundCount()).toBe(before);
    });

    it.each([
      ['a NUL byte in phone_number_id', '1000\u00000'],
      ['a phone_number_id of 5,000 characters', '1'.repeat(5_000)],
    ])('answers 200 and stores nothing for %s', async (_label, phoneNumberId) => {
      const before = await inboundCount();
      // JSON.stringify writes the NUL as the escape \u0000, as a sender would.
      const raw = JSON.stringify(delivery([change(phoneNumberId, { messages: [text(newCustomer(), 'HELP')] })]));
      const response = await h.post(raw);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { refused: unknown[] }).refused).toHaveLength(1);
      expect(await inboundCount()).toBe(before);
    });

    it('answers 200 and changes nothing for a status whose id carries a NUL byte', async () => {
      const before = await inboundCount();
      const raw = JSON.stringify(
        delivery([change(shop.phoneNumberId, { statuses: [status('wamid.REPLACE', 'read', '256700000000')] })]),
      ).replace('wamid.REPLACE', 'wamid.\\u0000');
      const response = await h.post(raw);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ statuses_applied: 0, refused: [{ where: 'entry.0.changes.0.value.statuses.0' }] });
      expect(await inboundCount()).toBe(before);
    });

    it('answers 413 for a body over the limit without storing it', async () => {
      const before = await inboundCount();
      const huge = JSON.stringify(delivery([change(shop.phoneNumberId, { messages: [text(newCustomer(), 'x'.repeat(300 * 1024))] })]));
      const response = await h.post(huge);
      expect(response.status).toBe(413);
      expect(await inboundCount()).toBe(before);
    });

    it('acknowledges a phone_number_id no active store uses with 200, logs it, and writes nothing', async () => {
      const before = await inboundCount();
      const response = await h.post(delivery([change('999999999', { messages: [text(newCustomer(), 'HELP')] })]));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: 0, duplicates: 0, statuses_applied: 0, ignored_phone_number_ids: ['999999999'] });
      // The function's log line travels through a pipe and can arrive after its HTTP answer.
      await vi.waitFor(
        () => expect(h.stack.functions.output()).toContain('"event":"unknown_phone_number_id","phone_number_ids":["999999999"]'),
        { timeout: 5_000 },
      );
      expect(await inboundCount()).toBe(before);
    });

    it('accepts changes of fields it does not handle, without writing', async () => {
      const response = await h.post({
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1 } }] }],
      });
      expect(response.status).toBe(200);
    });

    it('answers 405 for other methods', async () => {
      expect((await fetch(h.webhookUrl, { method: 'PUT', body: '{}' })).status).toBe(405);
    });
  });
});
