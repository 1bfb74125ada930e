import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../shared/sessions/session-view.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { createCore, type Core } from '../composition-root.js';
import { createSilentLogger } from '../logging/logger.js';
import { type SimulatedTransport } from './simulator/simulated-transport.js';
import { createTransportFactory } from './transport-factory.js';
import type { WhatsAppTransportFactory } from './whatsapp-transport.js';
import { ScriptedConnection } from '../../../tests/support/scripted-connection.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

let dir: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let cores: Core[];

function start(whatsApp: WhatsAppTransportFactory): Core {
  const core = createCore({
    shell: 'headless',
    dataDir: dir.path,
    appVersion: '0',
    clock,
    logger: createSilentLogger(),
    whatsApp,
    random: () => 1,
  });
  core.start();
  cores.push(core);
  return core;
}

/** The demo phone "scans" the QR, WhatsApp asks for the restart, and the session opens. */
async function scanAndOpen(): Promise<void> {
  clock.advance(3_000);
  await settle();
  clock.advance(200);
  await settle();
}

/** A demo session created and linked, as a coordinator would in the first seconds. */
async function linkedDemo(core: Core, label?: string): Promise<string> {
  const created = await core.invoke('sessions:create', { kind: 'simulator', ...(label ? { label } : {}) });
  const id = created.ok ? (created.value as SessionView).id : '';
  await settle();
  await scanAndOpen();
  return id;
}

const simulator = () => createTransportFactory({ simulator: { scanDelayMs: 3_000, churnIntervalMs: null, ackDelayMs: 10 } });

beforeEach(() => {
  dir = makeTempDir();
  clock = new FakeClock();
  cores = [];
});
afterEach(async () => {
  for (const core of cores) await core.stop();
  dir.remove();
});

function record(core: Core): SessionView[] {
  const seen: SessionView[] = [];
  core.subscribe((event, payload) => {
    if (event === 'sessions:changed') seen.push(payload as SessionView);
  });
  return seen;
}

