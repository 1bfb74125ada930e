import { FunctionsFetchError, FunctionsHttpError } from '@supabase/supabase-js';
import { ApiFailure, type ErrorCode } from '../../../shared/contract/result.js';
import type { ReplyAccepted, ReplyError, ReplyErrorCode, ReplyRequest } from '../../../shared/shop/reply-request.js';
import type { BackendAuth } from '../backend/backend-auth.js';
import type { Clock } from '../clock/clock.js';

const FUNCTION = 'send-reply';

const codeFor: Record<ReplyErrorCode, ErrorCode> = {
  invalid_request: 'invalid-input',
  unauthorized: 'forbidden',
  not_your_store: 'forbidden',
  unknown_customer: 'not-found',
  opted_out: 'conflict',
  window_closed: 'conflict',
  unknown_template: 'invalid-input',
  template_parameters: 'invalid-input',
  key_reused: 'conflict',
  outcome_unknown: 'conflict',
  no_channel: 'conflict',
  graph_error: 'unavailable',
  unavailable: 'unavailable',
};

/**
 * Sends a reply through the send-reply function as the signed-in user. The function
 * answers the same key with the same outcome, so when no answer arrives the composer keeps
 * its key and the user may simply send again.
 */
export class ReplyClient {
  constructor(
    private readonly auth: BackendAuth,
    private readonly clock: Clock,
    private readonly timeoutMs = 30_000,
  ) {}

  async send(request: ReplyRequest): Promise<{ wamid: string; replayed: boolean }> {
    const client = this.auth.client();
    const token = (await this.auth.session())?.access_token;
    if (!client || !token)
      throw new ApiFailure('forbidden', 'Sign in to the hosted backend (Settings → Hosted backend) to answer customers');
    const controller = new AbortController();
    const timer = this.clock.setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const { data, error } = await client.functions.invoke(FUNCTION, {
        body: request,
        headers: { Authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      if (!error) {
        const accepted = data as ReplyAccepted;
        return { wamid: accepted.wamid, replayed: accepted.replayed };
      }
      if (error instanceof FunctionsHttpError) {
        const body = (await (error.context as Response).json().catch(() => null)) as ReplyError | null;
        if (body?.code && body.error) throw new ApiFailure(codeFor[body.code] ?? 'unavailable', body.error);
        throw new ApiFailure(
          'unavailable',
          `The backend answered ${(error.context as Response).status}; the reply may not have been sent. Send again: it is never sent twice.`,
        );
      }
      if (error instanceof FunctionsFetchError)
        throw new ApiFailure(
          'unavailable',
          'No answer from the backend: the reply may or may not have gone out. Send again — the same reply is never sent twice.',
        );
      throw new ApiFailure('unavailable', error instanceof Error ? error.message : String(error));
    } finally {
      this.clock.clearTimeout(timer);
    }
  }
}
