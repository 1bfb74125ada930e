import { DateTime } from 'luxon';

/**
 * A wall-clock time `days` after `now` in `zone`, written as the workshop form's
 * "yyyy-MM-ddTHH:mm". Tests build their dates with this so they mean the same thing on
 * any day they run: "the day after tomorrow at 18:30 in Kolkata", never a calendar date
 * that will one day be in the past.
 */
export function localTimeInDays(days: number, time: string, zone: string, now: number = Date.now()): string {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.fromMillis(now, { zone })
    .plus({ days })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toFormat("yyyy-MM-dd'T'HH:mm");
}
