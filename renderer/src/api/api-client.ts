import type { ConsoleApi, EventName, EventPayload } from '../../../shared/contract/api-contract.js';
import type { Transport } from './transport.js';

/** The typed API over any transport; the renderer cannot tell which shell it runs in. */
export function createApiClient(transport: Transport): ConsoleApi {
  return {
    call: (method, input) => transport.invoke(method, input) as never,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return transport.onEvent((name, payload) => {
        if (name === event) listener(payload as EventPayload<E>);
      });
    },
  };
}
