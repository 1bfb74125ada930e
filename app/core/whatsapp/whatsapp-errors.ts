/**
 * WhatsApp's error codes in the operator's words. Two families: IQ errors (a request such as
 * "group metadata" was refused) and error acks (a message WhatsApp's server would not take).
 */

const iqWords: Record<number, string> = {
  401: 'WhatsApp says this account may not do that here (not an admin of the group?)',
  403: 'This account is no longer in the group, so WhatsApp refused',
  404: 'WhatsApp does not know this group or number',
  406: 'WhatsApp refused the request as not acceptable',
  408: 'WhatsApp did not answer in time',
  429: 'WhatsApp is rate-limiting this account for now',
  500: 'WhatsApp had an internal error',
  501: 'WhatsApp does not support this request',
  503: 'WhatsApp is temporarily unavailable',
};

/** An IQ WhatsApp refused, with its real code where Baileys would report 500. */
export class WhatsAppRequestError extends Error {
  /** Shaped like Boom's, so code that reads `output.statusCode` sees the real code. */
  readonly output: { statusCode: number };

  constructor(
    readonly code: number,
    readonly text: string,
    message?: string,
  ) {
    super(message ?? `${iqWords[code] ?? 'WhatsApp refused the request'} (${code}${text ? ` ${text}` : ''})`);
    this.name = 'WhatsAppRequestError';
    this.output = { statusCode: code };
  }
}

/**
 * Baileys' assertNodeErrorFree throws Boom(text, { data: code }) whose statusCode is always 500;
 * the code WhatsApp sent is in `data`. Anything else (connection closed, timeouts) is kept as is.
 */
export function requestErrorFrom(error: unknown): unknown {
  const boom = error as { isBoom?: boolean; data?: unknown; message?: string } | null;
  if (boom?.isBoom && typeof boom.data === 'number' && Number.isFinite(boom.data))
    return new WhatsAppRequestError(boom.data, boom.message ?? '');
  return error;
}

export interface AckErrorMeaning {
  words: string;
  /** WhatsApp is throttling the account: sending more makes it worse, so the account pauses. */
  throttled: boolean;
}

/** An error ack (`<ack class="message" error="…">`) in words. */
export function ackErrorMeaning(code: string): AckErrorMeaning {
  switch (code) {
    case '463':
    case '475':
      return {
        throttled: true,
        words: `WhatsApp is throttling this account for messaging people it has no chat with yet (${code}). Sending is paused for this account; wait a few hours before resuming.`,
      };
    case '479':
      return {
        throttled: false,
        words:
          "WhatsApp rejected the message as invalid (479), usually a stale list of the members' devices. Sync the group's members, then resend.",
      };
    case '421':
      return { throttled: false, words: 'WhatsApp refused the message for this chat (421).' };
    default:
      return { throttled: false, words: `WhatsApp rejected the message (error ${code}).` };
  }
}
