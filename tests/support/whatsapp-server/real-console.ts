import pino from 'pino';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract/api-contract.js';
import { call as callCore } from '../console-call.js';
import type { SessionView } from '../../../shared/sessions/session-view.js';
import { createCore, type Core } from '../../../app/core/composition-root.js';
import type { Logger } from '../../../app/core/logging/logger.js';
import { BaileysTransport, type BaileysTransportOptions } from '../../../app/core/whatsapp/baileys/baileys-transport.js';
import type { WhatsAppTransportFactory } from '../../../app/core/whatsapp/whatsapp-transport.js';
import type { WhatsAppServer } from './whatsapp-server.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger that keeps every line, so tests can check the console said what went wrong in words. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info', base: undefined }, { write: (chunk: string) => void lines.push(JSON.parse(chunk) as LogLine) });
  return { logger, lines };
}

/** Real accounts go through the real BaileysTransport, pointed at the local server. */
export function serverTransports(server: WhatsAppServer, options: BaileysTransportOptions = {}): WhatsAppTransportFactory {
  return {
    create: (_kind, context) =>
      new BaileysTransport(context, { webSocketUrl: server.url, fetchVersion: async () => [2, 3000, 1_030_000_000], ...options }),
  };
}

export interface RealConsole {
  core: Core;
  logs: LogLine[];
  /** Every session view pushed to the UI, in order. */
  views: SessionView[];
}

/** The whole console core on real SQLite files in `dataDir`, its WhatsApp sessions on the local server. */
export function startRealConsole(server: WhatsAppServer, dataDir: string, options: BaileysTransportOptions = {}): RealConsole {
  const { logger, lines } = capturingLogger();
  const core = createCore({
    shell: 'headless',
    dataDir,
    appVersion: '0',
    logger,
    whatsApp: serverTransports(server, options),
    random: () => 0,
  });
  const views: SessionView[] = [];
  core.subscribe((event, payload) => {
    if (event === 'sessions:changed') views.push(payload as SessionView);
  });
  core.start();
  return { core, logs: lines, views };
}

/** Polls until `probe` returns something, or fails with what was awaited. */
export async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a real account, scans its first QR with the scripted phone and waits until it is open. */
export async function linkByQr(console: RealConsole, server: WhatsAppServer): Promise<string> {
  const created = await console.core.invoke('sessions:create', { kind: 'baileys' });
  if (!created.ok) throw new Error(`sessions:create failed: ${JSON.stringify(created)}`);
  const id = (created.value as SessionView).id;
  const qr = await waitFor(() => console.views.find((view) => view.id === id && view.qr)?.qr, 'the first QR');
  server.scan(qr);
  await waitOpen(console, id);
  return id;
}

export async function waitOpen(console: RealConsole, id: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => console.core.sessions.isOpen(id), `session ${id} to open`, timeoutMs);
}

/** Calls a core method and returns its value, failing the test with the error otherwise. */
export function call<M extends MethodName>(console: RealConsole, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return callCore(console.core, method, input);
}

/** A local date-time two days from now, for a workshop whose reminders are all still ahead. */
export function inTwoDaysLocal(): string {
  return new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 16);
}
