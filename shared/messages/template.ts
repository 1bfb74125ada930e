import { DateTime } from 'luxon';
import { zoneAbbreviation } from '../time/zone-abbreviation.js';

/** Every variable a template may use, with what it becomes. */
export const templateVariables = {
  workshop_name: 'The workshop’s name',
  date: 'Its date, e.g. Tue, 1 Dec',
  day: 'today, tomorrow or on Tue, 1 Dec, as seen when the message goes out',
  start_time: 'Start time in the workshop’s time zone, e.g. 6:30 PM IST',
  join_link: 'The workshop’s join link',
  group_link: 'The WhatsApp group’s invite link',
  minutes_to_start: 'Minutes from the message to the start, e.g. 30',
  time_to_start: 'The same in words, e.g. 1 hour or 30 minutes',
  duration: 'How long it runs, e.g. 1 hour 30 minutes',
} as const;

export type TemplateVariable = keyof typeof templateVariables;
export type TemplateValues = Record<TemplateVariable, string>;

const PLACEHOLDER = /\{\s*([a-zA-Z_]+)\s*\}/g;

/** Unknown variables, listed before a template is saved rather than sent to 1,000 people as "{wrkshop}". */
export function unknownVariables(body: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of body.matchAll(PLACEHOLDER)) if (name && !(name in templateVariables)) unknown.add(name);
  return [...unknown];
}

/** Variables that stand for a link the workshop may not have: a message using one without it would end in "Join here:". */
const optionalValues: readonly TemplateVariable[] = ['join_link', 'group_link'];

/** The variables `body` uses whose value is empty, e.g. {join_link} for a workshop without a join link. */
export function missingValues(body: string, values: TemplateValues): TemplateVariable[] {
  const missing = new Set<TemplateVariable>();
  for (const [, name] of body.matchAll(PLACEHOLDER)) {
    if (name && optionalValues.includes(name as TemplateVariable) && values[name as TemplateVariable].trim() === '')
      missing.add(name as TemplateVariable);
  }
  return [...missing];
}

/** Whether the text has variables to fill in, so it must be rendered again when it goes out. */
export function usesVariables(body: string): boolean {
  for (const [, name] of body.matchAll(PLACEHOLDER)) if (name && name in templateVariables) return true;
  return false;
}

/** What a missing value means to the coordinator, e.g. "the workshop's join link". */
export const missingValueNames: Record<TemplateVariable, string> = {
  workshop_name: 'the workshop’s name',
  date: 'the date',
  day: 'the day',
  start_time: 'the start time',
  join_link: 'the workshop’s join link',
  group_link: 'the WhatsApp group’s invite link',
  minutes_to_start: 'the minutes to the start',
  time_to_start: 'the time to the start',
  duration: 'the duration',
};

export function renderTemplate(body: string, values: TemplateValues): string {
  return body.replace(PLACEHOLDER, (match, name: string) => (name in values ? values[name as TemplateVariable] : match));
}

function inWords(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [
    hours > 0 ? `${hours} hour${hours === 1 ? '' : 's'}` : '',
    rest > 0 || hours === 0 ? `${rest} minute${rest === 1 ? '' : 's'}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export interface TemplateWorkshop {
  name: string;
  startsAt: string;
  timeZone: string;
  durationMinutes: number;
  joinLink: string;
  groupLink: string | null;
}

/** The values for one message: `sendAt` is when it goes out, so "minutes to start" is true when read. */
export function templateValues(workshop: TemplateWorkshop, sendAt: string): TemplateValues {
  const start = DateTime.fromISO(workshop.startsAt, { zone: workshop.timeZone }).setLocale('en-GB');
  const minutes = Math.max(0, Math.round((Date.parse(workshop.startsAt) - Date.parse(sendAt)) / 60_000));
  const days = start.startOf('day').diff(DateTime.fromISO(sendAt, { zone: workshop.timeZone }).startOf('day'), 'days').days;
  return {
    workshop_name: workshop.name,
    date: start.toFormat('ccc, d LLL'),
    day: days === 0 ? 'today' : days === 1 ? 'tomorrow' : `on ${start.toFormat('ccc, d LLL')}`,
    start_time: `${start.setLocale('en-US').toFormat('h:mm a')} ${zoneAbbreviation(start)}`,
    join_link: workshop.joinLink,
    group_link: workshop.groupLink ?? '',
    minutes_to_start: String(minutes),
    time_to_start: inWords(minutes),
    duration: inWords(workshop.durationMinutes),
  };
}
