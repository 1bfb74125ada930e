import { DateTime } from 'luxon';
import { zoneAbbreviation } from '../time/zone-abbreviation.js';

/** Every variable a template may use, with what it becomes. */
export const templateVariables = {
  workshop_name: 'The workshop’s name',
  date: 'Its date, e.g. Tue, 1 Dec',
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

export function renderTemplate(body: string, values: TemplateValues): string {
  return body.replace(PLACEHOLDER, (match, name: string) => (name in values ? values[name as TemplateVariable] : match));
}

function inWords(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [hours > 0 ? `${hours} hour${hours === 1 ? '' : 's'}` : '', rest > 0 || hours === 0 ? `${rest} minute${rest === 1 ? '' : 's'}` : ''];
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
  return {
    workshop_name: workshop.name,
    date: start.toFormat('ccc, d LLL'),
    start_time: `${start.setLocale('en-US').toFormat('h:mm a')} ${zoneAbbreviation(start)}`,
    join_link: workshop.joinLink,
    group_link: workshop.groupLink ?? '',
    minutes_to_start: String(minutes),
    time_to_start: inWords(minutes),
    duration: inWords(workshop.durationMinutes),
  };
}
