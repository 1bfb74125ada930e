import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEEP_MARKER,
  fuzzParameters,
  hostileJson,
  hostileString,
  invalidScalar,
  publicRowCount,
  setAt,
  show,
  spliceDeep,
  unstorableString,
} from './support/fuzz';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { sign, text, wamid } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

type Item = Record<string, unknown>;

/** One way to make an item certainly invalid; every branch must break a rule the webhook enforces. */
const corruption = fc.oneof(
  fc.record({
    kind: fc.constant('unstorable' as const),
    path: fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 }),
    value: unstorableString,
  }),
  fc.record({ kind: fc.constant('deep' as const), path: fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('id', 'timestamp', 'type'), value: invalidScalar }),
);
type Corruption = typeof corruption extends fc.Arbitrary<infer T> ? T : never;

function corrupt(item: Item, how: Corruption, itemKind: 'message' | 'status' | 'error'): Item {
  const copy = structuredClone(item);
  if (how.kind === 'unstorable') return setAt(copy, how.path, how.value);
  if (how.kind === 'deep') return setAt(copy, how.path, DEEP_MARKER);
  // An error has no required field; a code that is not a number is what breaks it.
  if (itemKind === 'error') return { ...copy, code: typeof how.value === 'number' ? String(how.value) : (how.value ?? 'null') };
  // A status is a string field too: the kinds of invalid value are the same.
  const field = itemKind === 'status' && how.field === 'type' ? 'status' : how.field;
  return { ...copy, [field]: how.value };
}

const validMessage = fc.record({ body: fc.string({ maxLength: 60 }) }).map(({ body }) => text(newCustomer(), body) as Item);
const validStatus = fc
  .constantFrom('sent', 'delivered', 'read', 'failed')
  .map((status) => ({ id: wamid(), status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '256700000001' }) as Item);
const validError = fc
  .record({ code: fc.integer({ min: 0, max: 200_000 }), title: fc.string({ maxLength: 30 }) })
  .map(({ code, title }) => ({ code, title, message: title, error_data: { details: title } }) as Item);

function envelope(changes: Item[]): Item {
  return { object: 'whatsapp_business_account', entry: [{ id: '1', changes }] };
}

function value(phoneNumberId: unknown, content: { messages?: Item[]; statuses?: Item[]; errors?: Item[] }): Item {
  return {
    field: 'messages',
    value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId }, ...content },
  };
}

