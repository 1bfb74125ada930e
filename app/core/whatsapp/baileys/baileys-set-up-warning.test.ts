import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import { createCore, type Core } from '../../composition-root.js';
import { createLogger } from '../../logging/logger.js';
import { BaileysTransport } from './baileys-transport.js';
import { deadPort } from '../../../../tests/support/dead-port.js';

let core: Core | undefined;
const dir = makeTempDir();
afterEach(async () => {
  await core?.stop();
  dir.remove();
});

describe('the terminal log of an account that cannot reach WhatsApp', () => {
  it('prints Baileys’ "DISABLING ALL SYNC" warning once, not on every retry', async () => {
    const url = `ws://127.0.0.1:${await deadPort()}/ws/chat`;
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    let opens = 0;
    core = createCore({
      shell: 'headless',
      dataDir: dir.path,
      appVersion: '0',
      logger: createLogger({ level: 'warn', destination }),
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
    await core.invoke('sessions:create', { kind: 'baileys' });
    // The fourth attempt starts only once the third socket was built and refused.
    await vi.waitFor(
      () => {
        if (opens < 4) throw new Error(`${opens} connection attempts so far`);
      },
      { timeout: 20_000, interval: 100 },
    );
    const warnings = lines.filter((line) => line.includes('DISABLING ALL SYNC'));
    expect(warnings).toHaveLength(1);
  }, 30_000);
});
