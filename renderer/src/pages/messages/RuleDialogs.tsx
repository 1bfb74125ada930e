import { useState, type FormEvent } from 'react';
import type { AutomationRule, Template } from '../../../../shared/messages/message-schemas.js';
import { useApi } from '../../app/console-context.js';
import { DialogActions } from '../../components/DialogActions.js';
import { FormField, TextField } from '../../components/FormField.js';
import { FormFailure } from '../../components/FormFailure.js';
import { Modal } from '../../components/Modal.js';
import { quote } from '../../../../shared/text/quote.js';

export type TimingKind = 'before-start' | 'day-of-at';

/** "How is it timed": minutes before the start or a fixed local time on the workshop's day. */
export function TimingKindSelect({
  id,
  label,
  value,
  onChange,
}: {
  id?: string;
  label: string;
  value: TimingKind;
  onChange: (kind: TimingKind) => void;
}) {
  return (
    <select id={id} aria-label={label} value={value} onChange={(event) => onChange(event.target.value as TimingKind)}>
      <option value="before-start">Minutes before the start</option>
      <option value="day-of-at">At a time on the day</option>
    </select>
  );
}

/**
 * A reminder rule beyond the five, for the organisation or for one workshop. The core gives
 * it its id; the coordinator only names it and says when it goes.
 */
export function AddRuleDialog({
  workshopId,
  templates,
  onAdded,
  onClose,
}: {
  workshopId?: string | undefined;
  templates: readonly Template[];
  onAdded: (label: string, rules: AutomationRule[]) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const [label, setLabel] = useState('');
  const [kind, setKind] = useState<TimingKind>('before-start');
  const [minutes, setMinutes] = useState('1440');
  const [localTime, setLocalTime] = useState('09:00');
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const [grace, setGrace] = useState('10');
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function add(event: FormEvent) {
    event.preventDefault();
    const whole = (value: string) => (value.trim() === '' || !Number.isInteger(Number(value)) ? Number.NaN : Number(value));
    if (kind === 'before-start' && !(whole(minutes) >= 0))
      return setFailure('Minutes before the start: enter whole minutes, e.g. 1440 for a day.');
    if (!(whole(grace) >= 0)) return setFailure('Grace: enter whole minutes, e.g. 10.');
    setSaving(true);
    const result = await api.call('automation:add', {
      ...(workshopId ? { workshopId } : {}),
      rule: {
        label,
        enabled: templateId !== '',
        templateId: templateId || null,
        localTime: kind === 'day-of-at' ? localTime : null,
        minutesBefore: kind === 'before-start' ? whole(minutes) : null,
        graceMinutes: whole(grace),
      },
    });
    setSaving(false);
    if (!result.ok) return setFailure(result.error.message);
    onAdded(label.trim(), result.value.rules);
    onClose();
  }

  return (
    <Modal title={workshopId ? 'Add a reminder rule for this workshop' : 'Add a reminder rule'} onClose={onClose}>
      <form className="form" onSubmit={add} noValidate aria-label="New reminder rule">
        <TextField
          id="rule-name"
          label="Name"
          hint="How the schedule and the message lists will call it, e.g. “Two days before”."
          value={label}
          maxLength={80}
          onChange={setLabel}
          autoComplete="off"
        />
        <FormField id="rule-timing" label="When">
          <TimingKindSelect id="rule-timing" label="When" value={kind} onChange={setKind} />
        </FormField>
        {kind === 'before-start' ? (
          <FormField id="rule-minutes" label="Minutes before the start" hint="60 is an hour, 1440 a day; at most a week (10080).">
            <input
              id="rule-minutes"
              type="number"
              min={0}
              max={10080}
              step={1}
              value={minutes}
              onChange={(event) => setMinutes(event.target.value)}
            />
          </FormField>
        ) : (
          <TextField
            id="rule-time"
            label="Time on the workshop’s day"
            hint="In the workshop’s own time zone."
            type="time"
            value={localTime}
            onChange={setLocalTime}
          />
        )}
        <FormField id="rule-template" label="Template" hint={templateId ? undefined : 'Without a template the rule is added turned off.'}>
          <select id="rule-template" value={templateId} onChange={(event) => setTemplateId(event.target.value)}>
            <option value="">No template</option>
            {templates.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField id="rule-grace" label="Grace (minutes late it may still go out)">
          <input
            id="rule-grace"
            type="number"
            min={0}
            max={1440}
            step={1}
            value={grace}
            onChange={(event) => setGrace(event.target.value)}
          />
        </FormField>
        <FormFailure failure={failure} />
        <DialogActions submit={saving ? 'Adding…' : 'Add rule'} busy={saving} onCancel={onClose} />
      </form>
    </Modal>
  );
}

/** A new name for a rule, kept in the form until the schedule is saved. */
export function RenameRuleDialog({
  current,
  onRename,
  onClose,
}: {
  current: string;
  onRename: (label: string) => void;
  onClose: () => void;
}) {
  const [label, setLabel] = useState(current);
  const [failure, setFailure] = useState<string | null>(null);
  function rename(event: FormEvent) {
    event.preventDefault();
    const name = label.trim();
    if (!name) return setFailure('Give the rule a name.');
    if (name.length > 80) return setFailure('A rule name stops at 80 characters.');
    onRename(name);
    onClose();
  }
  return (
    <Modal title={`Rename ${quote(current)}`} onClose={onClose}>
      <form className="form" onSubmit={rename} noValidate aria-label="Rename reminder rule">
        <TextField
          id="rename-rule"
          label="Name"
          hint="Saved with the schedule."
          value={label}
          maxLength={80}
          onChange={setLabel}
          autoComplete="off"
        />
        <FormFailure failure={failure} />
        <DialogActions submit="Rename" onCancel={onClose} />
      </form>
    </Modal>
  );
}
