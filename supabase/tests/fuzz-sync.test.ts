import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters, hostileJson, hostileString, invalidScalar, publicRowCount, show } from './support/fuzz';
import { backendRequirement } from './support/requirements';
import { type Desk, rows, type SyncHarness, startSyncHarness } from './support/sync';

const backend = backendRequirement();

describe.skipIf(!backend.available)('desktop-sync and whatsapp-membership-webhook under fuzzing: no 5xx for any input', () => {
  let h: SyncHarness;
  let desk: Desk;
  let token: string;
  let apiKey: string;
  const url = (name: string) => `${h.stack.functionsUrl}/${name}`;

  beforeAll(async () => {
    h = await startSyncHarness();
    desk = await h.organization('Fuzz');
    token = await desk.accessToken();
    await h.sql`select set_config('request.jwt.claims', '{"role":"service_role"}', false)`;
    const [key] = await h.sql<{ key: string }[]>`select public.create_membership_webhook_key(${desk.organizationId}, 'fuzz') as key`;
    apiKey = key!.key;
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  const tables = fc.constantFrom(
    'whatsapp_sessions',
    'whatsapp_groups',
    'workshops',
    'leads',
    'workshop_group_members',
    'membership_events',
    'scheduled_whatsapp_messages',
    'nope',
  );
  const validRow = fc.constantFrom(
    () => rows.session(),
    () => rows.workshop(null),
    () => rows.lead('919800000002'),
    () => rows.member('120363000000000009@g.us', '919800000003'),
    () => rows.event(`fuzz:${randomUUID()}`, '120363000000000009@g.us', '919800000003'),
  );
  /** A row a desktop could push, with hostile values put into some of its columns or new ones. */
  const hostileRow = fc
    .tuple(
      validRow,
      fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom('id', 'name', 'phone', 'label', 'group_jid', 'starts_at', 'status', 'event_id'), hostileString),
          hostileJson,
        ),
        { maxLength: 3 },
      ),
    )
    .map(([make, changes]) => Object.assign(make() as Record<string, unknown>, Object.fromEntries(changes)));

  const syncBody = fc.oneof(
    fc
      .record({
        table: tables,
        op: fc.constantFrom('upsert', 'delete', 'merge'),
        row: hostileRow,
        seq: fc.integer({ min: -5, max: 2 ** 40 }),
      })
      .map((mutation) => ({
        protocol: 1,
        kind: 'push',
        organization_id: desk.organizationId,
        client_id: randomUUID(),
        mutations: [mutation],
      })),
    fc.record({ cursors: hostileJson, limit: fc.oneof(fc.integer(), hostileJson) }).map(({ cursors, limit }) => ({
      protocol: 1,
      kind: 'pull',
      organization_id: desk.organizationId,
      client_id: randomUUID(),
      cursors,
      limit,
    })),
    fc.dictionary(hostileString, hostileJson, { maxKeys: 5 }).map((junk) => ({ protocol: 1, kind: 'whoami', ...junk })),
    hostileJson,
  );

  /** Posts each body drawn to the function `name`, expecting every answer below 500; gives the statuses seen. */
  async function statusesBelow500(name: string, headers: Record<string, string>, bodies: fc.Arbitrary<unknown>): Promise<Set<number>> {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const raw = JSON.stringify(body) ?? 'null';
        const response = await fetch(url(name), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
        const answer = await response.text();
        expect(response.status, `${answer} for ${show(raw)}`).toBeLessThan(500);
        seen.add(response.status);
      }),
      fuzzParameters(500),
    );
    return seen;
  }

  it('desktop-sync: a signed-in desktop sending any body is answered below 500, and some of the bodies reach the database', async () => {
    const seen = await statusesBelow500('desktop-sync', { authorization: `Bearer ${token}`, apikey: h.stack.publishableKey }, syncBody);
    expect([...seen]).toEqual(expect.arrayContaining([200, 400]));
  });

  it('desktop-sync: any request without a valid token is a 401 and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(syncBody, hostileString, async (body, bearer) => {
        const raw = JSON.stringify(body) ?? 'null';
        const before = await publicRowCount(h.sql);
        const response = await fetch(url('desktop-sync'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer.replace(/[^\x21-\x7e]/g, '')}x` },
          body: raw,
        });
        expect(response.status, show(raw)).toBe(401);
        expect(await publicRowCount(h.sql)).toBe(before);
      }),
      fuzzParameters(200),
    );
  });

  const membershipEvent = fc.record({
    event: fc.oneof(fc.constantFrom('join', 'leave'), invalidScalar),
    sessionId: fc.oneof(fc.constant(`wa_${randomUUID()}`), hostileString),
    groupJid: fc.oneof(fc.constant('120363000000000042@g.us'), hostileString),
    participant: fc.oneof(
      fc.record({
        phone: fc.oneof(fc.constant('919800000042'), hostileString, fc.constant(null)),
        id: fc.oneof(fc.constant('173087265951971@lid'), hostileString, fc.constant(null)),
      }),
      hostileJson,
    ),
    timestamp: fc.oneof(
      fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
      hostileString,
    ),
  });

  it('whatsapp-membership-webhook: with its key, any event is answered below 500, and some of them are applied', async () => {
    const seen = await statusesBelow500('whatsapp-membership-webhook', { 'x-api-key': apiKey }, fc.oneof(membershipEvent, hostileJson));
    expect([...seen]).toEqual(expect.arrayContaining([200, 400]));
  });

  it('whatsapp-membership-webhook: without its key, a 401 and nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(membershipEvent, hostileString, async (body, key) => {
        const raw = JSON.stringify(body);
        const before = await publicRowCount(h.sql);
        const response = await fetch(url('whatsapp-membership-webhook'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key.replace(/[^\x21-\x7e]/g, '') },
          body: raw,
        });
        expect(response.status, show(raw)).toBe(401);
        expect(await publicRowCount(h.sql)).toBe(before);
      }),
      fuzzParameters(200),
    );
  });
});