describe('linking the demo account', () => {
  it('shows a QR, handles the restart after pairing unnoticed, and connects', async () => {
    const core = start(simulator());
    const seen = record(core);
    const created = await core.invoke('sessions:create', { kind: 'simulator' });
    expect(created).toMatchObject({ ok: true, value: { kind: 'simulator', label: 'Demo account' } });
    await settle();
    const waiting = seen.at(-1);
    expect(waiting).toMatchObject({ state: 'waiting-for-qr', needsAttention: true });
    expect(waiting?.qr).toMatch(/SIMULATED-DEMO-QR/);
    expect(waiting?.nextStep).toMatch(/Linked devices/);

    await scanAndOpen();
    const states = seen.map((view) => view.state);
    expect(states.slice(-2)).toEqual(['connecting', 'open']);
    expect(states).not.toContain('reconnecting');
    expect(seen.at(-1)).toMatchObject({ phone: '15550100001', displayName: 'Demo Coordinator', qr: null, needsAttention: false });
  });

  it('reconnects a linked session after a restart without showing a QR', async () => {
    const first = start(simulator());
    const id = await linkedDemo(first, 'Front desk');
    await first.stop();

    const second = start(simulator());
    const seen = record(second);
    await settle();
    clock.advance(200);
    await settle();
    expect(seen.map((view) => view.state)).toEqual(['open']);
    expect(await second.invoke('sessions:list', {})).toMatchObject({ ok: true, value: [{ id, label: 'Front desk', state: 'open' }] });
  });

  it('removes a session and every key it had', async () => {
    const core = start(simulator());
    const id = await linkedDemo(core);
    expect(await core.invoke('sessions:remove', { id })).toEqual({ ok: true, value: { removed: true } });
    expect(await core.invoke('sessions:list', {})).toEqual({ ok: true, value: [] });
    expect(await core.invoke('sessions:remove', { id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('gives a pairing code for a phone number in any format, only while waiting to be linked', async () => {
    const core = start(simulator());
    const created = await core.invoke('sessions:create', { kind: 'simulator' });
    const id = created.ok ? (created.value as SessionView).id : '';
    await settle();
    expect(await core.invoke('sessions:pairing-code', { id, phone: 'not a phone' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    const code = await core.invoke('sessions:pairing-code', { id, phone: '098188 61043' });
    expect(code).toMatchObject({ ok: true, value: { code: expect.stringMatching(/^[A-Z0-9]{8}$/) } });
    await scanAndOpen();
    expect(await core.invoke('sessions:pairing-code', { id, phone: '9818861043' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });
});

describe('staying connected', () => {
  let connection: ScriptedConnection;
  let core: Core;
  let id: string;

  beforeEach(async () => {
    core = start({ create: (_kind, context) => (connection = new ScriptedConnection(context)) });
    const created = await core.invoke('sessions:create', { kind: 'baileys' });
    id = created.ok ? (created.value as SessionView).id : '';
    await settle();
    connection.connect();
    connection.context.auth.set([{ category: 'pre-key', id: '1', value: '{"secret":true}' }]);
  });

  const state = () => core.sessions.view(id);

  it('backs off with growing delays on network loss and resets once connected', async () => {
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      connection.drop('network');
      const view = state();
      expect(view.state).toBe('reconnecting');
      const delay = Date.parse(view.reconnectAt ?? '') - clock.now();
      delays.push(delay);
      const opensBefore = connection.opens;
      clock.advance(delay - 1);
      await settle();
      expect(connection.opens).toBe(opensBefore);
      clock.advance(1);
      await settle();
      expect(connection.opens).toBe(opensBefore + 1);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    connection.connect();
    connection.drop('network');
    expect(Date.parse(state().reconnectAt ?? '') - clock.now()).toBe(1_000);
  });

  it('on logged-out (401) wipes the keys and waits for the user to link again', async () => {
    connection.drop('logged-out');
    expect(state()).toMatchObject({ state: 'logged-out', needsAttention: true, nextStep: expect.stringMatching(/Link again/) });
    expect(connection.context.auth.get('pre-key', ['1']).size).toBe(0);
    const opens = connection.opens;
    clock.advance(10 * 60_000);
    await settle();
    expect(connection.opens).toBe(opens);
    expect((await core.invoke('sessions:reconnect', { id })).ok).toBe(true);
    await settle();
    expect(connection.opens).toBe(opens + 1);
  });

  it('on replaced (440) stops and asks, keeping the keys', async () => {
    connection.drop('replaced');
    expect(state()).toMatchObject({ state: 'replaced', nextStep: expect.stringMatching(/Reconnect/) });
    expect(connection.context.auth.get('pre-key', ['1']).size).toBe(1);
    const opens = connection.opens;
    clock.advance(10 * 60_000);
    await settle();
    expect(connection.opens).toBe(opens);
  });

  it('on restricted (403) stops for good and says why', async () => {
    connection.drop('restricted');
    expect(state()).toMatchObject({ state: 'restricted', reason: expect.stringMatching(/403/) });
  });

  it('on restart-required (515) reconnects at once', async () => {
    const opens = connection.opens;
    connection.drop('restart-required');
    await settle();
    expect(connection.opens).toBe(opens + 1);
    expect(state().state).toBe('connecting');
  });

  it('survives a restart of the console in the state it was left', async () => {
    connection.drop('replaced');
    await core.stop();
    const again = start({ create: (_kind, context) => (connection = new ScriptedConnection(context)) });
    await settle();
    expect(again.sessions.view(id).state).toBe('replaced');
  });
});

describe('simulator', () => {
  it('sends and acknowledges with ids, recorded in the group history', async () => {
    let transport: SimulatedTransport | undefined;
    const factory = simulator();
    const core = start({ create: (kind, context) => (transport = factory.create(kind, context) as SimulatedTransport) });
    const id = await linkedDemo(core);
    const connection = core.sessions.connection(id);
    const groups = await connection.listGroups();
    expect(groups.length).toBeGreaterThanOrEqual(4);
    const big = groups.find((group) => group.participants.length === 500);
    expect(big?.addressingMode).toBe('lid');
    expect(big?.participants.filter((member) => member.phone === null).length).toBeGreaterThan(20);
    const messageId = connection.newMessageId();
    const sending = connection.send(big?.jid ?? '', { kind: 'text', text: 'Starting in 30 minutes' }, messageId);
    clock.advance(10);
    await expect(sending).resolves.toMatchObject({ messageId });
    expect(transport?.history(big?.jid ?? '')).toMatchObject([{ messageId, text: 'Starting in 30 minutes' }]);
  });
});

describe('waking from sleep', () => {
  it('retries a session waiting out its back-off at once', async () => {
    let connection: ScriptedConnection | undefined;
    const core = start({ create: (_kind, context) => (connection = new ScriptedConnection(context)) });
    const created = await core.invoke('sessions:create', { kind: 'baileys' });
    const id = created.ok ? (created.value as SessionView).id : '';
    await settle();
    connection?.connect();
    for (let i = 0; i < 5; i++) {
      connection?.drop('network');
      clock.advance(Date.parse(core.sessions.view(id).reconnectAt ?? '') - clock.now());
      await settle();
    }
    connection?.drop('network');
    const opens = connection?.opens ?? 0;
    expect(Date.parse(core.sessions.view(id).reconnectAt ?? '') - clock.now()).toBe(32_000);
    core.resume();
    await settle();
    expect(connection?.opens).toBe(opens + 1);
  });
});
