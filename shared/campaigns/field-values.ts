import type { TemplateValues } from '../messages/template.js';

/**
 * The value one Cloud API template variable takes for one person: their name, or a field
 * of the workshop as the shared template rule words it ("6:30 PM EAT", "Mon, 7 Dec"). The
 * console's campaigns and the backend's reminders to leads both fill values through this,
 * so a reminder and a campaign about the same workshop say its time the same way.
 */
export type ValueField = 'lead_name' | 'workshop_name' | 'date' | 'start_date' | 'start_time' | 'duration' | 'join_link' | 'group_link';

export function fieldValue(field: ValueField, personName: string | null | undefined, values: TemplateValues): string {
  if (field === 'lead_name') return personName?.trim() || 'there';
  // Reminders have always called the date `start_date`.
  if (field === 'start_date') return values.date;
  return values[field];
}
