import { useState, type FormEvent } from 'react';
import { instantFromLocal, localTimeInDays } from '../../../../shared/time/local-date-time.js';
import type { Workshop, WorkshopInput } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { useConfirm } from '../../components/ConfirmDialog.js';
import { TimeZoneSelect } from '../../components/TimeZoneSelect.js';
import { FormField } from '../../components/FormField.js';
import { PageHeader } from '../PageHeader.js';
import { useAction } from './use-action.js';
import { rescheduleNotice } from './reschedule-notice.js';
import { useWorkshops } from './use-workshops.js';

interface Draft {
  name: string;
  startsAtLocal: string;
  timeZone: string;
  durationMinutes: string;
  description: string;
  joinLink: string;
}

function draftFor(workshop: Workshop | undefined, defaultZone: string): Draft {
  if (workshop) {
    const { name, startsAtLocal, timeZone, durationMinutes, description, joinLink } = workshop;
    return { name, startsAtLocal, timeZone, durationMinutes: String(durationMinutes), description, joinLink };
  }
  // Tomorrow evening is a better guess than an empty picker for a workshop's start.
  return {
    name: '',
    startsAtLocal: localTimeInDays(1, '18:00', defaultZone),
    timeZone: defaultZone,
    durationMinutes: '90',
    description: '',
    joinLink: '',
  };
}

/** Said under the start when it has already passed: such a workshop is kept, but sends nothing. */
function pastStartHint(startsAtLocal: string, timeZone: string, now = Date.now()): string | undefined {
  try {
    if (Date.parse(instantFromLocal(startsAtLocal, timeZone)) > now) return undefined;
  } catch {
    return undefined; // the core explains a time it cannot read
  }
  return 'This time has already passed: the workshop will be kept, but no reminders will be sent for it.';
}

/** Create when `workshop` is absent, edit otherwise; the core checks every field. */
export function WorkshopForm({ workshop }: { workshop?: Workshop }) {
  const api = useApi();
  const show = useWorkshops((state) => state.show);
  const view = useWorkshops((state) => state.view);
  const organisationZone = useConsole((state) => state.settings?.timeZone) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [draft, setDraft] = useState(() => draftFor(workshop, organisationZone));
  const saving = useAction();
  const deleting = useAction();
  const confirm = useConfirm();
  const update = (key: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [key]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input: WorkshopInput = { ...draft, durationMinutes: Number(draft.durationMinutes) };
    const saved = await saving.run(() =>
      workshop ? api.call('workshops:update', { id: workshop.id, ...input }) : api.call('workshops:create', input),
    );
    if (!saved) return;
    const tab = view.kind === 'edit' ? view.tab : undefined;
    const reminders = (saved as { reminders?: { moved: number; cancelled: number } }).reminders;
    show({ kind: 'detail', id: saved.id, ...(tab ? { tab } : {}) }, rescheduleNotice(reminders), await tellGroupOffer(saved));
  }

  /**
   * Offer to tell the group only when the start moved and the group has already been sent something. Any sent message
   * counts, not only those whose text names the time: a reminder's text is rendered from its template when it goes out,
   * and a Quick Send is free text ("see you at 6:30"), so which ones named the old time cannot be told reliably; one
   * needless offer is better than a group left with the old time.
   */
  async function tellGroupOffer(saved: Workshop): Promise<{ workshopId: string } | undefined> {
    if (!workshop || !saved.group || saved.startsAt === workshop.startsAt) return undefined;
    const sent = await api.call('messages:list', { workshopId: saved.id, scope: 'history', status: ['sent'] });
    return sent.ok && sent.value.length > 0 ? { workshopId: saved.id } : undefined;
  }

  async function remove() {
    if (!workshop) return;
    const sure = await confirm.ask({
      title: `Delete “${workshop.name}”?`,
      body: 'Its registrations, membership history and unsent reminders are deleted with it. The WhatsApp group itself is not touched.',
      confirm: 'Delete workshop',
      danger: true,
    });
    if (!sure) return;
    if (await deleting.run(() => api.call('workshops:delete', { id: workshop.id }))) show({ kind: 'list' });
  }

  const cancel = () => show(workshop ? { kind: 'detail', id: workshop.id } : { kind: 'list' });
  const { fields } = saving;
  return (
    <>
      <PageHeader title={workshop ? `Edit ${workshop.name}` : 'New workshop'} subtitle="When it runs, and where people join." />
      <form className="card form" onSubmit={submit} noValidate aria-label={workshop ? 'Edit workshop' : 'New workshop'}>
        <FormField id="workshop-name" label="Name" error={fields.name}>
          <input id="workshop-name" value={draft.name} onChange={update('name')} maxLength={200} />
        </FormField>
        <div className="form__row">
          <FormField
            id="workshop-start"
            label="Starts"
            hint={pastStartHint(draft.startsAtLocal, draft.timeZone)}
            error={fields.startsAtLocal}
          >
            <input id="workshop-start" type="datetime-local" value={draft.startsAtLocal} onChange={update('startsAtLocal')} />
          </FormField>
          <FormField id="workshop-zone" label="Time zone" error={fields.timeZone}>
            <TimeZoneSelect
              id="workshop-zone"
              value={draft.timeZone}
              onChange={(zone) => update('timeZone')({ target: { value: zone } })}
            />
          </FormField>
          <FormField id="workshop-duration" label="Duration (minutes)" error={fields.durationMinutes}>
            <input
              id="workshop-duration"
              type="number"
              min={5}
              max={1440}
              step={5}
              value={draft.durationMinutes}
              onChange={update('durationMinutes')}
            />
          </FormField>
        </div>
        <FormField id="workshop-description" label="Description" error={fields.description}>
          <textarea id="workshop-description" rows={4} value={draft.description} onChange={update('description')} />
        </FormField>
        <FormField
          id="workshop-link"
          label="Join link"
          hint="Where the workshop happens, e.g. the video call link."
          error={fields.joinLink}
        >
          <input id="workshop-link" type="url" placeholder="https://" value={draft.joinLink} onChange={update('joinLink')} />
        </FormField>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={saving.busy}>
            {saving.busy ? 'Saving…' : workshop ? 'Save workshop' : 'Create workshop'}
          </button>
          <button type="button" className="button" onClick={cancel}>
            Cancel
          </button>
          {workshop ? (
            <button type="button" className="button button--danger form__end" onClick={() => void remove()} disabled={deleting.busy}>
              Delete workshop
            </button>
          ) : null}
        </div>
        {/* Field errors stand next to their fields; this line is for a refusal no field explains. */}
        {((Object.keys(fields).length === 0 ? saving.error : null) ?? deleting.error) ? (
          <p className="error" role="alert">
            {(Object.keys(fields).length === 0 ? saving.error : null) ?? deleting.error}
          </p>
        ) : null}
      </form>
      {confirm.dialog}
    </>
  );
}
