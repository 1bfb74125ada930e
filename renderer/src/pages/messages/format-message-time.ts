import { DateTime } from 'luxon';

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

/** "Tue 1 Dec, 18:00 IST": when a message goes out, as people in the workshop's zone read it. */
export function formatMessageTime(iso: string, timeZone: string): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  if (!time.isValid) return iso;
  return `${time.setLocale('en-GB').toFormat('ccc d LLL, HH:mm')} ${zoneAbbreviation(time)}`;
}

/** "14:02", with the day when it is not today in that zone. */
export function formatClock(iso: string, timeZone: string, now = Date.now()): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  if (!time.isValid) return iso;
  const today = DateTime.fromMillis(now, { zone: timeZone });
  return time.hasSame(today, 'day') ? time.toFormat('HH:mm') : time.setLocale('en-GB').toFormat('ccc d LLL, HH:mm');
}
