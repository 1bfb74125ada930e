import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { createSilentLogger } from '../logging/logger.js';
import type { SessionAuthStore } from './auth-store.js';
import { createTransportFactory } from './transport-factory.js';
import type { CloseReason } from './whatsapp-transport.js';

describe('the production factory', () => {
  it('loads Baileys on first open and forwards its events', async () => {
    const auth = { get: () => new Map(), set: () => undefined, clear: () => undefined } as unknown as SessionAuthStore;
    const connection = createTransportFactory({ baileysWebSocketUrl: 'ws://127.0.0.1:1/ws/chat' }).create('baileys', {
      sessionId: 'wa_00000000-0000-0000-0000-000000000001',
      auth,
      groupCache: { get: () => undefined, set: () => undefined },
      clock: new FakeClock(),
      logger: createSilentLogger(),
      dataDir: '/nonexistent',
    });
    expect(() => connection.newMessageId()).toThrow(/not connected/);
    const closed = new Promise<CloseReason>((resolve) => connection.on('close', (reason) => resolve(reason)));
    await connection.open();
    // Port 1 refuses at once: the real socket closes and the reason reaches our listener.
    expect(await closed).toBe('network');
    expect(connection.newMessageId()).toMatch(/^3EB0/);
    await connection.close();
  });
});
