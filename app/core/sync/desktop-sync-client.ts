import { supabaseJs } from '../backend/supabase-library.js';
import type { z } from 'zod';
import { SyncErrorSchema, type SyncError } from '../../../shared/sync/sync-protocol.js';
import type { BackendAuth } from '../backend/backend-auth.js';
import type { Clock } from '../clock/clock.js';

export type SyncFailureKind =
  /** No project, nobody signed in, or the session was refused even after a refresh. */
  | 'signed-out'
  /** The request or its answer was lost (no network, timeout, connection reset). */
  | 'offline'
  /** The backend answered that it cannot do it now; nothing was applied. */
  | 'unavailable'
  /** The backend refused the request itself (membership, role, organisation choice, seq gap…). */
  | 'refused'
  /** The answer did not have the protocol's shape (a backend of another version). */
  | 'protocol';

export class SyncFailure extends Error {
  constructor(
    readonly kind: SyncFailureKind,
    message: string,
    readonly detail: SyncError | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SyncFailure';
  }
}

const FUNCTION = 'desktop-sync';

/**
 * Calls the desktop-sync function as the signed-in user, through supabase-js (which adds
 * the access token and refreshes it ahead of expiry). A 401 means the token was refused
 * anyway — a clock far off, or revoked: refresh once and retry once, then give up as
 * signed out. Every call has a deadline on the core's clock, so a hung connection is an
 * "offline" outcome the loop retries, never a sync that waits forever.
 */
export class DesktopSyncClient {
  constructor(
    private readonly auth: BackendAuth,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  async call<S extends z.ZodType>(body: unknown, schema: S): Promise<z.output<S>> {
    const token = (await this.auth.session())?.access_token;
    if (!token) throw new SyncFailure('signed-out', 'Not signed in to the hosted backend.');
    const first = await this.invoke(body, token);
    if (first.status !== 401) return this.parse(first, schema);
    const renewed = await this.auth.refreshAfterRejection(token);
    if (!renewed) throw new SyncFailure('signed-out', 'The backend no longer accepts this sign-in.');
    const second = await this.invoke(body, renewed);
    if (second.status === 401) throw new SyncFailure('signed-out', 'The backend no longer accepts this sign-in.');
    return this.parse(second, schema);
  }

  private async invoke(body: unknown, token: string): Promise<{ status: number; data: unknown; retryAfter: string | null }> {
    const client = this.auth.client();
    if (!client) throw new SyncFailure('signed-out', 'Not signed in to the hosted backend.');
    const controller = new AbortController();
    const timer = this.clock.setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      // The token named explicitly, so a 401 is known to be about this token and no other.
      const { data, error, response } = await client.functions.invoke(FUNCTION, {
        body: body as Record<string, unknown>,
        headers: { Authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      if (!error) return { status: response?.status ?? 200, data, retryAfter: null };
      if (error instanceof supabaseJs().FunctionsHttpError) {
        const answer = error.context as Response;
        const text = await answer.text().catch(() => '');
        return { status: answer.status, data: safeJson(text), retryAfter: answer.headers.get('retry-after') };
      }
      if (error instanceof supabaseJs().FunctionsRelayError)
        throw new SyncFailure('unavailable', 'The backend’s gateway could not reach the sync function.');
      if (error instanceof supabaseJs().FunctionsFetchError) {
        throw new SyncFailure(
          'offline',
          controller.signal.aborted
            ? `No answer from the backend within ${Math.round(this.timeoutMs / 1000)} s.`
            : 'The backend cannot be reached.',
        );
      }
      throw new SyncFailure('offline', error instanceof Error ? error.message : String(error));
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private parse<S extends z.ZodType>(answer: { status: number; data: unknown; retryAfter: string | null }, schema: S): z.output<S> {
    if (answer.status >= 200 && answer.status < 300) {
      const parsed = schema.safeParse(answer.data);
      if (!parsed.success)
        throw new SyncFailure(
          'protocol',
          'The backend answered in a form this console does not understand. Update the console or the backend.',
        );
      return parsed.data;
    }
    const detail = SyncErrorSchema.safeParse(answer.data);
    const message = detail.success ? detail.data.message : `The backend answered ${answer.status}.`;
    if (answer.status >= 500 || answer.status === 429) {
      const seconds = Number(answer.retryAfter);
      throw new SyncFailure(
        'unavailable',
        message,
        detail.success ? detail.data : null,
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null,
      );
    }
    throw new SyncFailure('refused', message, detail.success ? detail.data : null);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
