import { afterAll, describe, expect, it } from 'vitest';
import type { GroupSummary } from '../../shared/workshops/workshop-schemas.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { makeTempDir } from '../support/temp-dir.js';

const quick = { scanDelayMs: 200, churnIntervalMs: null, ackDelayMs: 20 };

/** A real crash: the headless process is killed with SIGKILL while the demo account's simulator holds the send (its holdSends test hook). */
describe('a crash in the middle of a send', () => {
  const dir = makeTempDir('console-e2e-crash-');
  let running: RunningConsole | undefined;
  afterAll(async () => {
    await running?.stop();
    dir.remove();
  });

  it('leaves the message uncertain after a restart, never sends it again by itself, and resends it once on request', async () => {
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ ...quick, holdSends: true }) });
    let api = await connectConsole(running.url);
    const opened = api.event('sessions:changed', (session) => session.state === 'open');
    const session = await api.call('sessions:create', { kind: 'simulator' });
    await opened;
    const group = (await api.call('groups:sync', { sessionId: session.id }))[0] as GroupSummary;
    const workshop = await api.call('workshops:create', {
      name: 'Crash test',
      startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
      joinLink: 'https://meet.example.org/crash',
    });
    await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group.jid });

    const claimed = api.event('messages:changed');
    void api.call('messages:send-now', { workshopId: workshop.id, text: 'Doors open in 5 minutes' }).catch(() => undefined);
    const { id } = await claimed;
    const inFlight = async () => (await api.call('messages:list', { workshopId: workshop.id, scope: 'all' })).find((m) => m.id === id);
    await expect.poll(async () => (await inFlight())?.status, { timeout: 10_000 }).toBe('sending');
    const messageId = (await inFlight())?.messageId;
    expect(messageId).toMatch(/^3EB0/);

    await running.kill();
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify(quick) });
    api = await connectConsole(running.url);
    await expect.poll(async () => (await api.call('sessions:list', {}))[0]?.state, { timeout: 10_000 }).toBe('open');

    const after = (await api.call('messages:list', { workshopId: workshop.id, scope: 'all' })).find((m) => m.id === id);
    expect(after).toMatchObject({
      status: 'uncertain',
      messageId,
      lastError: expect.stringMatching(/stopped while this message was being sent/),
    });
    const history = () => api.call('demo:history', { sessionId: session.id, groupJid: group.jid });

    // Nothing re-sends it by itself; the operator decides. A quick send queued after the
    // restart goes out on the same account after anything the sender would have re-sent, so
    // once it is in the group's history, a resend of its own would be there too.
    const marker = await api.call('messages:send-now', { workshopId: workshop.id, text: 'Marker after the restart' });
    expect(marker.status).toBe('sent');
    const sentIds = (await history()).map((record) => record.messageId);
    expect(sentIds).toContain(marker.messageId);
    expect(sentIds).not.toContain(messageId);
    await api.call('messages:resend', { id });
    await expect.poll(async () => (await inFlightAfter(api, workshop.id, id))?.status, { timeout: 15_000 }).toBe('sent');
    expect((await history()).filter((record) => record.messageId === messageId)).toHaveLength(1);
    api.close();
  });
});

async function inFlightAfter(api: Awaited<ReturnType<typeof connectConsole>>, workshopId: string, id: string) {
  return (await api.call('messages:list', { workshopId, scope: 'all' })).find((m) => m.id === id);
}
