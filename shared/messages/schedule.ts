import { DateTime } from 'luxon';
import { z } from 'zod';

/** The five rules every organisation starts with; their keys are the names coordinators know them by. */
export const ruleKeys = ['morning-of', '6h-before', '1h-before', '30m-before', 'live-now'] as const;
export const DefaultRuleKeySchema = z.enum(ruleKeys);
export type DefaultRuleKey = z.infer<typeof DefaultRuleKeySchema>;

/** A rule a coordinator added has an id of its own, so two desktops adding rules never collide. */
export const customRuleIdPattern = /^rule_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const CustomRuleIdSchema = z.string().regex(customRuleIdPattern, 'Not a reminder rule');

/** Any rule: one of the five defaults or an added one. */
export const RuleKeySchema = z.union([DefaultRuleKeySchema, CustomRuleIdSchema]);
export type RuleKey = z.infer<typeof RuleKeySchema>;

export const isDefaultRuleKey = (key: string): key is DefaultRuleKey => (ruleKeys as readonly string[]).includes(key);

/** A rule's name: the one the coordinator gave it, else a default's built-in name. */
export function ruleLabel(key: string, storedLabel: string | null | undefined): string {
  if (storedLabel) return storedLabel;
  return isDefaultRuleKey(key) ? ruleLabels[key] : 'A removed reminder rule';
}

export const RuleLabelSchema = z.string().trim().min(1, 'Give the rule a name').max(80, 'A rule name stops at 80 characters');

/** When a rule fires: a local time on the workshop's day, or minutes before its start. */
export type RuleTiming = { kind: 'day-of-at'; localTime: string } | { kind: 'before-start'; minutes: number };

export const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time such as 09:00');

/** The schedule a new organisation starts with: the morning of, 6 h, 1 h and 30 min before, and at the start. */
export const defaultRuleTimings: Record<DefaultRuleKey, RuleTiming> = {
  'morning-of': { kind: 'day-of-at', localTime: '09:00' },
  '6h-before': { kind: 'before-start', minutes: 360 },
  '1h-before': { kind: 'before-start', minutes: 60 },
  '30m-before': { kind: 'before-start', minutes: 30 },
  'live-now': { kind: 'before-start', minutes: 0 },
};

export const ruleLabels: Record<DefaultRuleKey, string> = {
  'morning-of': 'Morning reminder on the day',
  '6h-before': '6 hours before',
  '1h-before': '1 hour before',
  '30m-before': '30 minutes before',
  'live-now': '“We are live” at the start',
};

/**
 * The one schedule computation: the instant a rule fires for a workshop starting at
 * `startsAt` (UTC) in `timeZone`. "09:00 on the day" is 09:00 on the local calendar day of
 * the start, whatever the offset or daylight-saving rules of that zone.
 */
export function ruleFiresAt(timing: RuleTiming, startsAt: string, timeZone: string): string {
  const start = DateTime.fromISO(startsAt, { zone: timeZone });
  const at =
    timing.kind === 'before-start'
      ? start.minus({ minutes: timing.minutes })
      : start.set({ hour: Number(timing.localTime.slice(0, 2)), minute: Number(timing.localTime.slice(3, 5)), second: 0, millisecond: 0 });
  // Same form as Date#toISOString everywhere: the queue compares these strings in SQL.
  return new Date(at.toMillis()).toISOString();
}
