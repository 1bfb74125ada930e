// Membership at the sizes coordinators reach: Sync Members on a 1,024-member group (the
// database reconcile only: the group metadata comes from the in-process simulator, with no
// network and no Baileys decode), ingest of 10,000 participant events against a raw
// better-sqlite3 insert loop in the same run, and stats/tab queries for 50,000 leads.
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import type { MemberTab, Workshop } from '../shared/workshops/workshop-schemas.js';
import { FakeClock } from '../tests/support/fake-clock.js';
import { createCore } from '../app/core/composition-root.js';
import { openDatabase } from '../app/core/database/open-database.js';
import { createSilentLogger } from '../app/core/logging/logger.js';
import { DEMO_ACCOUNT } from '../app/core/whatsapp/simulator/demo-world.js';
import type { SimulatedTransport } from '../app/core/whatsapp/simulator/simulated-transport.js';
import { createTransportFactory } from '../app/core/whatsapp/transport-factory.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, goal, verdict } from './bench-checks.js';
import { median, printFigures } from './figures.js';
import { call } from '../tests/support/console-call.js';

announce(
  'workshops:sync-members against simulator metadata; workshops:get and workshops:members for 50,000 leads; MembershipService ingest of 10,000 join events against a raw INSERT loop',
);

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

async function time<T>(action: () => Promise<T> | T): Promise<[number, T]> {
  const started = performance.now();
  const result = await action();
  return [performance.now() - started, result];
}

const dir = makeTempDir('bench-membership-');
const clock = new FakeClock();
const factory = createTransportFactory({
  simulator: {
    scanDelayMs: 0,
    churnIntervalMs: null,
    ackDelayMs: 0,
    groups: [{ subject: 'Cohort', members: 1_024, addressing: 'lid', unknownPhoneShare: 0.1 }],
  },
});
let demo: SimulatedTransport | undefined;
const core = createCore({
  shell: 'headless',
  dataDir: dir.path,
  appVersion: 'bench',
  clock,
  logger: createSilentLogger(),
  whatsApp: { create: (kind, context) => (demo = factory.create(kind, context) as SimulatedTransport) },
});
core.start();
const session = await call(core, 'sessions:create', { kind: 'simulator' });
clock.advance(0);
await settle();
clock.advance(200);
await settle();
const [group] = await core.sessions.connection(session.id).listGroups();
if (!group || !demo) throw new Error('demo group missing');

// 50,000 leads, 900 of them in the group.
// Not the demo account itself: its US number is a different lead once read as an Indian one.
const phones = group.participants
  .flatMap((member) => (member.phone && member.phone !== DEMO_ACCOUNT.phone ? [member.phone] : []))
  .slice(0, 900);
const leads = [...phones, ...Array.from({ length: 50_000 - phones.length }, (_, i) => `91${8_000_000_000 + i}`)];
const workshop = await call(core, 'workshops:create', {
  name: 'Bench',
  startsAtLocal: '2026-12-01T18:00',
  timeZone: 'Asia/Kolkata',
  durationMinutes: 60,
});
const [importMs] = await time(() =>
  call(core, 'leads:import', {
    workshopId: workshop.id,
    csv: `phone\n${leads.join('\n')}`,
    mapping: { name: null, phone: 'phone', email: null },
  }),
);

