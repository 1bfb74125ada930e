// The desktop side of sync on the real path (core → supabase-js → Deno desktop-sync →
// Postgres, fake GoTrue): how soon a join seen on WhatsApp is in Postgres, how many requests
// an idle console makes in an hour, and an end-to-end push of 10,000 membership changes
// from the core against a plain multi-row INSERT of the same rows in the same run.
import { defaultSyncTiming } from '../app/core/sync/sync-engine.js';
import { FakeClock } from '../tests/support/fake-clock.js';
import { freshPhones } from '../tests/support/sync/convergence.js';
import { startSyncWorld, TestPoke } from '../tests/support/sync/sync-world.js';
import { announce, check, goal, verdict, within } from './bench-checks.js';
import { percentile, printFigures } from './figures.js';

announce(
  'demo join → its workshop_group_members row visible in Postgres (production debounce); desktop-sync calls during one idle hour on the core clock; ' +
    'offline-then-online upload of 10,000 membership changes (settle) against one INSERT … SELECT of the same rows',
);

const waitFor = async (ready: () => Promise<boolean>, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const world = await startSyncWorld();
try {
  // 1. A local join reaching Postgres while online.
  const org = await world.organisation('Bench Live');
  const live = world.desktop({ timing: defaultSyncTiming });
  const sessionId = await live.linkDemo();
  const groupJid = (await live.call('groups:list', { sessionId }))[0]!.jid;
  await live.signIn(org);
  await within(live.settle(120_000), 130_000, 'first sync');
  const latencies: number[] = [];
  for (const phone of freshPhones(30)) {
    const started = performance.now();
    await live.call('demo:simulate', { sessionId, groupJid, join: [{ phone }] });
    await waitFor(
      async () =>
        (await world.sql`select 1 from workshop_group_members where organization_id = ${org.id} and phone = ${phone}`).length === 1,
      10_000,
      'join in Postgres',
    );
    latencies.push(performance.now() - started);
  }
  const p95 = percentile(latencies, 95);
  await live.stop();

  // 2. Requests in an idle hour, on the core's clock, without and with pokes.
  async function idleHour(withPoke: boolean): Promise<number> {
    const clock = new FakeClock(Date.now());
    const idleOrg = await world.organisation(`Bench Idle ${withPoke ? 'poke' : 'poll'}`);
    const idle = world.desktop({ clock, timing: defaultSyncTiming, ...(withPoke ? { poke: new TestPoke() } : {}) });
    await idle.signIn(idleOrg);
    await within(idle.settle(60_000), 70_000, 'idle first sync');
    const count = () => Object.values(world.gateway.calls).reduce((sum, value) => sum + value, 0);
    const before = count();
    for (let minute = 0; minute < 60; minute++) {
      const seen = count();
      clock.advance(60_000);
      // A poll due this minute has gone out and come back before the clock moves on.
      const due = withPoke ? minute % 10 === 9 : true;
      if (due) await waitFor(async () => count() > seen && (await idle.call('sync:status', {})).sync.state === 'idle', 10_000, 'poll');
    }
    const requests = count() - before;
    const status = await idle.call('sync:status', {});
    check(
      status.sync.pending === 0 && status.sync.state === 'idle',
      `idle desktop ended ${status.sync.state} with ${status.sync.pending} pending`,
    );
    await idle.stop();
    return requests;
  }
  const pollingRequests = await idleHour(false);
  const pokedRequests = await idleHour(true);

  // 3. 10,000 membership changes made offline, then uploaded.
  const bulkOrg = await world.organisation('Bench Bulk');
  const bulk = world.desktop({ timing: defaultSyncTiming });
  const bulkSession = await bulk.linkDemo();
  const bulkGroup = (await bulk.call('groups:list', { sessionId: bulkSession }))[0]!.jid;
  await bulk.signIn(bulkOrg);
  await within(bulk.settle(120_000), 130_000, 'bulk first sync');
  world.gateway.setFaults(() => 'drop-request');
  const people = freshPhones(5_000);
  await bulk.call('demo:simulate', { sessionId: bulkSession, groupJid: bulkGroup, join: people.map((phone) => ({ phone })) });
  await bulk.call('demo:simulate', { sessionId: bulkSession, groupJid: bulkGroup, leave: people });
  // 5,000 rows inserted and 5,000 updated, and 10,000 events: all in the outbox once the ingest has flushed.
  await waitFor(async () => (await bulk.call('sync:status', {})).sync.pending >= 20_000, 60_000, 'membership changes in the outbox');
  const pending = (await bulk.call('sync:status', {})).sync.pending;
  world.gateway.setFaults(() => 'pass');
  const uploadStarted = performance.now();
  await within(bulk.settle(300_000), 310_000, 'bulk upload');
  const uploadMs = performance.now() - uploadStarted;
  const [events] = await world.sql<
    { count: number }[]
  >`select count(*)::int from membership_events where organization_id = ${bulkOrg.id} and group_jid = ${bulkGroup}`;
  check(events!.count >= 10_000, `only ${events!.count} membership events reached Postgres`);
  await bulk.stop();

  // Baseline: the same number of event rows inserted by one statement, straight into Postgres.
  const baselineOrg = await world.organisation('Bench Baseline');
  const baselineStarted = performance.now();
  await world.sql`insert into membership_events (organization_id, event_id, group_jid, phone, action, source, occurred_at)
    select ${baselineOrg.id}, 'baseline:' || n, ${bulkGroup}, (256700000000 + n)::text, 'joined', 'live', now() from generate_series(1, ${pending}) n`;
  const baselineMs = performance.now() - baselineStarted;

  printFigures('Desktop sync', [
    [
      'local join → row in Postgres',
      `p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (${latencies.length} joins) — goal p95 < 1 s: ${goal('p95 < 1 s', p95 < 1_000)}`,
    ],
    ['idle hour, polling every 60 s', `${pollingRequests} desktop-sync calls`],
    [
      'idle hour, with pokes (poll every 10 min)',
      `${pokedRequests} desktop-sync calls (${(pollingRequests / Math.max(1, pokedRequests)).toFixed(1)}× fewer)`,
    ],
    [
      'upload of 10,000 membership changes',
      `${pending.toLocaleString()} outbox rows in ${(uploadMs / 1000).toFixed(1)} s = ${Math.round(pending / (uploadMs / 1000)).toLocaleString()} rows/s`,
    ],
    [
      'baseline: one INSERT … SELECT of as many rows',
      `${baselineMs.toFixed(0)} ms (the upload takes ${(uploadMs / baselineMs).toFixed(0)}× as long)`,
    ],
  ]);
} finally {
  await world.stop();
}
verdict();
