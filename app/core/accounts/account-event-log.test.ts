import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountEvent } from '../../../shared/sessions/account-events.js';
import { call } from '../../../tests/support/console-call.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { ScriptedConnection, scriptedGroup } from '../../../tests/support/scripted-connection.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { createTestCore } from '../../../tests/support/test-core.js';
import type { Core } from '../composition-root.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

let dir: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let core: Core;
let connection: ScriptedConnection;
let id: string;
let live: AccountEvent[];

function start(): Core {
  const started = createTestCore({
    dataDir: dir.path,
    clock,
    whatsApp: { create: (_kind, context) => (connection = new ScriptedConnection(context)) },
    random: () => 1,
  });
  live = [];
  started.subscribe((event, payload) => event === 'sessions:event-logged' && live.push(payload as AccountEvent));
  started.start();
  return started;
}

beforeEach(async () => {
  dir = makeTempDir();
  clock = new FakeClock();
  core = start();
  id = (await call(core, 'sessions:create', { kind: 'baileys' })).id;
  await settle();
});
afterEach(async () => {
  await core.stop();
  dir.remove();
});

const lines = async () => (await call(core, 'sessions:events', { id })).map((event) => [event.kind, event.text]);

describe("an account's event log", () => {
  it('says in words when it connected, dropped and why, was logged out elsewhere and showed a QR, newest first and pushed live', async () => {
    connection.emit('qr', 'QR-1');
    connection.emit('qr', 'QR-2');
    connection.connect();
    connection.drop('network');
    clock.advance(1_000);
    await settle();
    connection.connect();
    connection.drop('logged-out');

    expect(await lines()).toEqual([
      [
        'logged-out',
        'Logged out elsewhere: The phone unlinked this console, or WhatsApp ended the session. Link again with a new QR code.',
      ],
      ['connected', 'Connected as Coordinator (+91 98188 61043).'],
      ['disconnected', 'Disconnected: the connection to WhatsApp dropped (scripted). The console tries again by itself.'],
      ['connected', 'Connected as Coordinator (+91 98188 61043).'],
      // A fresh QR every 20 s is the same step, said once.
      ['qr-shown', 'A QR code is shown to link this account: scan it with WhatsApp on the phone.'],
    ]);
    expect(live.map((event) => event.kind)).toEqual(['qr-shown', 'connected', 'disconnected', 'connected', 'logged-out']);
  });

  it('logs out but keeps the account: its name stays, its keys go, and linking again shows a new QR', async () => {
    connection.connect();
    connection.context.auth.set([{ category: 'pre-key', id: '1', value: '{"secret":true}' }]);
    await call(core, 'sessions:rename', { id, label: 'Front desk' });
    const view = await call(core, 'sessions:logout', { id });
    expect(view).toMatchObject({ label: 'Front desk', state: 'logged-out', nextStep: expect.stringMatching(/Link again/) });
    expect(connection.context.auth.get('pre-key', ['1']).size).toBe(0);
    expect((await call(core, 'sessions:list', {})).map((session) => session.label)).toEqual(['Front desk']);
    expect((await lines())[0]).toEqual([
      'logged-out-here',
      'Logged out on this console. Reconnecting needs a new QR code scanned on the phone.',
    ]);

    await call(core, 'sessions:reconnect', { id });
    await settle();
    connection.emit('qr', 'QR-again');
    expect((await call(core, 'sessions:list', {}))[0]).toMatchObject({ state: 'waiting-for-qr', qr: 'QR-again' });
    expect((await lines())[0]?.[0]).toBe('qr-shown');
  });

  it('says when WhatsApp throttles the account, with what that means for its sends', async () => {
    connection.groups = [scriptedGroup('120363423158005005@g.us')];
    connection.connect();
    await call(core, 'groups:sync', { sessionId: id });
    const workshop = await call(core, 'workshops:create', {
      name: 'Design Sprint',
      startsAtLocal: '2030-01-10T18:00',
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId: id, groupJid: '120363423158005005@g.us' });
    void core.invoke('messages:send-now', { workshopId: workshop.id, text: 'Hello' });
    for (let i = 0; i < 20 && connection.sent.length === 0; i++) {
      clock.advance(500);
      await settle();
    }
    connection.emit('receipt', { messageId: connection.sent[0]!.messageId, status: 'failed', error: '463' });
    await settle();
    expect((await lines())[0]).toEqual([
      'throttled',
      expect.stringMatching(/^Throttled: WhatsApp is throttling this account .*Sending is paused for this account/),
    ]);
  });

  it('keeps the log over a restart; reconnecting after it adds one new line', async () => {
    connection.connect();
    await core.stop();
    core = start();
    await settle();
    connection.connect();
    expect((await lines()).map(([kind]) => kind)).toEqual(['connected', 'connected']);
    expect(live).toHaveLength(1);
  });
});
