import { useState, type FormEvent } from 'react';
import type { ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { toLocalInput } from '../../../../shared/time/local-date-time.js';
import { useApi } from '../../app/console-context.js';
import { DialogActions } from '../../components/DialogActions.js';
import { FormField } from '../../components/FormField.js';
import { FormFailure } from '../../components/FormFailure.js';
import { Modal } from '../../components/Modal.js';
import { messageTitle } from './message-status.js';
import { quote } from '../../../../shared/text/quote.js';

/** Rewrite or re-time one pending message; from then on the schedule leaves it as edited. */
export function EditMessageDialog({ message, timeZone, onClose }: { message: ScheduledMessage; timeZone: string; onClose: () => void }) {
  const api = useApi();
  const [text, setText] = useState(message.body);
  const [sendAtLocal, setSendAtLocal] = useState(toLocalInput(message.scheduledFor, timeZone));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    const result = await api.call('messages:update', { id: message.id, text, sendAtLocal });
    setSaving(false);
    if (result.ok) return onClose();
    const fields = result.error.fields ?? {};
    setErrors(fields);
    // A refusal this form has no field for is still said, never dropped.
    setFailure(fields.text || fields.sendAtLocal ? null : result.error.message);
  }

  return (
    <Modal title={`Edit ${quote(messageTitle(message))} for ${message.workshopName}`} onClose={onClose}>
      <form className="form" onSubmit={save} noValidate>
        <FormField id="edit-message-text" label={message.kind === 'text' ? 'Message' : 'Caption'} error={errors.text}>
          <textarea id="edit-message-text" rows={5} value={text} onChange={(event) => setText(event.target.value)} />
        </FormField>
        <FormField
          id="edit-message-time"
          label={`Send at (${timeZone})`}
          hint="Edited messages keep this text and time even if the workshop moves."
          error={errors.sendAtLocal}
        >
          <input
            id="edit-message-time"
            type="datetime-local"
            value={sendAtLocal}
            onChange={(event) => setSendAtLocal(event.target.value)}
          />
        </FormField>
        <FormFailure failure={failure} />
        <DialogActions submit={saving ? 'Saving…' : 'Save message'} busy={saving} cancel="Keep as it was" onCancel={onClose} />
      </form>
    </Modal>
  );
}
