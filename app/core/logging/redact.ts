/**
 * Logs end up in bug reports and support chats, so personal data never reaches them:
 * phone numbers, personal JIDs and message text are replaced before a line is written.
 */

// Group JIDs stay readable (they identify a group, not a person) unless they are the old
// `<creator phone>-<time>@g.us` form; personal JIDs never do.
//
// A phone number is a free-standing run of digits, single spaces, dots or dashes between them:
// 8 to 15 digits after a "+", 9 to 15 without one (E.164 has at most 15). Digits glued to letters
// or to a dash/dot that follows a letter or digit are part of an id (a session id
// `wa_c1d53c21-8f09-4541-…`, a message id `3EB0…`) and stay, as do a date (8 digits) and a time
// of day (followed by ":").
const PHONE = String.raw`(?<![\w.+-])(?:\+\d(?:[\s.-]?\d){7,14}|\d(?:[\s.-]?\d){8,14})(?![\w:]|[.-]\w)`;
const SENSITIVE = new RegExp(
  String.raw`(\b\d{10,20}@g\.us\b)|(\b\d{5,20}-\d+@g\.us\b)|(\b\d{5,20}(?::\d+)?@(?:s\.whatsapp\.net|c\.us|lid)\b)|${PHONE}`,
  'g',
);

export const REDACTED = '[redacted]';

/** Keys whose values are personal or secret whatever they look like. */
export const redactedKeys = [
  'phone',
  'phoneNumber',
  'phone_number',
  'full_phone',
  'text',
  'body',
  'caption',
  'conversation',
  'token',
  'accessToken',
  'password',
  'secret',
  'creds',
  'keys',
  'pushName',
  'notify',
] as const;

const redactedKeySet = new Set<string>(redactedKeys);

export function scrubText(text: string): string {
  return text.replace(SENSITIVE, (match, group: string | undefined, oldGroup: string | undefined, jid: string | undefined) =>
    group ? match : oldGroup ? '[group]' : jid ? '[jid]' : '[phone]',
  );
}

export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = redactedKeySet.has(key) && inner !== undefined && inner !== null ? REDACTED : scrub(inner, depth + 1);
  }
  return out;
}
