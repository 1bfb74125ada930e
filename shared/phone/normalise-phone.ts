import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export type PhoneResult = { ok: true; digits: string } | { ok: false; reason: string };

/**
 * The one way a phone number becomes the console's form, on the desktop and in the edge
 * functions alike: E.164 digits without the plus (919818861043), or a reason in plain words.
 * Numbers written without a country code are read in `defaultCountry` (the organisation's
 * setting); "00" and a bare country code are understood too, so 98188 61043, 09818861043,
 * +91 98188-61043 and 919818861043 are one person in India. Without a default country
 * (digits WhatsApp itself sends: `from`, `wa_id`, a participant's number) every number
 * must carry its country code.
 */
export function normalisePhone(input: string, defaultCountry?: string): PhoneResult {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'No phone number given' };
  if (/[a-z]/i.test(trimmed.replace(/\b(?:ext|x)\.?\s*\d+$/i, ''))) return { ok: false, reason: `"${trimmed}" contains letters` };
  const international = trimmed.replace(/^00/, '+');
  const country = defaultCountry?.toUpperCase() as CountryCode | undefined;
  const withCountryCode = () => parsePhoneNumberFromString(`+${international.replace(/\D/g, '')}`);

  const candidates = international.startsWith('+')
    ? [parsePhoneNumberFromString(international)]
    : country
      ? [parsePhoneNumberFromString(international, country), withCountryCode()]
      : [withCountryCode()];
  const valid = candidates.find((phone) => phone?.isValid());
  if (valid) return { ok: true, digits: valid.number.slice(1) };
  return {
    ok: false,
    reason: country
      ? `"${trimmed}" is not a valid phone number for ${country} or with a country code`
      : `"${trimmed}" is not a valid phone number with a country code`,
  };
}

/** WhatsApp JIDs carry the number before the @ and sometimes a device after a colon. */
export function phoneFromJid(jid: string): string | null {
  const match = /^(\d{6,16})(?::\d+)?@(?:s\.whatsapp\.net|c\.us)$/.exec(jid);
  return match?.[1] ?? null;
}

/** +91 98188 61043: how people expect to read a stored number. */
export function displayPhone(digits: string): string {
  return parsePhoneNumberFromString(`+${digits}`)?.formatInternational() ?? `+${digits}`;
}

export function jidForPhone(digits: string): string {
  return `${digits}@s.whatsapp.net`;
}
