import type { Transport, TransportStatus } from '../../renderer/src/api/transport.js';
import type { Core } from '../../electron/core/composition-root.js';

/** The renderer wired straight to a real core, for component tests without a socket. */
export function createInProcessTransport(core: Core): Transport & { setStatus(status: TransportStatus): void } {
  const statusListeners = new Set<(status: TransportStatus) => void>();
  let status: TransportStatus = 'connected';
  return {
    invoke: (method, input) => core.invoke(method, JSON.parse(JSON.stringify(input ?? {}))),
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