describe.skipIf(!backend.available)('whatsapp-webhook under fuzzing: no 5xx for any input, nothing stored without a valid item', () => {
  let h: Harness;
  let shop: Shop;
  const post = (raw: string, signature: string | null = null) =>
    fetch(h.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? sign(raw, h.stack.appSecret) },
      body: raw,
    });

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'fuzz-shop', [{ sku: 'MUG', name: 'Mug', price: '10.00', stock: 5 }]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Changes whose every message, status and error is broken, for the shop's number or another. */
  const brokenChange = fc
    .record({
      number: fc.oneof(fc.constant('shop'), fc.constant('unknown'), invalidScalar),
      messages: fc.array(fc.tuple(validMessage, corruption), { maxLength: 3 }),
      statuses: fc.array(fc.tuple(validStatus, corruption), { maxLength: 2 }),
      errors: fc.array(fc.tuple(validError, corruption), { maxLength: 2 }),
    })
    .map((c) =>
      value(c.number === 'shop' ? shop.phoneNumberId : c.number === 'unknown' ? '100999999999' : c.number, {
        messages: c.messages.map(([m, how]) => corrupt(m, how, 'message')),
        statuses: c.statuses.map(([s, how]) => corrupt(s, how, 'status')),
        errors: c.errors.map(([e, how]) => corrupt(e, how, 'error')),
      }),
    );

  it('answers a signed delivery whose every item is broken with 200 or 400, and writes no row anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(brokenChange, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 17, max: 3_000 }),
        async (changes, depth) => {
          const raw = spliceDeep(JSON.stringify(envelope(changes)), depth);
          const before = await publicRowCount(h.sql);
          const response = await post(raw);
          const answer = await response.text();
          expect([200, 400], `${response.status} ${answer} for ${show(raw)}`).toContain(response.status);
          if (response.status === 200) expect(JSON.parse(answer), show(raw)).toMatchObject({ received: 0, statuses_applied: 0 });
          expect(await publicRowCount(h.sql), `rows written for ${show(raw)}`).toBe(before);
        },
      ),
      fuzzParameters(1_000),
    );
  });

  /** A valid delivery with hostile values put anywhere: at known fields or at random new ones. */
  const mutated = fc.record({
    changes: fc.array(
      fc.record({ messages: fc.array(validMessage, { maxLength: 2 }), statuses: fc.array(validStatus, { maxLength: 2 }) }),
      { minLength: 1, maxLength: 2 },
    ),
    mutations: fc.array(
      fc.record({
        path: fc.oneof(
          fc.constantFrom(
            ['object'],
            ['entry'],
            ['entry', '0'],
            ['entry', '0', 'changes'],
            ['entry', '0', 'changes', '0', 'field'],
            ['entry', '0', 'changes', '0', 'value'],
            ['entry', '0', 'changes', '0', 'value', 'metadata'],
            ['entry', '0', 'changes', '0', 'value', 'contacts'],
            ['entry', '0', 'changes', '0', 'value', 'messages'],
            ['entry', '0', 'changes', '0', 'value', 'messages', '0', 'text'],
            ['entry', '0', 'changes', '0', 'value', 'messages', '0', 'from'],
            ['entry', '0', 'changes', '0', 'value', 'statuses', '0', 'errors'],
            ['entry', '0', 'changes', '0', 'value', 'errors'],
          ),
          fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        ),
        value: hostileJson,
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });

  it('never answers a signed delivery with hostile values anywhere with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async ({ changes, mutations }) => {
        const body = envelope(changes.map((c) => value(shop.phoneNumberId, c))) as Record<string, unknown>;
        for (const { path, value: v } of mutations) setPath(body, path, v);
        const raw = JSON.stringify(body);
        const response = await post(raw);
        const answer = await response.text();
        expect(response.status, `${answer} for ${show(raw)}`).toBeLessThan(500);
      }),
      fuzzParameters(800),
    );
  });

  it('stores and answers the valid message of a delivery whatever is broken beside it', async () => {
    const handled: string[] = [];
    await fc.assert(
      fc.asyncProperty(validMessage, brokenChange, fc.boolean(), async (message, broken, first) => {
        const good = value(shop.phoneNumberId, { messages: [message] });
        const raw = spliceDeep(JSON.stringify(envelope(first ? [good, broken] : [broken, good])), 40);
        const response = await post(raw);
        expect(response.status, show(raw)).toBe(200);
        expect(await response.json(), show(raw)).toMatchObject({ received: 1 });
        handled.push(message.id as string);
      }),
      fuzzParameters(300),
    );
    await h.waitForProcessed(handled);
    const [row] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from messaging_log where whatsapp_message_id = any(${handled}) and status = 'processed'`;
    expect(row!.n).toBe(handled.length);
  });

  it('answers every subscription check with 200, 400 or 403, echoing the challenge only for the real token', async () => {
    const token = fc.oneof(fc.constant('real'), hostileString, fc.constant(undefined));
    const mode = fc.option(fc.oneof(fc.constant('subscribe'), hostileString));
    await fc.assert(
      fc.asyncProperty(mode, token, fc.option(hostileString), async (mode, tokenValue, challenge) => {
        const params = new URLSearchParams();
        if (mode !== null) params.set('hub.mode', mode);
        if (tokenValue !== undefined) params.set('hub.verify_token', tokenValue === 'real' ? shop.verifyToken : tokenValue);
        if (challenge !== null) params.set('hub.challenge', challenge);
        const response = await fetch(`${h.webhookUrl}?${params}`);
        const answer = await response.text();
        expect([200, 400, 403], `${response.status} ${answer} for ?${params}`).toContain(response.status);
        // The challenge as the server reads it back from the URL (lone surrogates become U+FFFD on the way).
        if (response.status === 200)
          expect(tokenValue === 'real' && mode === 'subscribe' ? answer : null).toBe(new URLSearchParams(params).get('hub.challenge'));
      }),
      fuzzParameters(400),
    );
  });

  it('answers every delivery without the exact signature with 401 and writes nothing', async () => {
    const header = fc.oneof(
      hostileString,
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((hex) => `sha256=${hex}`),
    );
    await fc.assert(
      fc.asyncProperty(validMessage, header, async (message, signature) => {
        const raw = JSON.stringify(envelope([value(shop.phoneNumberId, { messages: [message] })]));
        const before = await publicRowCount(h.sql);
        // Header values cannot carry control characters or lone surrogates over HTTP; those are covered by the body fuzz.
        const sendable = signature.replace(/[^\x20-\x7e]/g, '');
        const response = await post(raw, sendable || 'sha256=');
        expect(response.status, `signature ${JSON.stringify(sendable)}`).toBe(401);
        expect(await publicRowCount(h.sql)).toBe(before);
      }),
      fuzzParameters(300),
    );
  });

  it('logged no failure while processing or answering', () => {
    expect(h.stack.functions.output()).not.toMatch(/"event":"(request_failed|processing_failed|background_failed)"/);
  });
});

/** Like setAt, but walks into arrays by index too, so a mutation can land inside lists. */
function setPath(target: Record<string, unknown>, path: readonly string[], v: unknown): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    const container = node as Record<string, unknown>;
    if (typeof container[key] !== 'object' || container[key] === null) container[key] = {};
    node = container[key];
  }
  if (typeof node === 'object' && node !== null) (node as Record<string, unknown>)[path.at(-1)!] = v;
}
