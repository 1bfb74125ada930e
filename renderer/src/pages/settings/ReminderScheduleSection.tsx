import { useId } from 'react';
import { AutomationRulesForm } from '../messages/AutomationRulesForm.js';

/** "Reminder schedule": the organisation's five rules; a workshop may override them in its WhatsApp tab. */
export function ReminderScheduleSection() {
  const headingId = useId();
  return (
    <section className="card settings-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Reminder schedule</h2>
      <p className="muted settings-section__intro">
        Sent to every workshop’s linked group, in the workshop’s time zone. Grace is how late a reminder may still go out after the console
        was off or offline; later than that it is marked missed. Changes move every pending reminder; sent ones are never touched.
      </p>
      <AutomationRulesForm />
    </section>
  );
}
