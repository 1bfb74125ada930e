import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workshop, WorkshopStats } from '../../../shared/workshops/workshop-schemas.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { createTestCore } from '../../../tests/support/test-core.js';
import type { Core } from '../composition-root.js';
import type { SimulatedTransport } from '../whatsapp/simulator/simulated-transport.js';
import { createTransportFactory } from '../whatsapp/transport-factory.js';
import type { GroupInfo } from '../whatsapp/whatsapp-transport.js';
import { call } from '../../../tests/support/console-call.js';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

let dir: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let core: Core;
let demo: SimulatedTransport;
let sessionId: string;
let design: GroupInfo;
let alumni: GroupInfo;
let source: Workshop;
let target: Workshop;

const stats = async (workshop: Workshop) => (await call(core, 'workshops:get', { id: workshop.id })).stats;
const partition = (s: WorkshopStats) => s.inGroup + s.missing + s.left;
const registeredPhones = async (workshop: Workshop) =>
  (await call(core, 'leads:list', { id: workshop.id })).map((lead) => lead.phone).sort();

beforeEach(async () => {
  dir = makeTempDir();
  clock = new FakeClock(Date.UTC(2026, 10, 22, 8, 0, 0));
  const factory = createTransportFactory({ simulator: { scanDelayMs: 0, churnIntervalMs: null, ackDelayMs: 0 } });
  core = createTestCore({
    dataDir: dir.path,
    clock,
    random: () => 1,
    whatsApp: { create: (kind, context) => (demo = factory.create(kind, context) as SimulatedTransport) },
  });
  core.start();
  sessionId = (await call(core, 'sessions:create', { kind: 'simulator' })).id;
  clock.advance(0);
  await settle();
  clock.advance(200);
  await settle();
  const groups = await demo.listGroups();
  design = groups.find((group) => group.subject.startsWith('Product Design')) as GroupInfo;
  alumni = groups.find((group) => group.subject.startsWith('Alumni')) as GroupInfo;
  const create = (name: string) =>
    call(core, 'workshops:create', { name, startsAtLocal: '2026-11-29T18:00', timeZone: 'Asia/Kolkata', durationMinutes: 120 });
  source = await create('Product Design');
  target = await create('Alumni evening');
  await call(core, 'workshops:link-group', { id: source.id, sessionId, groupJid: design.jid });
  await call(core, 'workshops:link-group', { id: target.id, sessionId, groupJid: alumni.jid });
  await settle();
});

afterEach(async () => {
  await core.stop();
  dir.remove();
});

