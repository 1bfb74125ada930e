import type { BinaryNode } from '@whiskeysockets/baileys';
import { getBinaryNodeChild } from '@whiskeysockets/baileys';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScheduledMessage } from '../../shared/messages/message-schemas.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { seededRandom } from '../support/sync/convergence.js';
import { makeTempDir } from '../support/temp-dir.js';
import { inTwoDaysLocal, sleep, waitFor } from '../support/whatsapp-server/real-console.js';
import { WhatsAppServer } from '../support/whatsapp-server/whatsapp-server.js';
import { groupJid, type SimUser } from '../support/whatsapp-server/world.js';

const SEED = 20_261_201;
const KILLS = 20;
const MEMBERS = 500;
/** Members whose phones decrypt every message (all 500 would cost the server seconds per send). */
const WATCHERS = 24;
const MESSAGES = 28;
/** Twenty restarts of a real console on a shared two-core machine: a deadline, not a speed check. */
const RUN_DEADLINE_MS = 600_000;
/**
 * The longest one kill point waits for what it is aimed at before killing anyway. On a loaded
 * machine the key distribution of a first send to 500 members can outlast it: that kill then
 * lands mid-distribution, which is a point of the run too (and the log says so).
 */
const POINT_DEADLINE_MS = 15_000;

/**
 * Where a kill lands, in protocol terms so a seed replays the same run: a while after the
 * console is ready (login, catch-up, pacing, a send), on the key look-ups a send makes before it
 * writes (the row is claimed, nothing has left), or a while after the n-th message stanza
 * reached WhatsApp (written, inside or after the error-ack window).
 */
type KillPoint = { kind: 'after-ready'; delayMs: number } | { kind: 'send-queries' } | { kind: 'after-stanza'; n: number; delayMs: number };

function killPoints(seed: number): KillPoint[] {
  const random = seededRandom(seed);
  return Array.from({ length: KILLS }, (): KillPoint => {
    const pick = random();
    if (pick < 0.3) return { kind: 'after-ready', delayMs: Math.round(random() * 6_000) };
    if (pick < 0.5) return { kind: 'send-queries' };
    return { kind: 'after-stanza', n: 1 + Math.floor(random() * 2), delayMs: Math.round(random() * 2_500) };
  });
}

const isSendQuery = (node: BinaryNode): boolean =>
  node.tag === 'iq' && (node.attrs.xmlns === 'usync' || (node.attrs.xmlns === 'encrypt' && Boolean(getBinaryNodeChild(node, 'key'))));

/**
 * The real headless console, its real Baileys session pointed at a local WhatsApp server, is
 * killed (SIGKILL) at seeded points of a run of reminders to a 500-member group. The server's
 * own record, what the members' phones decrypted, is the judge.
 */
