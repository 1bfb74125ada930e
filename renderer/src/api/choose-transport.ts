import type { ConsoleBridge } from '../../../shared/contract/api-contract.js';
import { createBridgeTransport } from './bridge-transport.js';
import type { Transport } from './transport.js';
import { createWebSocketTransport } from './websocket-transport.js';

const TOKEN_KEY = 'console.accessToken';

/**
 * Reads `#token=…` once, keeps it for this browser (so a second tab, a bookmark or a reload
 * opens without the terminal), and takes it out of the address bar so it is not shared with
 * a copied link. The storage is this console's own origin (its loopback address and port);
 * the token is also in the data folder's `access-token` file, so keeping it here reveals
 * nothing that folder does not.
 */
export function readAccessToken(location: Location, storage: Storage, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

export type TransportChoice = { kind: 'ready'; transport: Transport } | { kind: 'needs-token' };

export function chooseTransport(win: Window & { consoleBridge?: ConsoleBridge }): TransportChoice {
  if (win.consoleBridge) return { kind: 'ready', transport: createBridgeTransport(win.consoleBridge) };
  const token = readAccessToken(win.location, win.localStorage, win.history);
  if (!token) return { kind: 'needs-token' };
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    kind: 'ready',
    transport: createWebSocketTransport({
      baseUrl: `${scheme}//${win.location.host}`,
      token,
      isServerUp: () =>
        fetch('/favicon.svg', { method: 'HEAD', cache: 'no-store' }).then(
          (response) => response.ok,
          () => false,
        ),
    }),
  };
}
