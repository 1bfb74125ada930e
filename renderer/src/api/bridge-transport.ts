import type { ConsoleBridge } from '../../../shared/contract/api-contract.js';
import type { Transport } from './transport.js';

/** In Electron the core is always there while the window exists. */
export function createBridgeTransport(bridge: ConsoleBridge): Transport {
  return {
    invoke: (method, input) => bridge.invoke(method, input),
    onEvent: (listener) => bridge.onEvent(listener),
    onStatus: () => () => undefined,
    status: 'connected',
  };
}
