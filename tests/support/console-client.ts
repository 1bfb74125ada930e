import WebSocket from 'ws';
import type { EventName, EventPayload } from '../../shared/contract/api-contract.js';
import type { Result } from '../../shared/contract/result.js';
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/contract/wire.js';
import { unwrap, type ConsoleCall } from './console-call.js';

interface Frame {
  type: string;
  id?: number;
  event?: string;
  payload?: unknown;
  result?: Result<unknown>;
}

export interface SocketOptions {
  /** Omitted: the upgrade carries no bearer protocol at all. */
  token?: string;
  origin?: string;
  /** Sent as the Host header instead of the address's own, as a DNS-rebinding page would. */
  host?: string;
}

/**
 * Opens the console's API socket at `address` (host:port). Resolves with the HTTP status of a
 * refused upgrade, or 101 and the open socket.
 */
export function openConsoleSocket(address: string, options: SocketOptions): Promise<{ status: number; ws?: WebSocket }> {
  const protocols = [WS_PROTOCOL, ...(options.token !== undefined ? [`${WS_TOKEN_PREFIX}${options.token}`] : [])];
  const ws = new WebSocket(`ws://${address}${WS_PATH}`, protocols, {
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.host ? { headers: { host: options.host } } : {}),
  });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    ws.once('error', () => resolve({ status: -1 }));
  });
}

/** A WebSocket client of the headless console at its page URL (token in the hash), the way the UI talks to it. */
export async function connectConsole(url: string) {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  const { status, ws } = await openConsoleSocket(parsed.host, { token, origin: parsed.origin });
  if (!ws) throw new Error(`The console at ${parsed.host} refused the socket (HTTP ${status}).`);
  let nextId = 0;
  const waiters = new Set<(frame: Frame) => boolean>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    for (const waiter of [...waiters]) if (waiter(frame)) waiters.delete(waiter);
  });

  const call: ConsoleCall = async (method, input) => {
    const id = ++nextId;
    const result = await new Promise<Frame['result']>((resolve) => {
      waiters.add((frame) => (frame.type === 'result' && frame.id === id ? (resolve(frame.result), true) : false));
      ws.send(JSON.stringify({ type: 'call', id, method, input }));
    });
    return unwrap(method, result ?? { ok: false, error: { code: 'internal', message: 'no answer' } });
  };

  return {
    call,
    /** Resolves with the first pushed event that satisfies the predicate. */
    event<E extends EventName>(name: E, predicate: (payload: EventPayload<E>) => boolean = () => true): Promise<EventPayload<E>> {
      return new Promise((resolve) => {
        waiters.add((frame) => {
          if (frame.type !== 'event' || frame.event !== name || !predicate(frame.payload as EventPayload<E>)) return false;
          resolve(frame.payload as EventPayload<E>);
          return true;
        });
      });
    },
    close: () => ws.close(),
  };
}
