import { DateTime } from 'luxon';
import { ApiFailure } from '../../../shared/contract/result.js';

/**
 * The one reading of "2026-12-01T18:30 in Asia/Kolkata" as an instant. A time that does
 * not exist (skipped by a daylight-saving change) is refused rather than silently moved.
 */
export function instantFromLocal(local: string, timeZone: string, field = 'startsAtLocal'): string {
  const parsed = DateTime.fromISO(local, { zone: timeZone });
  if (!parsed.isValid) throw new ApiFailure('invalid-input', `${local} is not a valid date and time`, { [field]: 'Not a valid date and time' });
  if (parsed.toFormat("yyyy-MM-dd'T'HH:mm") !== local) {
    // The wall time as typed: read in UTC, which has no gaps, only to format it.
    const shown = DateTime.fromISO(local, { zone: 'UTC' }).toFormat('d LLL yyyy, HH:mm');
    const message = `${shown} does not exist in ${timeZone}: the clocks skip that hour. Choose another time`;
    // Keyed under the field the form shows, so the message appears next to the right input.
    throw new ApiFailure('invalid-input', message, { [field]: message });
  }
  // Same form as Date#toISOString, so stored instants compare correctly as strings.
  return new Date(parsed.toMillis()).toISOString();
}
