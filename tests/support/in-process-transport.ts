import type { Transport, TransportStatus } from '../../renderer/src/api/transport.js';
import type { Core } from '../../app/core/composition-root.js';
import { UNREACHABLE } from '../../renderer/src/api/websocket-transport.js';
import { fail } from '../../shared/contract/result.js';

/** The renderer wired straight to a real core, for component tests without a socket. */
export function createInProcessTransport(core: Core): Transport & { setStatus(status: TransportStatus): void } {
  const statusListeners = new Set<(status: TransportStatus) => void>();
  let status: TransportStatus = 'connected';
  return {
    // Like the socket: while "away", a call is refused at once and never reaches the core.
    invoke: (method, input) =>
      status === 'connected'
        ? core.invoke(method, JSON.parse(JSON.stringify(input ?? {})))
        : Promise.resolve(fail('unavailable', UNREACHABLE)),
    onEvent: (listener) => core.subscribe((event, payload) => listener(event, payload)),
    onStatus: (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    get status() {
      return status;
    },
    setStatus(next) {
      status = next;
      for (const listener of statusListeners) listener(next);
    },
  };
}
