import type { Result } from '../../../shared/contract/result.js';

export type TransportStatus = 'connecting' | 'connected' | 'reconnecting' | 'unauthorised';

/** What the API client needs from a shell: the Electron bridge or the headless WebSocket. */
export interface Transport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  onStatus(listener: (status: TransportStatus) => void): () => void;
  readonly status: TransportStatus;
}
