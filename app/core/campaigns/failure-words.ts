import type { SendStatus } from '../../../shared/campaigns/campaign-schemas.js';

/** Meta's error codes a coordinator meets, said the way they would explain it to a colleague. */
const codeWords: Readonly<Record<number, string>> = {
  131026: 'This number cannot receive WhatsApp messages (not on WhatsApp, or an app too old).',
  131050: 'They stopped marketing messages from this business.',
  131049: 'Meta held it back to keep their marketing messages few; it is tried again a day later.',
  131047: 'More than 24 hours since they last wrote, so only an approved template can reach them.',
  131051: 'Meta does not support this kind of message.',
  131048: 'Meta limited the business number after spam reports; its sends are paused.',
  131056: 'Too many messages to this person in a short time; it is tried again shortly.',
  130429: 'The number’s sending rate was reached; it is tried again shortly.',
  132000: 'The values did not match the template’s variables.',
  132001: 'The template is not at Meta in this language, or not approved.',
  132012: 'A value is not in the format the template expects.',
  132015: 'The template is paused at Meta; it waits until the template is approved again.',
  132016: 'The template was disabled by Meta.',
  132018: 'A value contains a new line, a tab or too many spaces, which Meta refuses.',
  133010: 'The business number is not registered with Meta.',
  131008: 'A value the template needs is missing.',
  131009: 'Meta refused one of the values.',
  100: 'Meta refused one of the values.',
  131031: 'Meta restricted the business account; its numbers are paused.',
  368: 'Meta restricted the business account for policy reasons; its numbers are paused.',
  190: 'The access token expired; an owner must save a new one.',
  131000: 'Meta had a temporary problem.',
  1: 'Meta had a temporary problem.',
  2: 'Meta had a temporary problem.',
};

/**
 * What happened to one send, in words, or null when its status says it all. Meta's own
 * text (kept in error_message) is the fallback for a code not listed.
 */
export function failureInWords(status: SendStatus, code: number | null, message: string | null): string | null {
  if (code !== null && codeWords[code]) return codeWords[code]!;
  if (status === 'unknown')
    return message && !message.startsWith('(#')
      ? message
      : 'No answer came back from Meta for this send; it is not sent again until Meta reports what happened.';
  if (status === 'failed' || status === 'cancelled' || status === 'queued') return message;
  return null;
}
