import { DateTime } from 'luxon';
import { ApiFailure } from '../contract/result.js';

/**
 * A wall time as the forms hold it (what an <input type="datetime-local"> gives), to the
 * minute: 2026-12-01T18:30. Stored with the workshop's zone, it is what the coordinator
 * typed; the instant is derived from the two.
 */
const LOCAL_INPUT = "yyyy-MM-dd'T'HH:mm";

/** An instant (ISO 8601) as the wall time in `timeZone`, e.g. to fill a form. */
export function toLocalInput(instant: string, timeZone: string): string {
  return DateTime.fromISO(instant, { zone: timeZone }).toFormat(LOCAL_INPUT);
}

/**
 * "2026-12-01T18:30 in Asia/Kolkata" as an instant, in the form Date#toISOString gives so
 * stored instants compare correctly as strings. A time that does not exist (skipped by a
 * daylight-saving change) is refused rather than silently moved; the error is keyed under
 * `field`, the input the form shows it next to.
 */
export function instantFromLocal(local: string, timeZone: string, field = 'startsAtLocal'): string {
  const parsed = DateTime.fromISO(local, { zone: timeZone });
  if (!parsed.isValid)
    throw new ApiFailure('invalid-input', `${local} is not a valid date and time`, { [field]: 'Not a valid date and time' });
  if (parsed.toFormat(LOCAL_INPUT) !== local) {
    // The wall time as typed: read in UTC, which has no gaps, only to format it.
    const shown = DateTime.fromISO(local, { zone: 'UTC' }).toFormat('d LLL yyyy, HH:mm');
    const message = `${shown} does not exist in ${timeZone}: the clocks skip that hour. Choose another time`;
    throw new ApiFailure('invalid-input', message, { [field]: message });
  }
  return new Date(parsed.toMillis()).toISOString();
}

/** The wall time `days` after `now` at `time` ("18:30") in `timeZone`, e.g. "tomorrow evening" for an empty form. */
export function localTimeInDays(days: number, time: string, timeZone: string, now: number = Date.now()): string {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.fromMillis(now, { zone: timeZone }).plus({ days }).set({ hour, minute, second: 0, millisecond: 0 }).toFormat(LOCAL_INPUT);
}
