import { ApiFailure } from '../../../shared/contract/result.js';
import type { Clock } from '../clock/clock.js';
import type { BackendAuth } from './backend-auth.js';
import { supabaseJs } from './supabase-library.js';

export interface FunctionCall {
  auth: Pick<BackendAuth, 'client' | 'session'>;
  clock: Clock;
  timeoutMs: number;
  /** The edge function's name. */
  name: string;
  body: Record<string, unknown>;
  /** Said when nobody is signed in; nothing is sent then. */
  signedOut: string;
  /** What may or may not have happened when no usable answer came, and what to do about it. */
  lostAnswer: string;
  /** The function's own refusal, read from its error answer; null when the answer says nothing usable. */
  refusal: (status: number, answer: unknown) => ApiFailure | null;
}

/**
 * Calls an edge function as the signed-in user, with a deadline. Every failure becomes an
 * ApiFailure in plain words: the function's own refusal where it gave one, else "no answer"
 * or "the backend answered N" with what the caller says may have happened meanwhile.
 */
export async function callFunction<T>(call: FunctionCall): Promise<T> {
  const client = call.auth.client();
  const token = (await call.auth.session())?.access_token;
  if (!client || !token) throw new ApiFailure('forbidden', call.signedOut);
  const controller = new AbortController();
  const timer = call.clock.setTimeout(() => controller.abort(), call.timeoutMs);
  try {
    const { data, error } = await client.functions.invoke(call.name, {
      body: call.body,
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (!error) return data as T;
    if (error instanceof supabaseJs().FunctionsHttpError) {
      const response = error.context as Response;
      const answer: unknown = await response.json().catch(() => null);
      throw (
        call.refusal(response.status, answer) ??
        new ApiFailure('unavailable', `The backend answered ${response.status}: ${call.lostAnswer}`)
      );
    }
    if (error instanceof supabaseJs().FunctionsFetchError)
      throw new ApiFailure('unavailable', `No answer from the backend: ${call.lostAnswer}`);
    throw new ApiFailure('unavailable', error instanceof Error ? error.message : String(error));
  } finally {
    call.clock.clearTimeout(timer);
  }
}
