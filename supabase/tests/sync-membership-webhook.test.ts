import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/sync/sync-protocol';
import { backendRequirement } from './support/requirements';
import { type Desk, type SyncHarness, startSyncHarness } from './support/sync';

const backend = backendRequirement();

describe.skipIf(!backend.available)('whatsapp-membership-webhook', () => {
  let h: SyncHarness;
  let desk: Desk;
  let apiKey: string;
  const sessionId = `wa_${randomUUID()}`;
  const groupJid = '120363423158005005@g.us';

  beforeAll(async () => {
    h = await startSyncHarness();
    desk = await h.organization('VPS team');
    apiKey = (await h.sql<{ key: string }[]>`select create_membership_webhook_key(${desk.organizationId}, 'VPS Baileys server') as key`)[0]!
      .key;
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  const post = (body: unknown, key: string | null = apiKey) =>
    fetch(`${h.stack.functionsUrl}/whatsapp-membership-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'x-api-key': key }) },
      body: JSON.stringify(body),
    });
  const event = (kind: 'join' | 'leave', phone: string, timestamp: string, lid = '173087265951971@lid') => ({
    event: kind,
    sessionId,
    groupJid,
    participant: { phone, id: lid },
    timestamp,
  });
  const member = async (phone: string) =>
    (
      await h.sql`select status, joined_at, left_at, lid from workshop_group_members where organization_id = ${desk.organizationId} and phone = ${phone}`
    )[0];
  const eventCount = async () =>
    (await h.sql`select count(*)::int as n from membership_events where organization_id = ${desk.organizationId}`)[0]!.n as number;

  it('stores only a hash of the key and refuses a missing, wrong or revoked key with 401, writing nothing', async () => {
    const [stored] = await h.sql`select secret_hash from membership_webhook_keys where organization_id = ${desk.organizationId}`;
    expect(apiKey).toMatch(/^wmk_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(apiKey.split('_')[2]!);
    const body = event('join', '919818861043', '2026-02-03T17:30:00Z');
    const wrong = `${apiKey.slice(0, -1)}${apiKey.endsWith('0') ? '1' : '0'}`;
    expect([(await post(body, null)).status, (await post(body, wrong)).status, (await post(body, 'VPS')).status]).toEqual([401, 401, 401]);

    const revoked = (await h.sql<{ key: string }[]>`select create_membership_webhook_key(${desk.organizationId}, 'Old server') as key`)[0]!
      .key;
    await h.sql`update membership_webhook_keys set revoked_at = now() where service_name = 'Old server'`;
    expect((await post(body, revoked)).status).toBe(401);
    expect(await eventCount()).toBe(0);
  });

  it('lets owners and admins make keys, and refuses anyone else', async () => {
    const member = await h.member(desk.organizationId, 'member');
    const asUser = (userId: string) =>
      h.sql.begin(async (tx) => {
        await tx.unsafe('set local role authenticated');
        await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`;
        return (await tx`select create_membership_webhook_key(${desk.organizationId}, 'Another server') as key`)[0]!.key as string;
      });
    await expect(asUser(member.userId)).rejects.toThrow(/Only owners and admins/);
    expect(await asUser(desk.userId)).toMatch(/^wmk_/);
  });

  it('records a join and a leave as the seed describes, once each however often they are delivered', async () => {
    const phone = '919818861043';
    const join = await post(event('join', phone, '2026-02-03T17:30:00Z'));
    expect(join.status).toBe(200);
    expect(await join.json()).toEqual({ ok: true, duplicate: false, member_updated: true });
    expect(await member(phone)).toMatchObject({ status: 'active', left_at: null, lid: '173087265951971@lid' });

    const replay = await post(event('join', phone, '2026-02-03T17:30:00Z'));
    expect(await replay.json()).toMatchObject({ ok: true, duplicate: true });
    expect(await eventCount()).toBe(1);

    expect((await post(event('leave', phone, '2026-02-03T18:00:00Z'))).status).toBe(200);
    expect(await member(phone)).toMatchObject({ status: 'left', left_at: new Date('2026-02-03T18:00:00Z') });
    // The earlier join, delivered again late, is history already and does not bring the member back.
    await post(event('join', phone, '2026-02-03T17:30:00Z'));
    expect(await member(phone)).toMatchObject({ status: 'left' });
    expect(await eventCount()).toBe(2);
  });

  it('feeds the same rows the desktop pulls', async () => {
    const phone = '919811112222';
    await post(event('join', phone, '2026-02-04T09:00:00Z', '173087265950000@lid'));
    const pulled = await desk.pull({ workshop_group_members: 0, membership_events: 0, whatsapp_groups: 0 });
    const members = (pulled.body.tables.workshop_group_members as { changes: Extract<Change, { op: 'upsert' }>[] }).changes.map(
      (c) => c.row,
    );
    expect(members).toContainEqual(
      expect.objectContaining({ group_jid: groupJid, phone, lid: '173087265950000@lid', status: 'active', joined_source: 'live' }),
    );
    const groups = (pulled.body.tables.whatsapp_groups as { changes: Extract<Change, { op: 'upsert' }>[] }).changes.map((c) => c.row);
    expect(groups).toEqual([expect.objectContaining({ session_id: sessionId, group_jid: groupJid })]);
  });

  it('answers 400 naming the problem for a malformed event, and writes nothing', async () => {
    const before = await eventCount();
    const answers = await Promise.all([
      post({ event: 'joined', sessionId, groupJid, participant: { phone: '919800000000' }, timestamp: '2026-02-03T17:30:00Z' }),
      post({ event: 'join', sessionId: 'abc', groupJid, participant: { phone: '919800000000' }, timestamp: '2026-02-03T17:30:00Z' }),
      post({ event: 'join', sessionId, groupJid: 'not-a-group', participant: { phone: '919800000000' }, timestamp: 'yesterday' }),
      post({ event: 'join', sessionId, groupJid, participant: {}, timestamp: '2026-02-03T17:30:00Z' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400]);
    const bodies = await Promise.all(answers.map((a) => a.json() as Promise<{ details: string[] }>));
    expect(bodies[0]!.details.join(' ')).toMatch(/event/);
    expect(bodies[2]!.details.join(' ')).toMatch(/groupJid.*timestamp|timestamp.*groupJid/s);
    expect(bodies[3]!.details.join(' ')).toMatch(/phone or a LID/);
    expect(await eventCount()).toBe(before);
  });
});
