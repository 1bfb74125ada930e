import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../../app/core/composition-root.js';
import { createSilentLogger } from '../../../app/core/logging/logger.js';
import { startHeadlessServer, type HeadlessServer } from '../../../app/headless/headless-server.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import type { TransportStatus } from './transport.js';
import { createWebSocketTransport } from './websocket-transport.js';

const TOKEN = 'renderer-test-token-abcdefghijklmnopqrstuvwxyz012345';
const dir = makeTempDir();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startConsole(port = 0): Promise<{ core: Core; server: HeadlessServer }> {
  const core = createCore({ shell: 'headless', dataDir: dir.path, appVersion: '0.0.1', logger: createSilentLogger() });
  const server = await startHeadlessServer({
    core,
    rendererDir: dir.path,
    token: TOKEN,
    host: '127.0.0.1',
    port,
    logger: createSilentLogger(),
  });
  return { core, server };
}

function waitForStatus(transport: { onStatus(listener: (s: TransportStatus) => void): () => void }, wanted: TransportStatus) {
  return new Promise<void>((resolve) => {
    const off = transport.onStatus((status) => {
      if (status === wanted) {
        off();
        resolve();
      }
    });
  });
}

describe('WebSocket transport', () => {
  it('calls the core, fails fast while it is down, and reconnects by itself', async () => {
    const first = await startConsole();
    const port = first.server.port;
    const transport = createWebSocketTransport({
      baseUrl: `ws://127.0.0.1:${port}`,
      token: TOKEN,
      WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
      isServerUp: async () => false,
    });
    await waitForStatus(transport, 'connected');
    expect(await transport.invoke('app:info', {})).toMatchObject({ ok: true, value: { shell: 'headless' } });

    const down = waitForStatus(transport, 'reconnecting');
    await first.server.close();
    await first.core.stop();
    await down;
    expect(await transport.invoke('app:info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    const again = await startConsole(port);
    cleanups.push(async () => {
      await again.server.close();
      await again.core.stop();
    });
    await waitForStatus(transport, 'connected');
    expect(await transport.invoke('settings:get', {})).toMatchObject({ ok: true });
  });

  it('reports a refused token as unauthorised and stops retrying', async () => {
    const { core, server } = await startConsole();
    cleanups.push(async () => {
      await server.close();
      await core.stop();
    });
    const isServerUp = vi.fn(async () => true);
    const transport = createWebSocketTransport({
      baseUrl: `ws://127.0.0.1:${server.port}`,
      token: 'not-the-token',
      WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
      isServerUp,
    });
    await waitForStatus(transport, 'unauthorised');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(isServerUp).toHaveBeenCalledTimes(1);
    expect(transport.status).toBe('unauthorised');
  });
});
