import { DateTime } from 'luxon';
import { zoneAbbreviation } from '../time/zone-abbreviation.js';

/**
 * "18:00 IST" when it is today in that zone, else "Tue 1 Dec, 18:00 IST": a send time in
 * the workshop's zone with its abbreviation, the convention of every page and the tray,
 * whatever zone the computer itself is set to.
 */
export function formatDueTime(iso: string, timeZone: string, now: number): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  if (!time.isValid) return iso;
  const today = DateTime.fromMillis(now, { zone: timeZone });
  const clock = time.hasSame(today, 'day') ? time.toFormat('HH:mm') : time.setLocale('en-GB').toFormat('ccc d LLL, HH:mm');
  return `${clock} ${zoneAbbreviation(time)}`;
}
