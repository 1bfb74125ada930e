import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionView } from '../../../../shared/sessions/session-view.js';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import { createCore, type Core } from '../../composition-root.js';
import { createSilentLogger } from '../../logging/logger.js';
import { BaileysTransport } from './baileys-transport.js';

/** A port on this machine with nothing listening: every connection is refused at once. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let core: Core | undefined;
const dir = makeTempDir();
afterEach(async () => {
  await core?.stop();
  dir.remove();
});

describe('the real Baileys socket against a dead server', () => {
  it('goes connecting → reconnecting with growing delays, and never loops tightly', async () => {
    const url = `ws://127.0.0.1:${await deadPort()}/ws/chat`;
    let opens = 0;
    core = createCore({
      shell: 'headless',
      dataDir: dir.path,
      appVersion: '0',
      logger: createSilentLogger(),
      // The shortest jitter, so the test sees the most attempts the policy can make.
      random: () => 0,
      whatsApp: {
        create: (_kind, context) => {
          const transport = new BaileysTransport(context, { webSocketUrl: url, fetchVersion: async () => null });
          const open = transport.open.bind(transport);
          transport.open = async () => {
            opens++;
            return open();
          };
          return transport;
        },
      },
    });
    core.start();
    const states: { state: string; at: number; reconnectAt: string | null }[] = [];
    core.subscribe((event, payload) => {
      if (event === 'sessions:changed') {
        const view = payload as SessionView;
        states.push({ state: view.state, at: Date.now(), reconnectAt: view.reconnectAt });
      }
    });
    const started = Date.now();
    await core.invoke('sessions:create', { kind: 'baileys' });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const elapsed = Date.now() - started;

    expect(states[0]?.state).toBe('connecting');
    const retries = states.filter((entry) => entry.state === 'reconnecting' && entry.reconnectAt !== null);
    expect(retries.length).toBeGreaterThanOrEqual(3);
    const delays = retries.map((entry) => Date.parse(entry.reconnectAt ?? '') - entry.at);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1] ?? 0);
    // 0.5 + 1 + 2 + 4 s of back-off fit in 8 s: at most five sockets, never a tight loop.
    expect(opens).toBeLessThanOrEqual(5);
    expect(opens / (elapsed / 60_000)).toBeLessThan(60);
  }, 20_000);
});
