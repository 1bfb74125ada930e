/**
 * What the queue does with each Cloud API error, in one table. Meta's advice is to act
 * on `code` (and `error_data.details`), never on titles. Codes not listed are treated as
 * permanent for the row: retrying an unknown refusal risks repeating it at scale.
 */

export type ErrorAction =
  /** 130429: the number's throughput. Slow the number, retry soon; the attempt does not count. */
  | 'throttle-number'
  /** 131056: too many messages to this recipient. Retry this recipient only, after ≥ 6 s × 2^n. */
  | 'retry-recipient'
  /** Temporary at Meta: retry with backoff, at most MAX_ATTEMPTS times. */
  | 'retry-backoff'
  /** 131049: Meta chose not to deliver (per-user marketing limit). Try again a day later, twice at most. */
  | 'reschedule-day'
  /** The row can never succeed as it is. */
  | 'permanent'
  /** 131026: not deliverable to this number. Permanent, and the recipient is marked. */
  | 'undeliverable'
  /** 131050: the user stopped marketing messages. Permanent, and no more marketing to them. */
  | 'marketing-opt-out'
  /** 132001: the template is not there (in that language) or not approved. Permanent; re-sync templates. */
  | 'template-missing'
  /** 132015: the template is paused. Hold the rows until it is approved again. */
  | 'template-paused'
  /** 132016: the template is disabled. Fail its rows. */
  | 'template-disabled'
  /** The number cannot send (not registered, spam limit): pause it and tell the operator. */
  | 'pause-number'
  /** 368: the business account is restricted for policy violations: pause all its numbers. */
  | 'pause-account'
  /** 190: the access token expired: pause the number until a new token is saved. */
  | 'pause-token';

export const ERROR_POLICY: Readonly<Record<number, ErrorAction>> = {
  130429: 'throttle-number',
  131056: 'retry-recipient',
  4: 'retry-backoff',
  80007: 'retry-backoff',
  1: 'retry-backoff',
  2: 'retry-backoff',
  131000: 'retry-backoff',
  131016: 'retry-backoff',
  131049: 'reschedule-day',
  131047: 'permanent',
  131051: 'permanent',
  131008: 'permanent',
  131009: 'permanent',
  100: 'permanent',
  132000: 'permanent',
  132012: 'permanent',
  135000: 'permanent',
  131026: 'undeliverable',
  131050: 'marketing-opt-out',
  132001: 'template-missing',
  132015: 'template-paused',
  132016: 'template-disabled',
  133010: 'pause-number',
  131048: 'pause-number',
  131031: 'pause-account',
  368: 'pause-account',
  190: 'pause-token',
};

export const MAX_ATTEMPTS = 5;
export const MAX_RESCHEDULES = 2;
export const PAIR_GAP_SECONDS = 6;

/** An HTTP 5xx without a code of Meta's is Meta's trouble too: retry. */
export function actionFor(code: number | undefined, httpStatus: number): ErrorAction {
  if (code !== undefined && code in ERROR_POLICY) return ERROR_POLICY[code]!;
  return httpStatus >= 500 ? 'retry-backoff' : 'permanent';
}

/** Seconds to wait before attempt `attempts + 1`: 2^n × base, with up to 25 % jitter. */
export function backoffSeconds(base: number, attempts: number, random: () => number = Math.random): number {
  const plain = base * 2 ** Math.max(0, attempts - 1);
  return Math.min(3600, plain * (1 + random() * 0.25));
}
