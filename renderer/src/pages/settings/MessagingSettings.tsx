import { ReminderScheduleSection } from './ReminderScheduleSection.js';
import { TemplatesSection } from './TemplatesSection.js';

/** The messaging part of Settings: templates first, since the schedule picks from them. */
export function MessagingSettings() {
  return (
    <>
      <TemplatesSection />
      <ReminderScheduleSection />
    </>
  );
}
