import { describe, expect, it } from 'vitest';
import { instantFromLocal, localTimeInDays, toLocalInput } from './local-date-time.js';

describe('local wall time and instants', () => {
  it('reads a wall time in its zone and writes it back the same', () => {
    expect(instantFromLocal('2026-12-01T18:30', 'Asia/Kolkata')).toBe('2026-12-01T13:00:00.000Z');
    expect(toLocalInput('2026-12-01T13:00:00.000Z', 'Asia/Kolkata')).toBe('2026-12-01T18:30');
    expect(toLocalInput('2026-12-01T13:00:00.000Z', 'America/New_York')).toBe('2026-12-01T08:00');
  });

  it('refuses a time the clocks skip, keyed under the field the form shows', () => {
    expect(() => instantFromLocal('2027-03-28T01:30', 'Europe/London', 'sendAtLocal')).toThrow(
      expect.objectContaining({
        code: 'invalid-input',
        fields: { sendAtLocal: expect.stringMatching(/28 Mar 2027, 01:30 does not exist in Europe\/London/) },
      }),
    );
    expect(() => instantFromLocal('tomorrow', 'UTC')).toThrow(
      expect.objectContaining({ fields: { startsAtLocal: 'Not a valid date and time' } }),
    );
  });

  it('gives "in two days at 18:30" by the wall clock of the zone, across a daylight-saving change', () => {
    const saturdayNoon = Date.parse('2027-03-27T12:00:00Z');
    expect(localTimeInDays(2, '18:30', 'Europe/London', saturdayNoon)).toBe('2027-03-29T18:30');
    expect(localTimeInDays(1, '09:00', 'Asia/Kolkata', Date.parse('2026-12-01T20:00:00Z'))).toBe('2026-12-03T09:00');
  });
});