describe('SIGKILL at 20 points of a reminder run to a 500-member group over real Baileys', () => {
  const dir = makeTempDir('console-e2e-crash-real-');
  let server: WhatsAppServer | undefined;
  let running: RunningConsole | undefined;
  afterAll(async () => {
    await running?.kill();
    await server?.close();
    dir.remove();
  });

  it(
    'no member decrypts any reminder twice, nothing WhatsApp accepted is lost or marked failed, and every row ends sent, failed or uncertain',
    async () => {
      server = await WhatsAppServer.start();
      const world = server.world;
      const members = world.addUsers(MEMBERS);
      const pick = seededRandom(SEED + 1);
      const watchers = new Set<SimUser>();
      while (watchers.size < WATCHERS) watchers.add(members[Math.floor(pick() * MEMBERS)] as SimUser);
      for (const watcher of watchers) world.watching.add(watcher);
      const group = world.addGroup('Cohort 500', members, { addressingMode: 'lid' });
      const [firstWatcher] = [...watchers] as [SimUser];
      // One member's phone confirms delivery shortly after each accepted message.
      server.behaviour.autoReceipts = () => [{ user: firstWatcher, kind: 'delivery', delayMs: 150 }];

      const env = { CONSOLE_WHATSAPP_SERVER: server.url };
      running = await startHeadlessConsole(dir.path, [], env);
      let api = await connectConsole(running.url);
      const qr = api.event('sessions:changed', (view) => Boolean(view.qr));
      const session = await api.call('sessions:create', { kind: 'baileys' });
      server.scan((await qr).qr as string);
      const sessionState = async () => (await api.call('sessions:list', {})).find((view) => view.id === session.id)?.state;
      await expect.poll(sessionState, { timeout: 30_000 }).toBe('open');
      await api.call('groups:sync', { sessionId: session.id });
      const workshop = await api.call('workshops:create', {
        name: 'Cohort 500',
        startsAtLocal: inTwoDaysLocal(),
        timeZone: 'Asia/Kolkata',
        durationMinutes: 60,
      });
      await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: groupJid(group) });

      const texts = Array.from({ length: MESSAGES }, (_, index) => `Reminder ${index + 1} of ${MESSAGES}: doors open at 18:00`);
      const list = () => api.call('messages:list', { workshopId: workshop.id, scope: 'all' });
      // A quick send waits for its outcome; the run is judged from the rows, so nobody waits here.
      for (const text of texts) void api.call('messages:send-now', { workshopId: workshop.id, text }).catch(() => undefined);
      await expect.poll(async () => (await list()).length, { timeout: 10_000 }).toBe(MESSAGES);

      const landed: string[] = [];
      for (const point of killPoints(SEED)) {
        const victim: RunningConsole = running;
        let stanzas = 0;
        let aimed = false;
        const kill = () => {
          aimed = true;
          victim.process.kill('SIGKILL');
        };
        const dead = new Promise<void>((resolve) => victim.process.once('exit', () => resolve()));
        if (point.kind === 'after-ready') setTimeout(kill, point.delayMs);
        server.behaviour.observe = (node) => {
          if (point.kind === 'send-queries' && isSendQuery(node)) kill();
          if (point.kind === 'after-stanza' && node.tag === 'message' && ++stanzas === point.n) setTimeout(kill, point.delayMs);
        };
        const fallback = setTimeout(() => victim.process.kill('SIGKILL'), POINT_DEADLINE_MS);
        await dead;
        clearTimeout(fallback);
        server.behaviour.observe = () => undefined;
        landed.push(aimed ? point.kind : `${point.kind} (not reached: killed after ${POINT_DEADLINE_MS / 1000} s)`);
        api.close();
        await waitFor(() => server?.openCount === 0, 'the server to see the killed console go');
        running = await startHeadlessConsole(dir.path, [], env);
        api = await connectConsole(running.url);
      }

      // The last start runs to the end of the queue by itself.
      await expect.poll(sessionState, { timeout: 30_000 }).toBe('open');
      const unfinished = (rows: ScheduledMessage[]) => rows.filter((row) => row.status === 'pending' || row.status === 'sending');
      await expect.poll(async () => unfinished(await list()).length, { timeout: 180_000, interval: 500 }).toBe(0);
      await server.idle();
      // Nothing uncertain is sent again by itself: the record does not grow while the console runs on.
      const stanzasBefore = world.stanzas.length;
      await sleep(3_000);
      await server.idle();
      expect(world.stanzas.length).toBe(stanzasBefore);

      const rows = await list();
      const byText = new Map(rows.map((row) => [row.body, row]));
      const accepted = world.stanzas.filter((stanza) => stanza.attrs.to === groupJid(group));
      const textOf = new Map(world.copies.map((copy) => [copy.messageId, copy.text]));
      const summary = rows
        .map((row) => row.status)
        .reduce<Record<string, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
      console.log(
        `kill points (seed ${SEED}): ${landed.join(', ')}\n` +
          `rows: ${JSON.stringify(summary)}; stanzas WhatsApp accepted: ${accepted.length}; ` +
          `rows marked uncertain by a crash: ${rows.filter((row) => /stopped while/.test(row.lastError ?? '')).length}`,
      );

      for (const row of rows) expect(['sent', 'failed', 'uncertain']).toContain(row.status);
      for (const text of texts) {
        const row = byText.get(text);
        const copies = world.copiesOf(text);
        for (const [member, count] of copies) {
          // Never twice, for anyone.
          expect(count, `${member.name}: copies of "${text}"`).toBeLessThanOrEqual(1);
          // "Sent" is a promise that it arrived.
          if (row?.status === 'sent') expect(count, `${member.name} did not get "${text}", which the console calls sent`).toBe(1);
        }
      }
      for (const stanza of accepted) {
        const text = textOf.get(stanza.attrs.id ?? '');
        // Every stanza WhatsApp accepted was one of the run's reminders, decrypted by the members…
        expect(text, `stanza ${stanza.attrs.id} was not decrypted by any member`).toBeDefined();
        const row = byText.get(text ?? '');
        // …and its row knows it may have gone: sent, or waiting for the operator, never failed or lost.
        expect(row?.messageId).toBe(stanza.attrs.id);
        expect(['sent', 'uncertain']).toContain(row?.status);
      }
      // Every reminder that never reached WhatsApp still waits for the operator (none silently dropped as sent).
      const reached = new Set(accepted.map((stanza) => textOf.get(stanza.attrs.id ?? '')));
      for (const row of rows) if (!reached.has(row.body)) expect(row.status).not.toBe('sent');
      expect(accepted.length).toBeGreaterThan(0);
      api.close();
    },
    RUN_DEADLINE_MS,
  );
});
