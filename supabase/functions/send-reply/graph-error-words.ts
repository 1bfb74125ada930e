/**
 * What a store owner should read when Meta refuses a reply: the codes a reply meets most,
 * in words with what to do; anything else keeps Meta's own message and code.
 * Codes: Meta's Cloud API error code reference.
 */
const WORDS: Record<number, string> = {
  131047: 'More than 24 hours have passed since the customer last wrote: only an approved template can reach them now',
  131026: 'WhatsApp could not deliver to this number (not on WhatsApp, an old app version, or the customer has blocked the business)',
  131056: 'Too many messages to this customer in a short time: wait a little and send again',
  130429: "The business number has reached WhatsApp's sending rate: wait a little and send again",
  131051: 'WhatsApp does not support this message type',
  131030: 'This number is not on the test number’s allowed list in the Meta app',
  132000: 'The template’s parameters do not match what Meta approved (a different number of parameters)',
  132001: 'Meta has no such template in this language (or it is not approved yet)',
  132015: 'Meta paused this template because of its quality',
  190: 'The platform’s WhatsApp access token has expired or was revoked: the platform operator must renew it',
};

export function graphErrorInWords(error: string, code: number | undefined): string {
  const words = code === undefined ? undefined : WORDS[code];
  return words ? `WhatsApp refused the reply: ${words} (Meta error ${code})` : `WhatsApp refused the reply: ${error}`;
}