describe('moving chosen registrations to another workshop', () => {
  it('moves them in one go, skips and counts a phone already registered there, and keeps both workshops’ cards a partition', async () => {
    const inDesign = new Set(design.participants.flatMap((member) => (member.phone ? [member.phone] : [])));
    const alumniOnly = alumni.participants.filter((member) => !member.isAdmin && member.phone && !inDesign.has(member.phone));
    const alumniMember = alumniOnly[0]!.phone!;
    // A person the alumni group shows only by LID: matched to the moved registration by the phone behind it.
    const hiddenMember = alumni.participants.find((member) => member.phone === null && !member.isAdmin)!;
    const alumniHidden = demo.phoneBehind(hiddenMember.lid ?? '')!;
    const designMember = design.participants.find((member) => member.phone && !member.isAdmin)!.phone!;
    const [leaver, both, outsider, stranger] = ['919000000051', '919000000052', '919000000053', '919000000054'];
    const mapping = { name: null, phone: 'phone', email: null };
    await call(core, 'leads:import', {
      workshopId: source.id,
      csv: ['phone', designMember, alumniMember, alumniHidden, leaver, both, outsider].join('\n'),
      mapping,
    });
    await call(core, 'leads:import', { workshopId: target.id, csv: `phone\n${both}`, mapping });
    demo.simulate(design.jid, { join: [{ phone: leaver }] });
    await settle();
    clock.advance(60_000);
    demo.simulate(design.jid, { leave: [leaver] });
    await settle();
    await core.membership.whenFlushed();

    const before = await stats(source);
    expect(before).toMatchObject({ registered: 6, inGroup: 1, left: 1, missing: 4 });
    expect(await stats(target)).toMatchObject({ registered: 1, inGroup: 0, missing: 1, left: 0 });

    const outcome = await call(core, 'leads:move', {
      fromWorkshopId: source.id,
      toWorkshopId: target.id,
      // The stranger was never registered for the source (removed meanwhile, say).
      phones: [alumniMember, alumniHidden, leaver, both, stranger],
    });
    expect(outcome).toEqual({ moved: 3, alreadyInTarget: 1, notInSource: 1 });
    await settle();
    await core.membership.whenFlushed();

    expect(await registeredPhones(source)).toEqual([both, designMember, outsider].sort());
    expect(await registeredPhones(target)).toEqual([alumniHidden, alumniMember, both, leaver].sort());
    const after = { source: await stats(source), target: await stats(target) };
    // The leaver's join and leave stay in the design group's history; they now count among its non-registered leavers.
    expect(after.source).toMatchObject({ registered: 3, inGroup: 1, left: 0, missing: 2, leftNotRegistered: before.leftNotRegistered + 1 });
    // In the target they are judged by the alumni group: both alumni members are in it, the leaver never was.
    expect(after.target).toMatchObject({ registered: 4, inGroup: 2, left: 0, missing: 2 });
    for (const s of [after.source, after.target]) expect(partition(s)).toBe(s.registered);
    const targetMissing = await call(core, 'workshops:members', { id: target.id, tab: 'missing' });
    expect(targetMissing.map((row) => row.phone).sort()).toEqual([both, leaver].sort());
  });

  it('refuses the same workshop, an unknown target and an empty choice in plain words, and moves nothing', async () => {
    const mapping = { name: null, phone: 'phone', email: null };
    await call(core, 'leads:import', { workshopId: source.id, csv: 'phone\n919000000061\n919000000062', mapping });
    const same = await core.invoke('leads:move', { fromWorkshopId: source.id, toWorkshopId: source.id, phones: ['919000000061'] });
    expect(same).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/Choose another workshop/) } });
    const gone = await core.invoke('leads:move', {
      fromWorkshopId: source.id,
      toWorkshopId: 'ws_00000000-0000-4000-8000-000000000000',
      phones: ['919000000061'],
    });
    expect(gone).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const empty = await core.invoke('leads:move', { fromWorkshopId: source.id, toWorkshopId: target.id, phones: [] });
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/at least one/) } });
    const malformed = await core.invoke('leads:move', { fromWorkshopId: source.id, toWorkshopId: target.id, phones: ['+91 900'] });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await registeredPhones(source)).toEqual(['919000000061', '919000000062']);
    expect(await registeredPhones(target)).toEqual([]);
  });

  it('tells the other desktops: the sync outbox carries the source registration’s removal and the target’s new one, with its first date', async () => {
    const phone = '919000000071';
    await call(core, 'leads:import', {
      workshopId: source.id,
      csv: `phone\n${phone}`,
      mapping: { name: null, phone: 'phone', email: null },
    });
    const file = new BetterSqlite3(join(dir.path, 'console.sqlite'));
    try {
      const registeredAt = file.prepare('SELECT created_at FROM lead_assignments WHERE workshop_id = ?').pluck().get(source.id);
      // What an organisation's sign-in turns on: from now, changes are recorded for the other desktops.
      file.prepare('UPDATE sync_capture SET capturing = 1 WHERE id = 1').run();
      clock.advance(3_600_000);
      await call(core, 'leads:move', { fromWorkshopId: source.id, toWorkshopId: target.id, phones: [phone] });
      const outbox = file.prepare("SELECT op, row_key, payload FROM sync_outbox WHERE entity = 'lead_assignments' ORDER BY seq").all() as {
        op: string;
        row_key: string;
        payload: string;
      }[];
      expect(outbox.map((row) => [row.op, row.row_key])).toEqual([
        ['delete', `${source.id} ${phone}`],
        ['upsert', `${target.id} ${phone}`],
      ]);
      expect(JSON.parse(outbox[1]!.payload)).toMatchObject({ workshop_id: target.id, phone, created_at: registeredAt });
    } finally {
      file.close();
    }
  });
});
