import { DateTime } from 'luxon';
import { ApiFailure } from '../../../shared/contract/result.js';

/**
 * The one reading of "2026-12-01T18:30 in Asia/Kolkata" as an instant. A time that does
 * not exist (skipped by a daylight-saving change) is refused rather than silently moved.
 */
export function instantFromLocal(local: string, timeZone: string): string {
  const parsed = DateTime.fromISO(local, { zone: timeZone });
  if (!parsed.isValid) throw new ApiFailure('invalid-input', `${local} is not a valid date and time`, { startsAtLocal: 'Not a valid date and time' });
  if (parsed.toFormat("yyyy-MM-dd'T'HH:mm") !== local) {
    const message = `${local} does not exist in ${timeZone} (the clocks skip it); choose another time`;
    throw new ApiFailure('invalid-input', message, { startsAtLocal: message });
  }
  // Same form as Date#toISOString, so stored instants compare correctly as strings.
  return new Date(parsed.toMillis()).toISOString();
}
