import type { DateTime } from 'luxon';

/** Locales whose short zone names people recognise (EST, BST, IST, AEDT, EAT, WAT, GST…). */
const abbreviationLocales = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-KE', 'en-NG'];
const abbreviations = new Map<string, string>();

/** "IST" rather than "GMT+5:30" where some English locale has a name for the zone; else the offset. */
export function zoneAbbreviation(time: DateTime): string {
  const key = `${time.zoneName}|${time.offset}`;
  let name = abbreviations.get(key);
  if (name === undefined) {
    const names = abbreviationLocales.map((locale) => time.setLocale(locale).offsetNameShort ?? '');
    name = names.find((candidate) => /^[A-Z]{2,5}$/.test(candidate)) ?? names[0] ?? time.toFormat('ZZ');
    abbreviations.set(key, name);
  }
  return name;
}
