import { supabaseJs } from '../backend/supabase-library.js';
import { ApiFailure, type ErrorCode } from '../../../shared/contract/result.js';
import type { OrderAction, OrderActionDone, OrderActionErrorCode } from '../../../shared/shop/order-action.js';
import type { ReplyAccepted, ReplyErrorCode, ReplyRequest } from '../../../shared/shop/reply-request.js';
import type { BackendAuth } from '../backend/backend-auth.js';
import type { Clock } from '../clock/clock.js';

const codeFor: Record<ReplyErrorCode | OrderActionErrorCode, ErrorCode> = {
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
  not_found: 'not-found',
  forbidden: 'forbidden',
  stale: 'conflict',
  not_allowed: 'conflict',
};

/**
 * The shop's functions called as the signed-in user: send-reply and order-action. Both
 * answer the same request with the same outcome (a reply by its idempotency key, an order
 * edit by the version it was made over), so when no answer arrives the user may simply
 * try again.
 */
export class ShopFunctions {
  constructor(
    private readonly auth: BackendAuth,
    private readonly clock: Clock,
    private readonly timeoutMs = 30_000,
  ) {}

  async reply(request: ReplyRequest): Promise<{ wamid: string; replayed: boolean }> {
    const accepted = await this.invoke<ReplyAccepted>(
      'send-reply',
      request,
      'the reply may or may not have gone out. Send again — the same reply is never sent twice.',
    );
    return { wamid: accepted.wamid, replayed: accepted.replayed };
  }

  orderAction(action: OrderAction): Promise<OrderActionDone> {
    return this.invoke<OrderActionDone>(
      'order-action',
      action,
      'the change may or may not have been made. Look at the order again after the next sync.',
    );
  }

  private async invoke<T>(name: string, body: object, lostAnswer: string): Promise<T> {
    const client = this.auth.client();
    const token = (await this.auth.session())?.access_token;
    if (!client || !token) throw new ApiFailure('forbidden', 'Sign in to the hosted backend (Settings → Hosted backend) first');
    const controller = new AbortController();
    const timer = this.clock.setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const { data, error } = await client.functions.invoke(name, {
        body: body as Record<string, unknown>,
        headers: { Authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      if (!error) return data as T;
      if (error instanceof supabaseJs().FunctionsHttpError) {
        const answer = (await (error.context as Response).json().catch(() => null)) as {
          code?: keyof typeof codeFor;
          error?: string;
        } | null;
        if (answer?.code && answer.error) throw new ApiFailure(codeFor[answer.code] ?? 'unavailable', answer.error);
        throw new ApiFailure('unavailable', `The backend answered ${(error.context as Response).status}: ${lostAnswer}`);
      }
      if (error instanceof supabaseJs().FunctionsFetchError)
        throw new ApiFailure('unavailable', `No answer from the backend: ${lostAnswer}`);
      throw new ApiFailure('unavailable', error instanceof Error ? error.message : String(error));
    } finally {
      this.clock.clearTimeout(timer);
    }
  }
}
