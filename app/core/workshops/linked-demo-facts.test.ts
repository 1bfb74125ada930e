import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { settle, startDemoCore } from '../../../tests/support/demo-core.js';
import type { Core } from '../composition-root.js';
import { call } from '../../../tests/support/console-call.js';
import type { SimulatedTransport } from '../whatsapp/simulator/simulated-transport.js';
import { demoPerson } from '../whatsapp/simulator/demo-world.js';

let dir: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let core: Core;
let demo: SimulatedTransport;
let sessionId: string;

beforeEach(async () => {
  dir = makeTempDir();
  clock = new FakeClock(Date.UTC(2026, 10, 22, 8, 0, 0));
  ({ core, demo, sessionId } = await startDemoCore(dir.path, clock));
});

afterEach(async () => {
  await core.stop();
  dir.remove();
});

describe('a linked group as the coordinator sees it', () => {
  it('gives the group the size Sync Members counted, in the group panel and the group list alike', async () => {
    const groups = await call(core, 'groups:sync', { sessionId });
    const listed = groups.find((candidate) => candidate.subject.startsWith('Product Design'))!;
    const workshop = await call(core, 'workshops:create', {
      name: 'Product Design',
      startsAtLocal: '2026-11-22T18:00',
      timeZone: 'Asia/Kolkata',
      durationMinutes: 120,
    });
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: listed.jid });
    // People join after the groups were listed, as they do while a coordinator sets up.
    demo.simulate(listed.jid, { join: Array.from({ length: 23 }, (_, i) => ({ phone: demoPerson(90_000 + i).phone })) });
    await settle();
    const { synced } = await call(core, 'workshops:sync-members', { id: workshop.id });
    expect(synced).toBe(listed.size + 23);
    const panel = (await call(core, 'workshops:get', { id: workshop.id })).group;
    expect(panel?.size).toBe(synced);
    const picker = (await call(core, 'groups:list', { sessionId })).find((candidate) => candidate.jid === listed.jid);
    expect(picker?.size).toBe(synced);
  });

  it('offers the demo group’s invite link as WhatsApp writes one: letters and digits after chat.whatsapp.com/', async () => {
    const groups = await call(core, 'groups:sync', { sessionId });
    for (const group of groups.filter((candidate) => candidate.isAdmin)) {
      expect(group.inviteLink).toMatch(/^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9]+$/);
    }
  });
});

describe('a connected account’s "Last active"', () => {
  it('moves to the time of its latest send, not the time it connected', async () => {
    const connectedAt = core.sessions.view(sessionId).lastActiveAt;
    const groups = await call(core, 'groups:sync', { sessionId });
    const workshop = await call(core, 'workshops:create', {
      name: 'Product Design',
      startsAtLocal: '2026-11-23T18:00',
      timeZone: 'Asia/Kolkata',
      durationMinutes: 120,
    });
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: groups[0]!.jid });
    clock.advance(12 * 60_000);
    let answered = false;
    const sending = core.invoke('messages:send-now', { workshopId: workshop.id, text: 'Slides are up!' }).finally(() => (answered = true));
    // The fake clock moves the send through its acknowledgement window.
    for (let i = 0; i < 200 && !answered; i++) {
      clock.advance(50);
      await settle();
    }
    expect(await sending).toMatchObject({ ok: true, value: { status: 'sent' } });
    const lastActive = Date.parse(core.sessions.view(sessionId).lastActiveAt ?? '');
    expect(lastActive).toBeGreaterThanOrEqual(Date.parse(connectedAt ?? '') + 12 * 60_000);
  });
});
