import { ApiFailure, type ErrorCode } from '../../../shared/contract/result.js';
import type { OrderAction, OrderActionDone, OrderActionErrorCode } from '../../../shared/shop/order-action.js';
import type { ReplyAccepted, ReplyErrorCode, ReplyRequest } from '../../../shared/shop/reply-request.js';
import type { BackendAuth } from '../backend/backend-auth.js';
import { callFunction } from '../backend/function-call.js';
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

  private invoke<T>(name: string, body: object, lostAnswer: string): Promise<T> {
    return callFunction<T>({
      auth: this.auth,
      clock: this.clock,
      timeoutMs: this.timeoutMs,
      name,
      body: body as Record<string, unknown>,
      signedOut: 'Sign in to the hosted backend (Settings → Hosted backend) first',
      lostAnswer,
      refusal: (_status, answer) => {
        const refused = answer as { code?: keyof typeof codeFor; error?: string } | null;
        return refused?.code && refused.error ? new ApiFailure(codeFor[refused.code] ?? 'unavailable', refused.error) : null;
      },
    });
  }
}
