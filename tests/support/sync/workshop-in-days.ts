import { localTimeInDays } from '../../../shared/time/local-date-time.js';

/** What `workshops:create` takes for an hour-long workshop at 10:00 UTC, `days` from today. */
export function workshopInDays(name: string, days: number) {
  return { name, startsAtLocal: localTimeInDays(days, '10:00', 'UTC'), timeZone: 'UTC', durationMinutes: 60 };
}
