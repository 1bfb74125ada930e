/**
 * The one place phone numbers are normalised: E.164 digits without the "+", the form
 * Cloud API uses for `from`, `wa_id` and `to`, and the form every phone column stores.
 * Returns null for anything that cannot be a phone number rather than storing junk.
 */
export function toE164Digits(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const compact = raw.trim().replace(/[\s().-]/g, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
  return /^[1-9][0-9]{7,14}$/.test(digits) ? digits : null;
}
