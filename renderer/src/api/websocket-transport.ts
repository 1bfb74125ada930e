import { fail, type Result } from '../../../shared/contract/result.js';
import { ServerFrameSchema, WS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX, type CallFrame } from '../../../shared/contract/wire.js';
import type { Transport, TransportStatus } from './transport.js';

export interface WebSocketTransportOptions {
  /** e.g. ws://127.0.0.1:5174 — the page's own origin in production. */
  baseUrl: string;
  token: string;
  /** Tells a refused token from a console that is down, by asking for a static file. */
  isServerUp?: () => Promise<boolean>;
  WebSocketImpl?: typeof WebSocket;
}

const MAX_BACKOFF_MS = 5_000;

/** A call made while the console is away: said plainly, since nothing retries it. */
export const UNREACHABLE = 'The console is not reachable right now, so nothing was done. Try again once it is back.';
/**
 * Keeps one WebSocket to the headless console open, reconnecting with capped, jittered
 * back-off. Calls made while it is down fail at once with `unavailable` instead of
 * hanging, and the UI shows a banner from the status.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let socket: WebSocket | undefined;
  let nextId = 1;
  let attempt = 0;
  let status: TransportStatus = 'connecting';

  const setStatus = (next: TransportStatus): void => {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const failPending = (): void => {
    for (const resolve of pending.values())
      resolve(
        fail(
          'unavailable',
          'Lost contact with the console before it answered, so this may or may not have been done. Check once the console is back.',
        ),
      );
    pending.clear();
  };

  const connect = (): void => {
    const ws = new Impl(`${options.baseUrl}${WS_PATH}`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${options.token}`]);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      setStatus('connected');
    };
    ws.onmessage = (message: MessageEvent) => {
      let frame;
      try {
        frame = ServerFrameSchema.parse(JSON.parse(String(message.data)));
      } catch {
        return;
      }
      if (frame.type === 'result') {
        pending.get(frame.id)?.(frame.result as Result<unknown>);
        pending.delete(frame.id);
      } else {
        for (const listener of eventListeners) listener(frame.event, frame.payload);
      }
    };
    // Every failure is followed by a close event, which does the handling.
    ws.onerror = () => undefined;
    ws.onclose = () => {
      failPending();
      void (async () => {
        if (!opened && options.isServerUp && (await options.isServerUp())) {
          // The server answers but refused the socket: the token is wrong; retrying cannot help.
          setStatus('unauthorised');
          return;
        }
        setStatus('reconnecting');
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
        attempt++;
        setTimeout(connect, delay);
      })();
    };
  };

  connect();

  return {
    get status() {
      return status;
    },
    invoke(method, input) {
      if (!socket || socket.readyState !== Impl.OPEN) {
        return Promise.resolve(fail('unavailable', UNREACHABLE));
      }
      const id = nextId++;
      const frame: CallFrame = { type: 'call', id, method, input };
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket?.send(JSON.stringify(frame));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}
