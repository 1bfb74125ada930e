import { describe, expect, it } from 'vitest';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { expectSameAsServer, freshPhones } from '../support/sync/convergence.js';
import { replaceStoredAccessToken } from '../support/sync/stored-session.js';
import type { SyncWorld } from '../support/sync/sync-world.js';
import { syncWorldForTheseTests } from '../support/sync/sync-world-per-file.js';
import { makeTempDir } from '../support/temp-dir.js';

const backend = backendRequirement();
const quick = JSON.stringify({ scanDelayMs: 100, churnIntervalMs: null, ackDelayMs: 0 });

describe.skipIf(!backend.available)('sync after a crash or a long time offline', () => {
  let world!: SyncWorld;
  syncWorldForTheseTests((started) => (world = started));

  it('a console SIGKILLed in the middle of its first upload picks up by itself after a restart, and loses or doubles nothing', async () => {
    const org = await world.organisation('Killed Mid-Sync');
    const dir = makeTempDir('console-sync-kill-');
    let running: RunningConsole | undefined = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: quick });
    try {
      let api = await connectConsole(running.url);
      const opened = api.event('sessions:changed', (session) => session.state === 'open');
      const session = await api.call('sessions:create', { kind: 'simulator' });
      await opened;
      const [group] = await api.call('groups:sync', { sessionId: session.id });
      await api.call('demo:simulate', {
        sessionId: session.id,
        groupJid: group!.jid,
        join: freshPhones(2_000).map((phone) => ({ phone })),
      });

      // The console dies a moment after its first push reaches the server.
      let pushes = 0;
      const console1 = running;
      const killed = new Promise<void>((resolve) => {
        world.gateway.setFaults((call) => {
          if (call.kind === 'push' && ++pushes === 2) setTimeout(() => void console1.kill().then(resolve), 10);
          return 'pass';
        });
      });
      await api.call('backend:configure', { url: world.gateway.url, publishableKey: world.stack.publishableKey });
      void api.call('backend:sign-in', { email: org.email, password: org.password }).catch(() => undefined);
      await killed;
      world.gateway.setFaults(() => 'pass');
      const [uploaded] = await world.sql<
        { count: number }[]
      >`select count(*)::int from membership_events where organization_id = ${org.id}`;
      expect(uploaded!.count).toBeLessThan(2_000);

      // Restarted, it is still signed in (the session was stored sealed) and carries on without being asked.
      running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: quick });
      api = await connectConsole(running.url);
      const deadline = Date.now() + 60_000;
      let status = await api.call('sync:status', {});
      while (!(status.sync.pending === 0 && status.sync.state === 'idle' && status.sync.lastSyncedAt)) {
        if (Date.now() > deadline) throw new Error(`no recovery within 60 s: ${JSON.stringify(status.sync)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = await api.call('sync:status', {});
      }
      expect(status.user?.email).toBe(org.email);
      api.close();
      await running.stop();
      running = undefined;
      await expectSameAsServer({ dataDir: dir.path }, world.sql, org.id);
    } finally {
      await running?.kill();
      dir.remove();
    }
  });

  it('a desktop offline for a day with 10,000 membership changes catches up: every event once, members as WhatsApp has them', async () => {
    const org = await world.organisation('A Day Offline');
    const desktop = world.desktop();
    const sessionId = await desktop.linkDemo();
    const groupJid = (await desktop.call('groups:list', { sessionId }))[0]!.jid;
    const signedIn = await desktop.signIn(org);
    await desktop.settle();

    world.gateway.setFaults(() => 'drop-request');
    try {
      const people = freshPhones(5_000);
      await desktop.call('demo:simulate', { sessionId, groupJid, join: people.map((phone) => ({ phone })) });
      await desktop.call('demo:simulate', { sessionId, groupJid, leave: people });
      const offline = await desktop.call('sync:now', {});
      expect(offline.sync.state).toBe('offline');
      expect(offline.sync.pending).toBeGreaterThanOrEqual(10_000);
    } finally {
      world.gateway.setFaults(() => 'pass');
    }
    // A day later the access token has long expired by the backend's clock.
    replaceStoredAccessToken(desktop.dataDir, await world.stack.gotrue.issueAccessToken(signedIn.user!.id, { expiresInSeconds: -86_400 }));
    const pushesBefore = world.gateway.calls.push ?? 0;
    await desktop.settle(240_000);
    const pushes = (world.gateway.calls.push ?? 0) - pushesBefore;
    // 20,000-odd changes in requests of at most 500 (one refused for the expired token, then retried).
    expect(pushes).toBeLessThanOrEqual(Math.ceil(20_100 / 500) + 2);
    await expectSameAsServer(desktop, world.sql, org.id, ['workshop_group_members', 'membership_events', 'whatsapp_groups']);
    const [counts] = await world.sql<{ joined: number; left: number }[]>`
      select count(*) filter (where action = 'joined')::int as joined, count(*) filter (where action = 'left')::int as left
      from membership_events where organization_id = ${org.id} and group_jid = ${groupJid}`;
    expect(counts!.left).toBeGreaterThanOrEqual(5_000);
    expect(counts!.joined).toBeGreaterThanOrEqual(5_000);
    await desktop.stop();
  }, 300_000);
});
