import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { change, delivery, sign, text } from './support/meta';
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

    it('refuses a wrong token with 403', async () => {
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' });
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('1');
    });

    it('refuses the token of a deactivated channel', async () => {
      const other = await createShop(h.sql, 'inactive-shop');
      await h.sql`update business_channel_settings set is_active = false where store_id = ${other.storeId}`;
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': other.verifyToken, 'hub.challenge': '1' });
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

    it('answers 400 naming the missing fields, and writes nothing even for the valid parts', async () => {
      const before = await inboundCount();
      const good = change(shop.phoneNumberId, { messages: [text(newCustomer(), 'HELP')] });
      const bad = change(shop.phoneNumberId, { messages: [{ id: 'wamid.x', type: 'text', timestamp: '1', from: '256700000000' }] });
      const response = await h.post(delivery([good], [bad]));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; details: string[] };
      expect(body.error).toBe('Not a WhatsApp Business Account webhook payload');
      expect(body.details).toContain('entry.1.changes.0.value.messages.0.text: required for a text message');
      expect(await inboundCount()).toBe(before);
    });

    it.each([
      ['another object type', { object: 'page', entry: [] }],
      ['no entries', { object: 'whatsapp_business_account', entry: [] }],
      ['an array', []],
      ['a message without an id', delivery([change('1', { messages: [{ from: '256700000000', timestamp: '1', type: 'text', text: { body: 'hi' } } as never] })])],
      ['a non-numeric timestamp', delivery([change('1', { messages: [{ ...text('256700000000', 'hi'), timestamp: 'yesterday' }] })])],
      ['no metadata', { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messaging_product: 'whatsapp' } }] }] }],
    ])('answers 400 for %s', async (_label, payload) => {
      const response = await h.post(payload);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { details: string[] }).details.length).toBeGreaterThan(0);
    });

    it('answers 413 for a body over the limit without storing it', async () => {
      const before = await inboundCount();
      const huge = JSON.stringify(delivery([change(shop.phoneNumberId, { messages: [text(newCustomer(), 'x'.repeat(300 * 1024))] })]));
      const response = await h.post(huge);
      expect(response.status).toBe(413);
      expect(await inboundCount()).toBe(before);
    });

    it('answers 404 for a phone_number_id no active store uses, and writes nothing', async () => {
      const before = await inboundCount();
      const response = await h.post(delivery([change('999999999', { messages: [text(newCustomer(), 'HELP')] })]));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'No active store uses phone_number_id 999999999' });
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
