import { useState } from 'react';
import {
  type CampaignSetup,
  type ReminderField,
  reminderFields,
  type ReminderKind,
  reminderKinds,
  reminderKindWords,
  type WorkshopReminders as Reminders,
} from '../../../../shared/campaigns/campaign-schemas.js';
import { useApi } from '../../app/console-context.js';
import { formatWhen } from '../inbox/format-shop.js';
import { useCampaignQuery } from './use-campaign-query.js';
import { TemplateOptions } from './TemplateOptions.js';

const defaultFields: ReminderField[] = ['lead_name', 'workshop_name', 'start_time', 'group_link'];

function taskWords(task: Reminders['tasks'][number] | undefined, timeZone: string): string {
  if (!task || task.status === 'cancelled') return 'Off';
  if (task.status === 'done') return `Sent to ${task.queuedCount}`;
  return `On · goes out ${formatWhen(task.scheduledFor, timeZone)}`;
}

/**
 * A workshop's 1:1 template reminders to its registered leads: 7 days before, 1 day
 * before and on the day. The backend schedules them from the workshop (and moves them
 * when it moves), queues each person once, and skips whoever was removed or opted out.
 */
export function WorkshopReminders({ workshopId, setup, timeZone }: { workshopId: string; setup: CampaignSetup; timeZone: string }) {
  const api = useApi();
  const current = useCampaignQuery(`reminders:${workshopId}`, (client) => client.call('reminders:get', { workshopId }));
  const [edit, setEdit] = useState<{ enabled: ReminderKind[]; templateId: string; parameters: ReminderField[] } | null>(null);
  const [answer, setAnswer] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  if (!current.data) return null;
  const saved = current.data;
  const shown = edit ?? {
    enabled: saved.tasks.filter((t) => t.status !== 'cancelled').map((t) => t.kind),
    templateId: saved.templateId ?? '',
    parameters: saved.parameters,
  };
  const template = setup.templates.find((t) => t.id === shown.templateId) ?? null;
  const change = (next: Partial<typeof shown>) => setEdit({ ...shown, ...next });
  const chooseTemplate = (id: string) => {
    const next = setup.templates.find((t) => t.id === id);
    change({ templateId: id, parameters: next ? next.variables.map((_, i) => defaultFields[i] ?? 'workshop_name') : [] });
  };
  const save = async () => {
    if (!template) return;
    setSaving(true);
    const result = await api.call('reminders:set', {
      workshopId,
      configId: saved.configId && template.numberIds.includes(saved.configId) ? saved.configId : (template.numberIds[0] ?? ''),
      templateId: template.id,
      parameters: shown.parameters,
      enabled: shown.enabled,
    });
    setSaving(false);
    setAnswer(result.ok ? 'Saved. The schedule follows the workshop.' : result.error.message);
    if (result.ok) setEdit(null);
  };
  return (
    <fieldset className="campaign-composer__parameters" aria-label="Reminders to registered leads">
      <legend>Reminders to this workshop’s registered leads</legend>
      {reminderKinds.map((kind) => (
        <label key={kind} className="campaign-composer__parameter">
          <input
            type="checkbox"
            checked={shown.enabled.includes(kind)}
            onChange={(e) => change({ enabled: e.target.checked ? [...shown.enabled, kind] : shown.enabled.filter((k) => k !== kind) })}
          />
          {reminderKindWords[kind]}
          <span className="muted">
            {taskWords(
              saved.tasks.find((t) => t.kind === kind),
              timeZone,
            )}
          </span>
        </label>
      ))}
      <label>
        Message to send
        <select value={shown.templateId} onChange={(e) => chooseTemplate(e.target.value)}>
          <TemplateOptions templates={setup.templates} />
        </select>
      </label>
      {template?.variables.map((variable, i) => (
        <label key={variable}>
          {`Reminder {{${variable}}}`}
          <select
            value={shown.parameters[i] ?? ''}
            onChange={(e) => change({ parameters: shown.parameters.map((p, j) => (j === i ? (e.target.value as ReminderField) : p)) })}
          >
            {Object.entries(reminderFields).map(([field, words]) => (
              <option key={field} value={field}>
                {words}
              </option>
            ))}
          </select>
        </label>
      ))}
      <button type="button" className="button" disabled={saving || !template} onClick={() => void save()}>
        {saving ? 'Saving…' : 'Save reminders'}
      </button>
      {answer ? <p role="status">{answer}</p> : null}
    </fieldset>
  );
}
