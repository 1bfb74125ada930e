import { DateTime } from 'luxon';
import { zoneAbbreviation } from '../../../../shared/time/zone-abbreviation.js';

/**
 * "Tue 1 Dec, 18:00 IST": when a message goes out, as people in the workshop's zone read it.
 * A file kept beyond this year needs the year too: "Tue 1 Dec 2026, 18:00 IST".
 */
export function formatMessageTime(iso: string, timeZone: string, { withYear = false } = {}): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  if (!time.isValid) return iso;
  return `${time.setLocale('en-GB').toFormat(withYear ? 'ccc d LLL yyyy, HH:mm' : 'ccc d LLL, HH:mm')} ${zoneAbbreviation(time)}`;
}

/** "14:02", with the day when it is not today in that zone. */
export function formatClock(iso: string, timeZone: string, now = Date.now()): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  if (!time.isValid) return iso;
  const today = DateTime.fromMillis(now, { zone: timeZone });
  return time.hasSame(today, 'day') ? time.toFormat('HH:mm') : time.setLocale('en-GB').toFormat('ccc d LLL, HH:mm');
}
