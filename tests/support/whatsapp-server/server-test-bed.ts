import { afterEach, beforeEach } from 'vitest';
import type { BaileysTransportOptions } from '../../../app/core/whatsapp/baileys/baileys-transport.js';
import { makeTempDir } from '../temp-dir.js';
import { startRealConsole, waitFor, type RealConsole } from './real-console.js';
import { WhatsAppServer } from './whatsapp-server.js';

export interface ServerTestBed {
  readonly server: WhatsAppServer;
  readonly dataDir: string;
  /** A console on this test's data folder; stopped after the test if still running. */
  start(options?: BaileysTransportOptions): RealConsole;
  /** Stops a console the way quitting does, and waits until the server has seen its socket go. */
  stop(console: RealConsole): Promise<void>;
}

/** A fresh local WhatsApp server and data folder per test, torn down after it. */
export function useServerTestBed(): ServerTestBed {
  let server: WhatsAppServer | undefined;
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let consoles: RealConsole[] = [];
  beforeEach(async () => {
    server = await WhatsAppServer.start();
    dir = makeTempDir();
    consoles = [];
  });
  afterEach(async () => {
    for (const console of consoles) await console.core.stop();
    await server?.close();
    dir?.remove();
  });
  const bed: ServerTestBed = {
    get server() {
      if (!server) throw new Error('the test bed is used outside a test');
      return server;
    },
    get dataDir() {
      if (!dir) throw new Error('the test bed is used outside a test');
      return dir.path;
    },
    start(options = {}) {
      const started = startRealConsole(bed.server, bed.dataDir, options);
      consoles.push(started);
      return started;
    },
    async stop(console) {
      consoles = consoles.filter((other) => other !== console);
      await console.core.stop();
      // Until the server sees the socket close, it would still push to it rather than queue.
      await waitFor(() => bed.server.openCount === 0, 'the server to see the console go');
    },
  };
  return bed;
}
