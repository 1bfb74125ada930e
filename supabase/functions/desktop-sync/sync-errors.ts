import type { SyncError } from '../../../shared/sync/sync-protocol.ts';

/** An answer other than 200, with the protocol's error code and words for the person at the desktop. */
export class SyncHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: SyncError['error'],
    message: string,
    readonly extra: Partial<Pick<SyncError, 'expected_seq' | 'details'>> = {},
  ) {
    super(message);
  }

  body(): SyncError {
    return { error: this.code, message: this.message, ...this.extra };
  }
}
