import { beforeAll, describe, expect, it } from 'vitest';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import { expectSameAsServer, freshPhones, seededRandom } from '../support/sync/convergence.js';
import type { Fault } from '../support/sync/lossy-gateway.js';
import type { Desktop, SyncWorld } from '../support/sync/sync-world.js';
import { syncWorldForTheseTests } from '../support/sync/sync-world-per-file.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';

const backend = backendRequirement();

/**
 * The real path — supabase-js in the core, Deno serving desktop-sync, Postgres — with the
 * network misbehaving in each direction. However requests and answers are lost, once the
 * network is back and sync settles, nothing is missing and nothing is doubled.
 */
describe.skipIf(!backend.available)('sync through a lossy network', () => {
  let world!: SyncWorld;
  let desktop: Desktop;
  let organisationId: string;
  let sessionId: string;
  let groupJid: string;

  syncWorldForTheseTests((started) => (world = started));
  beforeAll(async () => {
    const org = await world.organisation('Lossy Links');
    organisationId = org.id;
    desktop = world.desktop();
    sessionId = await desktop.linkDemo();
    groupJid = (await desktop.call('groups:list', { sessionId }))[0]!.jid;
    const workshop = await desktop.call('workshops:create', {
      name: 'Pottery',
      startsAtLocal: localTimeInDays(30, '18:00', 'Africa/Kampala'),
      timeZone: 'Africa/Kampala',
      durationMinutes: 90,
    });
    await desktop.call('workshops:link-group', { id: workshop.id, sessionId, groupJid });
    for (const phone of freshPhones(3))
      await desktop.call('leads:add', { workshopId: workshop.id, phone: `+${phone}`, name: 'Registered' });
    await desktop.signIn(org);
    await desktop.settle();
    await expectSameAsServer(desktop, world.sql, organisationId);
  });

  /** Members join and leave while `fault` decides each call's fate, then the network heals. */
  async function churnThrough(fault: (random: () => number) => Fault, seed: number) {
    const random = seededRandom(seed);
    world.gateway.setFaults(() => fault(random));
    try {
      for (let round = 0; round < 6; round++) {
        const joiners = freshPhones(25);
        await desktop.call('demo:simulate', { sessionId, groupJid, join: joiners.map((phone) => ({ phone })) });
        await desktop.call('demo:simulate', { sessionId, groupJid, leave: joiners.slice(0, 10) });
        // Some syncs fail, some succeed; each is a full cycle attempt against the faults.
        await desktop.call('sync:now', {});
      }
    } finally {
      world.gateway.setFaults(() => 'pass');
    }
    await desktop.settle();
  }

  it('loses half the answers (the server did the work), then converges with nothing doubled', async () => {
    const before = world.gateway.faults['drop-response'];
    await churnThrough((random) => (random() < 0.5 ? 'drop-response' : 'pass'), 11);
    expect(world.gateway.faults['drop-response']).toBeGreaterThan(before);
    await expectSameAsServer(desktop, world.sql, organisationId);
  });

  it('loses half the requests (the server never saw them), then converges', async () => {
    const before = world.gateway.faults['drop-request'];
    await churnThrough((random) => (random() < 0.5 ? 'drop-request' : 'pass'), 22);
    expect(world.gateway.faults['drop-request']).toBeGreaterThan(before);
    await expectSameAsServer(desktop, world.sql, organisationId);
  });

  it('loses requests and answers alike, then converges', async () => {
    await churnThrough((random) => {
      const roll = random();
      return roll < 0.3 ? 'drop-request' : roll < 0.6 ? 'drop-response' : 'pass';
    }, 33);
    await expectSameAsServer(desktop, world.sql, organisationId);
  });

  it('survives the function server being killed in the middle of a push', async () => {
    const joiners = freshPhones(400);
    await desktop.call('demo:simulate', { sessionId, groupJid, join: joiners.map((phone) => ({ phone })) });
    let killed: Promise<void> | null = null;
    world.gateway.setFaults((call) => {
      if (call.kind === 'push' && !killed)
        killed = new Promise((resolve) => setTimeout(resolve, 15)).then(() => world.stack.restartFunctions());
      return 'pass';
    });
    const status = await desktop.call('sync:now', {});
    expect(killed).not.toBeNull();
    await killed;
    world.gateway.setFaults(() => 'pass');
    // The push in flight died with the server; the loop retries by itself after its backoff, or now.
    expect(['offline', 'error', 'idle']).toContain(status.sync.state);
    await desktop.settle();
    await expectSameAsServer(desktop, world.sql, organisationId);
    const [events] = await world.sql<
      { count: number }[]
    >`select count(*)::int from membership_events where organization_id = ${organisationId}`;
    expect(events!.count).toBe((await desktop.localRows('membership_events')).length);
  });
});
