import { describe, expect, it } from 'vitest';
import { offeredTimeZones } from './time-zone-names.js';

describe('the time-zone menu', () => {
  it('offers each zone once under its current name: Asia/Kolkata, Europe/Kyiv and Asia/Ho_Chi_Minh, never their old aliases', () => {
    const zones = offeredTimeZones(Intl.supportedValuesOf('timeZone'));
    for (const current of ['Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'America/Argentina/Buenos_Aires'])
      expect(zones).toContain(current);
    for (const old of ['Asia/Calcutta', 'Europe/Kiev', 'Asia/Saigon', 'America/Buenos_Aires']) expect(zones).not.toContain(old);
    expect(new Set(zones).size).toBe(zones.length);
    expect(zones).toEqual([...zones].sort());
  });

  it('renames only the known old names and leaves every other zone as given', () => {
    expect(offeredTimeZones(['Europe/Berlin', 'Asia/Calcutta'])).toEqual(['Asia/Kolkata', 'Europe/Berlin']);
    expect(offeredTimeZones(['Not/A_Zone'])).toEqual(['Not/A_Zone']);
  });
});
