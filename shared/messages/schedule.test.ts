import { describe, expect, it } from 'vitest';
import { defaultRuleTimings, ruleFiresAt } from './schedule.js';
import { renderTemplate, templateValues, unknownVariables } from './template.js';

describe('ruleFiresAt', () => {
  const start = '2026-12-01T13:00:00.000Z'; // 18:30 in Kolkata
  it('places the default rules around the start', () => {
    expect(ruleFiresAt(defaultRuleTimings['morning-of'], start, 'Asia/Kolkata')).toBe('2026-12-01T03:30:00.000Z');
    expect(ruleFiresAt(defaultRuleTimings['6h-before'], start, 'Asia/Kolkata')).toBe('2026-12-01T07:00:00.000Z');
    expect(ruleFiresAt(defaultRuleTimings['1h-before'], start, 'Asia/Kolkata')).toBe('2026-12-01T12:00:00.000Z');
    expect(ruleFiresAt(defaultRuleTimings['30m-before'], start, 'Asia/Kolkata')).toBe('2026-12-01T12:30:00.000Z');
    expect(ruleFiresAt(defaultRuleTimings['live-now'], start, 'Asia/Kolkata')).toBe(start);
  });

  it('reads "09:00 on the day" on the workshop’s own calendar, across daylight-saving changes', () => {
    // 00:30 on 2 Dec in Kolkata is still 1 Dec in UTC: the morning reminder is 2 Dec 09:00 local.
    expect(ruleFiresAt({ kind: 'day-of-at', localTime: '09:00' }, '2026-12-01T19:00:00.000Z', 'Asia/Kolkata')).toBe(
      '2026-12-02T03:30:00.000Z',
    );
    // London on the day clocks go forward: 09:00 BST is 08:00 UTC.
    expect(ruleFiresAt({ kind: 'day-of-at', localTime: '09:00' }, '2026-03-29T17:00:00.000Z', 'Europe/London')).toBe(
      '2026-03-29T08:00:00.000Z',
    );
  });
});

describe('templates', () => {
  const workshop = {
    name: 'Design Sprint',
    startsAt: '2026-12-01T13:00:00.000Z',
    timeZone: 'Asia/Kolkata',
    durationMinutes: 90,
    joinLink: 'https://meet.example/x',
    groupLink: null,
  };
  it('fills every variable for the moment the message goes out', () => {
    const values = templateValues(workshop, '2026-12-01T12:00:00.000Z');
    expect(
      renderTemplate(
        '{workshop_name} starts at {start_time} on {date}, in {time_to_start} ({minutes_to_start} min): {join_link}. Runs {duration}.',
        values,
      ),
    ).toBe('Design Sprint starts at 6:30 PM IST on Tue, 1 Dec, in 1 hour (60 min): https://meet.example/x. Runs 1 hour 30 minutes.');
  });

  it('finds unknown variables before they reach a group', () => {
    expect(unknownVariables('Hi {workshop_name}, see {wrkshop} at { start_time } {oops}')).toEqual(['wrkshop', 'oops']);
    expect(unknownVariables('No variables, {} or { }')).toEqual([]);
  });
});
