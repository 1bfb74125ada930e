import { afterAll, describe, expect, it } from 'vitest';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('the headless console run without --test-hooks', () => {
  const dir = makeTempDir('console-e2e-hooks-');
  let running: RunningConsole | undefined;
  afterAll(async () => {
    await running?.stop();
    dir.remove();
  });

  it('ignores CONSOLE_SIMULATOR, says so, and sends as usual instead of holding the send', async () => {
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ holdSends: true }) }, { testHooks: false });
    await expect
      .poll(() => running!.output(), { timeout: 10_000 })
      .toMatch(/CONSOLE_SIMULATOR is ignored: it is a test hook, read only with --test-hooks/);
    const api = await connectConsole(running.url);
    const opened = api.event('sessions:changed', (session) => session.state === 'open');
    const session = await api.call('sessions:create', { kind: 'simulator' });
    await opened;
    const [group] = await api.call('groups:sync', { sessionId: session.id });
    const workshop = await api.call('workshops:create', {
      name: 'Hooks off',
      startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });
    await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group!.jid });
    // With the hook read, this send would be held and stay "sending".
    const sent = await api.call('messages:send-now', { workshopId: workshop.id, text: 'Doors open' });
    expect(sent.status).toBe('sent');
    api.close();
  });
});
