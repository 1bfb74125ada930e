import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export type PhoneResult = { ok: true; digits: string } | { ok: false; reason: string };

/**
 * The one way a phone number becomes the console's form: E.164 digits without the plus
 * (919818861043). Numbers written without a country code are read in the organisation's
 * default country; "00" and a bare country code are understood too, so
 * 98188 61043, 09818861043, +91 98188-61043 and 919818861043 are one person in India.
 */
export function normalisePhone(input: string, defaultCountry: string): PhoneResult {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'No phone number given' };
  if (/[a-z]/i.test(trimmed.replace(/\b(?:ext|x)\.?\s*\d+$/i, ''))) return { ok: false, reason: `"${trimmed}" contains letters` };
  const international = trimmed.replace(/^00/, '+');
  const country = defaultCountry.toUpperCase() as CountryCode;

  const candidates = international.startsWith('+')
    ? [parsePhoneNumberFromString(international)]
    : [parsePhoneNumberFromString(international, country), parsePhoneNumberFromString(`+${international.replace(/\D/g, '')}`)];
  const valid = candidates.find((phone) => phone?.isValid());
  if (valid) return { ok: true, digits: valid.number.slice(1) };
  return { ok: false, reason: `"${trimmed}" is not a valid phone number for ${country} or with a country code` };
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
