import { normalisePhone } from '../../../shared/phone/normalise-phone.ts';

/**
 * A number WhatsApp sent (`from`, `wa_id`, a group participant) in the form every phone
 * column stores: E.164 digits without the "+", by the same rule the desktop uses. These
 * numbers always carry their country code, so there is no default country; anything that
 * is not a valid number gives null rather than storing junk.
 */
export function toE164Digits(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const phone = normalisePhone(raw);
  return phone.ok ? phone.digits : null;
}
