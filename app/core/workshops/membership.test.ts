import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workshop } from '../../../shared/workshops/workshop-schemas.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { settle, startDemoCore } from '../../../tests/support/demo-core.js';
import type { Core } from '../composition-root.js';
import type { SimulatedTransport } from '../whatsapp/simulator/simulated-transport.js';
import type { GroupInfo } from '../whatsapp/whatsapp-transport.js';
import { call } from '../../../tests/support/console-call.js';
import { WriteCounter } from '../../../tests/support/write-counter.js';

let dir: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let core: Core;
let demo: SimulatedTransport;
let sessionId: string;
let group: GroupInfo;
let workshop: Workshop;

const stats = async () => (await call(core, 'workshops:get', { id: workshop.id })).stats;
const tab = (name: 'missing' | 'left' | 'in-group' | 'not-registered') => call(core, 'workshops:members', { id: workshop.id, tab: name });
/** The event log as stored in the database file, read by a second connection. */
function eventsOf(phone: string): string[] {
  const reader = new BetterSqlite3(join(dir.path, 'console.sqlite'), { readonly: true });
  try {
    const rows = reader
      .prepare(
        `SELECT e.action, e.source FROM membership_events e JOIN workshop_group_members m ON m.id = e.member_id
         WHERE m.phone = ? ORDER BY e.id`,
      )
      .all(phone) as { action: string; source: string }[];
    return rows.map((event) => `${event.action}/${event.source}`);
  } finally {
    reader.close();
  }
}

beforeEach(async () => {
  dir = makeTempDir();
  clock = new FakeClock(Date.UTC(2026, 10, 22, 8, 0, 0));
  ({ core, demo, sessionId } = await startDemoCore(dir.path, clock));
  group = (await demo.listGroups()).find((candidate) => candidate.subject.startsWith('Product Design')) as GroupInfo;
  workshop = await call(core, 'workshops:create', {
    name: 'Product Design',
    startsAtLocal: '2026-11-22T18:00',
    timeZone: 'Asia/Kolkata',
    durationMinutes: 120,
  });
});

afterEach(async () => {
  await core.stop();
  dir.remove();
});

