import WebSocket from 'ws';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/contract/wire.js';

interface Frame {
  type: string;
  id?: number;
  event?: string;
  payload?: unknown;
  result?: { ok: boolean; value?: unknown; error?: { message: string } };
}

/** A WebSocket client of the headless console, the way the UI talks to it, for tests and benchmarks. */
export async function connectConsole(url: string) {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`ws://${parsed.host}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`], { origin: parsed.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 0;
  const waiters = new Set<(frame: Frame) => boolean>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    for (const waiter of [...waiters]) if (waiter(frame)) waiters.delete(waiter);
  });

  return {
    async call<T>(method: string, input: unknown): Promise<T> {
      const id = ++nextId;
      const result = await new Promise<Frame['result']>((resolve) => {
        waiters.add((frame) => (frame.type === 'result' && frame.id === id ? (resolve(frame.result), true) : false));
        ws.send(JSON.stringify({ type: 'call', id, method, input }));
      });
      if (!result?.ok) throw new Error(`${method} failed: ${result?.error?.message ?? 'no answer'}`);
      return result.value as T;
    },
    /** Resolves with the first pushed event that satisfies the predicate. */
    event<T>(name: string, predicate: (payload: T) => boolean = () => true): Promise<T> {
      return new Promise((resolve) => {
        waiters.add((frame) =>
          frame.type === 'event' && frame.event === name && predicate(frame.payload as T) ? (resolve(frame.payload as T), true) : false,
        );
      });
    },
    close: () => ws.close(),
  };
}