const [firstLinkMs] = await time(() => call(core, 'workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group.jid }));
const syncs: number[] = [];
for (let run = 0; run < 10; run++) {
  const [ms, result] = await time(() => call(core, 'workshops:sync-members', { id: workshop.id }));
  syncs.push(ms);
  check(
    result.synced === group.participants.length && result.marked_left === 0,
    `sync ${run} reported ${JSON.stringify(result)} for ${group.participants.length} members`,
  );
}

const statsRuns: number[] = [];
const tabRuns: Record<string, number[]> = { missing: [], left: [], 'in-group': [], 'not-registered': [] };
let stats: Workshop['stats'] | undefined;
const tabRows: Record<string, number> = {};
for (let run = 0; run < 10; run++) {
  const [ms, got] = await time(() => call(core, 'workshops:get', { id: workshop.id }));
  statsRuns.push(ms);
  stats = got.stats;
  for (const tab of Object.keys(tabRuns) as MemberTab[]) {
    const [tabMs, rows] = await time(() => call(core, 'workshops:members', { id: workshop.id, tab }));
    tabRuns[tab]?.push(tabMs);
    tabRows[tab] = rows.length;
  }
}
check(stats?.registered === leads.length, `registered ${stats?.registered} instead of ${leads.length}`);
check(stats?.inGroup === phones.length, `in group ${stats?.inGroup} instead of ${phones.length}`);
check(
  tabRows['in-group'] === stats?.inGroup && tabRows.missing === stats?.missing,
  `tab rows ${JSON.stringify(tabRows)} disagree with the stats ${JSON.stringify(stats)}`,
);

// Ingest: 10,000 single-participant join events, all queued in one tick (the best case for
// group commit; one transaction per event is the worst case, measured below), then the same
// rows through a raw prepared insert loop on a fresh database of the same schema.
const EVENTS = 10_000;
const ingestGroup = '120363999999999999@g.us';
const ingestRuns: number[] = [];
for (let run = 0; run < 3; run++) {
  const [ms] = await time(async () => {
    for (let i = 0; i < EVENTS; i++) {
      core.membership.ingestParticipants({
        groupJid: `${run}${ingestGroup}`,
        action: 'add',
        participants: [
          { jid: `${400_000_000_000_000 + i}@lid`, lid: `${400_000_000_000_000 + i}@lid`, phone: `91${7_000_000_000 + i}`, isAdmin: false },
        ],
        at: clock.now(),
      });
    }
    await core.membership.whenFlushed();
  });
  ingestRuns.push(ms);
}
const ingestMs = median(ingestRuns);
const [oneByOneMs] = await time(async () => {
  for (let i = 0; i < 1_000; i++) {
    core.membership.ingestParticipants({
      groupJid: `0${ingestGroup}`,
      action: 'remove',
      participants: [
        { jid: `${400_000_000_000_000 + i}@lid`, lid: `${400_000_000_000_000 + i}@lid`, phone: `91${7_000_000_000 + i}`, isAdmin: false },
      ],
      at: clock.now(),
    });
    await core.membership.whenFlushed();
  }
});
await core.stop();
const written = new BetterSqlite3(join(dir.path, 'console.sqlite'), { readonly: true });
const countMembers = written.prepare('SELECT count(*) FROM workshop_group_members WHERE group_jid = ? AND status = ?').pluck();
for (let run = 0; run < 3; run++) {
  const active =
    (countMembers.get(`${run}${ingestGroup}`, 'active') as number) + (countMembers.get(`${run}${ingestGroup}`, 'left') as number);
  check(active === EVENTS, `ingest run ${run} stored ${active} of ${EVENTS} members`);
}
check(countMembers.get(`0${ingestGroup}`, 'left') === 1_000, 'the 1,000 leave events were not all stored');
written.close();

const rawDir = makeTempDir('bench-raw-');
const { db: raw } = openDatabase({ path: join(rawDir.path, 'raw.sqlite') });
const insert = raw.prepare(
  `INSERT INTO workshop_group_members (group_jid, lid, phone, status, joined_at, joined_source, is_admin, created_at, updated_at)
   VALUES (?, ?, ?, 'active', ?, 'live', 0, ?, ?)`,
);
const now = new Date().toISOString();
const rawRuns: number[] = [];
for (let run = 0; run < 3; run++) {
  rawRuns.push(
    (
      await time(() =>
        raw.transaction(() => {
          for (let i = 0; i < EVENTS; i++)
            insert.run(`${run}${ingestGroup}`, `${400_000_000_000_000 + i}@lid`, `91${7_000_000_000 + i}`, now, now, now);
        })(),
      )
    )[0],
  );
}
const rawMs = median(rawRuns);
// The same rows the ingest writes: each member row and its event-log row.
const event = raw.prepare(
  "INSERT INTO membership_events (group_jid, member_id, action, source, occurred_at) VALUES (?, ?, 'joined', 'live', ?)",
);
const rawWithEventsRuns: number[] = [];
for (let run = 3; run < 6; run++) {
  rawWithEventsRuns.push(
    (
      await time(() =>
        raw.transaction(() => {
          for (let i = 0; i < EVENTS; i++) {
            const id = insert.run(
              `${run}${ingestGroup}`,
              `${400_000_000_000_000 + i}@lid`,
              `91${7_000_000_000 + i}`,
              now,
              now,
              now,
            ).lastInsertRowid;
            event.run(`${run}${ingestGroup}`, id, now);
          }
        })(),
      )
    )[0],
  );
}
const rawWithEventsMs = median(rawWithEventsRuns);
raw.close();
rawDir.remove();
dir.remove();

const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000).toLocaleString('en');
printFigures('membership', [
  ['import 50,000 leads from CSV', `${importMs.toFixed(0)} ms`],
  ['link group + first Sync Members, 1,024 members', `${firstLinkMs.toFixed(1)} ms`],
  ['Sync Members, 1,024 members (reconcile only: simulator metadata, no network), median of 10', `${median(syncs).toFixed(1)} ms`],
  [`stats for 50,000 leads × 1,024 members (${stats?.inGroup} in group), median of 10`, `${median(statsRuns).toFixed(1)} ms`],
  ...Object.entries(tabRuns).map(([tab, runs]): [string, string] => [`tab "${tab}", median of 10`, `${median(runs).toFixed(1)} ms`]),
  [
    `ingest ${EVENTS.toLocaleString('en')} join events queued in one tick (group commit, best case), median of 3`,
    `${perSecond(EVENTS, ingestMs)} events/s`,
  ],
  [
    `raw prepared INSERT loop, same ${EVENTS.toLocaleString('en')} rows, one transaction, median of 3`,
    `${perSecond(EVENTS, rawMs)} rows/s`,
  ],
  ['ratio ingest / raw', `${(rawMs / ingestMs).toFixed(2)}, goal ${goal('≥ 0.5', rawMs / ingestMs >= 0.5)}`],
  ['raw loop writing member + event-log row per event, median of 3', `${perSecond(EVENTS, rawWithEventsMs)} events/s`],
  ['ratio ingest / raw with event log', `${(rawWithEventsMs / ingestMs).toFixed(2)}`],
  ['worst case: 1,000 leave events, one transaction each', `${perSecond(1_000, oneByOneMs)} events/s`],
]);
verdict();