describe('membership of a linked workshop', () => {
  it('matches leads to members by phone, including LID members whose phone WhatsApp hides', async () => {
    const known = group.participants.filter((member) => member.phone && !member.isAdmin).slice(0, 2);
    const hidden = group.participants.find((member) => member.phone === null) as GroupInfo['participants'][number];
    const hiddenPhone = demo.phoneBehind(hidden.lid ?? '') as string;
    const outsiders = ['919000000001', '919000000002'];

    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const csv = [
      'name,phone',
      ...known.map((member, i) => `Known ${i},${member.phone}`),
      `Hidden,${hiddenPhone}`,
      ...outsiders.map((phone, i) => `Outside ${i},${phone}`),
    ].join('\n');
    await call(core, 'leads:import', { workshopId: workshop.id, csv, mapping: { name: 'name', phone: 'phone', email: null } });
    await settle();

    const unknownBefore = group.participants.filter((member) => member.phone === null).length;
    expect(await stats()).toEqual({
      registered: 5,
      inGroup: 3,
      missing: 2,
      left: 0,
      leftNotRegistered: 0,
      joinRate: 3 / 5,
      // 500 members: three registered, and the coordinator's own account is no outsider.
      inGroupNotRegistered: 500 - 3 - 1,
      // The hidden member's phone was looked up ahead of time, so it is no longer unknown.
      unknownPhone: unknownBefore - 1,
    });
    expect((await tab('in-group')).map((row) => row.name).sort()).toEqual(['Hidden', 'Known 0', 'Known 1']);
    expect((await tab('missing')).map((row) => row.phone).sort()).toEqual(outsiders);
    const notRegistered = await tab('not-registered');
    expect(notRegistered).toHaveLength(500 - 3 - 1);
    expect(notRegistered.filter((row) => row.phone === null).every((row) => row.lid?.endsWith('@lid'))).toBe(true);
  });

  it('counts registrants WhatsApp shows only by LID as In Group from the moment their import is acknowledged, never as missing first', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    await settle();
    const hidden = group.participants.filter((member) => member.phone === null && !member.isAdmin).slice(0, 20);
    const csv = [
      'name,phone',
      ...hidden.map((member, i) => `Hidden ${i},${demo.phoneBehind(member.lid ?? '')}`),
      'Outside,919000000031',
    ].join('\n');
    const seen: { event: string; missing: number }[] = [];
    core.subscribe((event, payload) => {
      if (event === 'members:changed')
        for (const entry of (payload as { workshopStats?: { id: string; stats: { missing: number } }[] }).workshopStats ?? [])
          if (entry.id === workshop.id) seen.push({ event, missing: entry.stats.missing });
    });

    await call(core, 'leads:import', { workshopId: workshop.id, csv, mapping: { name: 'name', phone: 'phone', email: null } });
    // Read at once: what the page loads on the import's own workshops:changed.
    expect(await stats()).toMatchObject({ registered: 21, inGroup: 20, missing: 1 });
    await settle();
    expect(await stats()).toMatchObject({ registered: 21, inGroup: 20, missing: 1 });
    expect(seen.every((entry) => entry.missing <= 1)).toBe(true);
  });

  it('follows live joins, leaves and re-joins, counting a returning person once', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const leads = ['919000000011', '919000000012', '919000000013'];
    await call(core, 'leads:import', {
      workshopId: workshop.id,
      csv: `phone\n${leads.join('\n')}`,
      mapping: { name: null, phone: 'phone', email: null },
    });
    const changes: unknown[] = [];
    core.subscribe((event, payload) => event === 'members:changed' && changes.push(payload));

    demo.simulate(group.jid, { join: [{ phone: leads[0]! }, { phone: leads[1]!, lidOnly: true }] });
    await settle();
    // The event carries the cards as committed, the same the workshop itself answers.
    expect(changes).toEqual([
      { groupJid: group.jid, workshopIds: [workshop.id], workshopStats: [{ id: workshop.id, stats: await stats() }] },
    ]);
    // leads[1] joined as a bare LID WhatsApp had never shown with a phone: counted in the group, not yet matched.
    expect(await stats()).toMatchObject({
      registered: 3,
      inGroup: 1,
      missing: 2,
      unknownPhone: group.participants.filter((m) => m.phone === null).length + 1,
    });

    demo.simulate(group.jid, { leave: [leads[0]!] });
    await settle();
    expect(await stats()).toMatchObject({ inGroup: 0, left: 1, missing: 2 });
    const left = await tab('left');
    expect(left).toMatchObject([{ phone: leads[0], registered: true, leftSeenAt: 'live', joinedSeenAt: 'live' }]);

    demo.simulate(group.jid, { join: [{ phone: leads[0]! }] });
    await settle();
    expect(await stats()).toMatchObject({ inGroup: 1, left: 0, missing: 2 });
    expect(eventsOf(leads[0]!)).toEqual(['joined/live', 'left/live', 'joined/live']);
  });

  it('names the admin who removed a member on the Left tab, by the phone behind their LID, and forgets it when they rejoin', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const [removed, leaver] = ['919000000021', '919000000022'];
    await call(core, 'leads:import', {
      workshopId: workshop.id,
      csv: `phone\n${removed}\n${leaver}`,
      mapping: { name: null, phone: 'phone', email: null },
    });
    demo.simulate(group.jid, { join: [{ phone: removed! }, { phone: leaver! }] });
    await settle();
    const admin = { lid: '777000000000001@lid', phone: '447700900123' };
    core.membership.ingestMappings([admin], 'test');
    clock.advance(60_000);
    const member = (phone: string) => ({ jid: `${phone}@s.whatsapp.net`, lid: null, phone, isAdmin: false });
    // WhatsApp names the admin by LID alone in a LID group when it sends no phone alongside.
    core.membership.ingestParticipants({
      groupJid: group.jid,
      action: 'remove',
      participants: [member(removed!)],
      at: clock.now(),
      by: { lid: admin.lid, phone: null },
    });
    demo.simulate(group.jid, { leave: [leaver!] });
    await settle();
    await core.membership.whenFlushed();
    const left = new Map((await tab('left')).map((row) => [row.phone, row.removedBy]));
    expect(left).toEqual(
      new Map([
        [removed, admin.phone],
        [leaver, null],
      ]),
    );

    clock.advance(60_000);
    core.membership.ingestParticipants({ groupJid: group.jid, action: 'add', participants: [member(removed!)], at: clock.now() });
    await core.membership.whenFlushed();
    expect((await tab('in-group')).find((row) => row.phone === removed)).toMatchObject({ removedBy: null });
    clock.advance(60_000);
    core.membership.ingestParticipants({ groupJid: group.jid, action: 'leave', participants: [member(removed!)], at: clock.now() });
    await core.membership.whenFlushed();
    expect((await tab('left')).find((row) => row.phone === removed)).toMatchObject({ removedBy: null });
  });

  it('carries each watched table and timeline with the change, re-read after the commit, until the page stops watching', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const leads = ['919000000041', '919000000042'];
    await call(core, 'leads:import', {
      workshopId: workshop.id,
      csv: `name,phone\nFirst,${leads[0]}\nSecond,${leads[1]}`,
      mapping: { name: 'name', phone: 'phone', email: null },
    });
    const query = { id: workshop.id, tab: 'missing' as const, search: '', sort: null, offset: 0, limit: 50 };
    await call(core, 'workshops:members-window', { ...query, watch: 'table-of-page-1' });
    await call(core, 'workshops:timeline', { id: workshop.id, watch: 'timeline-of-page-1' });
    const changes: { views?: unknown[] }[] = [];
    core.subscribe((event, payload) => event === 'members:changed' && changes.push(payload as { views?: unknown[] }));

    demo.simulate(group.jid, { join: [{ phone: leads[0]! }] });
    await settle();
    const window = await call(core, 'workshops:members-window', query);
    expect(window.rows.map((row) => row.name)).toEqual(['Second']);
    expect(changes.at(-1)?.views).toEqual([
      {
        kind: 'window',
        watch: 'table-of-page-1',
        id: workshop.id,
        query: { tab: 'missing', search: '', sort: null, offset: 0, limit: 50 },
        value: window,
      },
      {
        kind: 'timeline',
        watch: 'timeline-of-page-1',
        id: workshop.id,
        value: await call(core, 'workshops:timeline', { id: workshop.id }),
      },
    ]);

    expect(await call(core, 'workshops:unwatch', { watch: 'table-of-page-1' })).toEqual({ unwatched: true });
    await call(core, 'workshops:unwatch', { watch: 'timeline-of-page-1' });
    demo.simulate(group.jid, { join: [{ phone: leads[1]! }] });
    await settle();
    expect(changes).toHaveLength(2);
    expect(changes[1]?.views).toBeUndefined();
  });

  it('carries views equal to what the core answers after any sequence of joins, leaves, late phones, registrations, syncs and days passing', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const inGroupNow = group.participants.filter((member) => member.phone && !member.isAdmin).map((member) => member.phone!);
    // People who can join or leave: registered ones already in the group, registered ones not yet, and strangers.
    const people = [...inGroupNow.slice(0, 4), ...Array.from({ length: 8 }, (_, i) => `91900000${String(5000 + i)}`)];
    const registered = new Set([...people.slice(0, 8)]);
    await call(core, 'leads:import', {
      workshopId: workshop.id,
      csv: ['name,phone', ...[...registered].map((phone, i) => `Person ${String.fromCharCode(65 + ((i * 5) % 8))},${phone}`)].join('\n'),
      mapping: { name: 'name', phone: 'phone', email: null },
    });
    await settle();
    const windows = [
      { tab: 'missing' as const, search: '', sort: null, offset: 0, limit: 50 },
      { tab: 'missing' as const, search: '', sort: { key: 'phone' as const, direction: 'desc' as const }, offset: 1, limit: 3 },
      { tab: 'in-group' as const, search: 'person', sort: { key: 'name' as const, direction: 'asc' as const }, offset: 0, limit: 5 },
      { tab: 'left' as const, search: '', sort: null, offset: 0, limit: 50 },
      { tab: 'not-registered' as const, search: '91900000', sort: null, offset: 0, limit: 10 },
      { tab: 'left-not-registered' as const, search: '', sort: null, offset: 0, limit: 10 },
    ];
    const watchAll = async () => {
      for (const [i, query] of windows.entries())
        await call(core, 'workshops:members-window', { id: workshop.id, ...query, watch: `window-${i}-of-page` });
      await call(core, 'workshops:timeline', { id: workshop.id, watch: 'timeline-of-page' });
    };
    await watchAll();
    const carried: { views?: { kind: string; query?: (typeof windows)[number]; value: unknown }[] }[] = [];
    core.subscribe((event, payload) => event === 'members:changed' && carried.push(payload as (typeof carried)[number]));
    const hiddenLids: { lid: string; phone: string }[] = [];

    const action = fc.oneof(
      fc.record({ kind: fc.constant('join' as const), who: fc.nat(people.length - 1), lidOnly: fc.boolean() }),
      fc.record({ kind: fc.constant('leave' as const), who: fc.nat(people.length - 1) }),
      fc.record({ kind: fc.constant('reveal' as const) }),
      fc.record({ kind: fc.constant('register' as const), who: fc.nat(people.length - 1) }),
      fc.record({ kind: fc.constant('sync' as const) }),
      fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 3 * 86_400_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
        for (const step of actions) {
          const before = carried.length;
          const phone = 'who' in step ? people[step.who]! : '';
          if (step.kind === 'join') {
            demo.simulate(group.jid, { join: [{ phone, lidOnly: step.lidOnly }] });
            const now = (await demo.listGroups()).find((candidate) => candidate.jid === group.jid)!;
            const lid = now.participants.find((member) => member.phone === null && demo.phoneBehind(member.lid ?? '') === phone)?.lid;
            if (lid) hiddenLids.push({ lid, phone });
          } else if (step.kind === 'leave') demo.simulate(group.jid, { leave: [phone] });
          else if (step.kind === 'reveal') core.membership.ingestMappings(hiddenLids.splice(0), 'test');
          else if (step.kind === 'register') {
            if (registered.has(phone)) continue;
            registered.add(phone);
            await call(core, 'leads:add', { workshopId: workshop.id, name: `Late ${registered.size}`, phone, email: '' });
            // The page has not read again yet: the next change must carry the registration already.
            continue;
          } else if (step.kind === 'sync') await call(core, 'workshops:sync-members', { id: workshop.id });
          else clock.advance(step.ms);
          await settle();
          await core.membership.whenFlushed();
          for (const change of carried.slice(before))
            expect(change.views, 'every change carries the watched views').toHaveLength(windows.length + 1);
          const last = carried.at(-1);
          if (carried.length === before || !last?.views) continue;
          for (const view of last.views) {
            const answer =
              view.kind === 'timeline'
                ? await call(core, 'workshops:timeline', { id: workshop.id })
                : await call(core, 'workshops:members-window', { id: workshop.id, ...view.query! });
            expect(view.value, `${view.kind} ${JSON.stringify(view.query ?? '')} after ${JSON.stringify(step)}`).toEqual(answer);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('merges a LID-only member into the lead once WhatsApp reveals the phone, never counting them twice', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const phone = '919000000021';
    demo.simulate(group.jid, { join: [{ phone, lidOnly: true }] });
    await settle();
    await call(core, 'leads:add', { workshopId: workshop.id, name: 'Late registrant', phone });
    await settle();
    // The lookup at registration resolves the LID: the member now matches the lead.
    expect(await stats()).toMatchObject({
      registered: 1,
      inGroup: 1,
      missing: 0,
      // 500 + the joiner, less the one registered and the coordinator's own account.
      inGroupNotRegistered: 500 - 1,
      unknownPhone: group.participants.filter((m) => m.phone === null).length,
    });
    const rows = (await tab('in-group')).filter((row) => row.phone === phone);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.lid).toMatch(/@lid$/);
  });

  it('catches up after being offline: joins and leaves stamped with the sync time, not invented', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const stayer = group.participants.find((member) => member.phone && !member.isAdmin)?.phone as string;
    const leaver = group.participants.filter((member) => member.phone && !member.isAdmin)[1]?.phone as string;
    await call(core, 'leads:import', {
      workshopId: workshop.id,
      csv: `phone\n${stayer}\n${leaver}\n919000000031`,
      mapping: { name: null, phone: 'phone', email: null },
    });

    demo.dropConnection();
    expect(core.sessions.view(sessionId).state).toBe('reconnecting');
    demo.simulate(group.jid, { join: [{ phone: '919000000031' }], leave: [leaver] });
    await settle();
    expect(await stats()).toMatchObject({ inGroup: 2, left: 0, missing: 1 });

    // The back-off ends, the socket opens, and the catch-up sync runs by itself.
    clock.advance(60_000);
    await settle();
    clock.advance(200);
    await settle();
    await core.membership.whenFlushed();
    const after = await call(core, 'workshops:get', { id: workshop.id });
    expect(after.stats).toMatchObject({ registered: 3, inGroup: 2, left: 1, missing: 0 });
    // Stamped when the sync saw it, minutes after the changes really happened: nothing invented.
    expect(Date.parse(after.lastSyncedAt ?? '')).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 22, 8, 1, 0));
    expect((await tab('left'))[0]).toMatchObject({ phone: leaver, leftSeenAt: 'sync', leftAt: after.lastSyncedAt });
    expect((await tab('in-group')).find((row) => row.phone === '919000000031')).toMatchObject({
      joinedSeenAt: 'sync',
      joinedAt: after.lastSyncedAt,
    });
  });

  it('"Sync Members" reports { synced, marked_left } and writes no row when nothing changed', async () => {
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const first = await call(core, 'workshops:sync-members', { id: workshop.id });
    expect(first).toMatchObject({ synced: 500, marked_left: 0 });
    const counter = new WriteCounter(join(dir.path, 'console.sqlite'));
    try {
      clock.advance(60_000);
      expect(await call(core, 'workshops:sync-members', { id: workshop.id })).toMatchObject({
        synced: 500,
        marked_left: 0,
        lastSyncedAt: new Date(clock.now()).toISOString(),
      });
      // One write only: the workshop's "last synced" time. No member, event or LID row is touched.
      expect(counter.writes()).toEqual({ 'workshops update': 1 });
    } finally {
      counter.close();
    }
    demo.dropConnection();
    demo.simulate(group.jid, { leave: [group.participants.find((member) => member.phone && !member.isAdmin)?.phone as string] });
    clock.advance(1_000);
    await settle();
    clock.advance(200);
    await settle();
    const second = await call(core, 'workshops:sync-members', { id: workshop.id });
    expect(second).toMatchObject({ synced: 499, marked_left: 0 });
    // The leaver matches no registration: counted apart, never in Left.
    expect(await stats()).toMatchObject({ left: 0, leftNotRegistered: 1 });
  });

  it('refuses to sync a workshop without a group, and when the account is offline', async () => {
    expect(await core.invoke('workshops:sync-members', { id: workshop.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    demo.dropConnection();
    expect(await core.invoke('workshops:sync-members', { id: workshop.id })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});

describe('alerts when registered people leave', () => {
  it('raises one notification naming the registered leaver, none for a member who never registered, and never repeats it', async () => {
    const [first, second, outsider] = group.participants.filter((member) => member.phone && !member.isAdmin);
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    await call(core, 'leads:add', { workshopId: workshop.id, name: 'Asha Rao', phone: first!.phone! });
    await call(core, 'leads:add', { workshopId: workshop.id, name: 'Ravi Kumar', phone: second!.phone! });
    await settle();
    const raised: unknown[] = [];
    core.subscribe((event, payload) => {
      if (event === 'notifications:raised') raised.push(payload);
    });

    demo.simulate(group.jid, { leave: [outsider!.phone!] });
    await settle();
    expect(raised).toEqual([]);

    demo.simulate(group.jid, { leave: [first!.phone!] });
    await settle();
    expect(raised).toEqual([
      { level: 'warning', title: 'A registered person left the group', body: 'Product Design: Asha Rao', workshopId: workshop.id },
    ]);

    demo.simulate(group.jid, { leave: [second!.phone!] });
    await settle();
    expect(raised).toHaveLength(2);
    expect(raised[1]).toMatchObject({ body: 'Product Design: Ravi Kumar' });
    // Kept in the alert list, newest first, both unread.
    const kept = await call(core, 'alerts:list', {});
    expect(kept.unread).toBe(2);
    expect(kept.alerts.map((alert) => alert.body)).toEqual(['Product Design: Ravi Kumar', 'Product Design: Asha Rao']);
  });

  it('sends a registered leave to the open page before storing its alert, and still stores the alert', async () => {
    const [leaver] = group.participants.filter((member) => member.phone && !member.isAdmin);
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    await call(core, 'leads:add', { workshopId: workshop.id, name: 'Asha Rao', phone: leaver!.phone! });
    await settle();
    // Subscribed after the core is built, as the shells' transports are.
    const seen: string[] = [];
    core.subscribe((event) => {
      if (event === 'members:changed' || event === 'notifications:raised' || event === 'alerts:changed') seen.push(event);
    });
    demo.simulate(group.jid, { leave: [leaver!.phone!] });
    await settle();
    expect(seen[0]).toBe('members:changed');
    expect(seen.slice(1).sort()).toEqual(['alerts:changed', 'notifications:raised']);
    expect((await call(core, 'alerts:list', {})).alerts.map((alert) => alert.body)).toEqual(['Product Design: Asha Rao']);
  });

  it('stores the alert of a leave committed just before the console stops', async () => {
    const [leaver] = group.participants.filter((member) => member.phone && !member.isAdmin);
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    await call(core, 'leads:add', { workshopId: workshop.id, name: 'Asha Rao', phone: leaver!.phone! });
    await settle();
    demo.simulate(group.jid, { leave: [leaver!.phone!] });
    await core.membership.whenFlushed();
    await core.stop();
    const reader = new BetterSqlite3(join(dir.path, 'console.sqlite'), { readonly: true });
    try {
      expect(reader.prepare('SELECT body FROM alerts').pluck().all()).toEqual(['Product Design: Asha Rao']);
    } finally {
      reader.close();
    }
  });
});
