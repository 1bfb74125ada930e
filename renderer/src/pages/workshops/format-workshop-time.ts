import { DateTime } from 'luxon';

/**
 * "Tue 1 Dec 2026, 18:30 (Asia/Kolkata)": a workshop's start as people in its zone read it.
 * The zone's name rather than an abbreviation, which depends on the locale and is often "GMT+5:30".
 */
export function formatWorkshopStart(startsAt: string, timeZone: string): string {
  const start = DateTime.fromISO(startsAt, { zone: timeZone });
  return start.isValid ? `${start.toFormat('ccc d LLL yyyy, HH:mm')} (${timeZone})` : startsAt;
}

/** Membership times in the workshop's zone, compact enough for a table cell. */
export function formatMemberTime(iso: string, timeZone: string): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  return time.isValid ? time.toFormat('d LLL yyyy, HH:mm') : iso;
}

/** Sortable and unambiguous in a spreadsheet. */
export function formatSpreadsheetTime(iso: string, timeZone: string): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  return time.isValid ? time.toFormat('yyyy-LL-dd HH:mm') : iso;
}

/** Short axis labels for the timeline. */
export function formatChartTime(iso: string, timeZone: string): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  return time.isValid ? time.toFormat('d LLL HH:mm') : iso;
}
