import { useState } from 'react';
import type { NumberSaved } from '../../../../shared/campaigns/campaign-schemas.js';
import { useApi } from '../../app/console-context.js';

const empty = { label: '', displayPhone: '', phoneNumberId: '', businessAccountId: '', accessToken: '' };

/**
 * Owners and admins add a Cloud API number, or save a new token for one (the same phone
 * number id). The token goes to the backend once and is sealed there; nothing shows it
 * again, and the field is emptied after saving.
 */
export function NumberForm({ open }: { open: boolean }) {
  const api = useApi();
  const [form, setForm] = useState(empty);
  const [saving, setSaving] = useState(false);
  const [answer, setAnswer] = useState<{ saved: NumberSaved | null; problem: string | null } | null>(null);
  const set = (name: keyof typeof empty) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });
  const save = async () => {
    setSaving(true);
    const result = await api.call('campaigns:save-number', form);
    setSaving(false);
    if (result.ok) {
      setForm({ ...form, accessToken: '' });
      setAnswer({ saved: result.value, problem: null });
    } else setAnswer({ saved: null, problem: result.error.message });
  };
  // Saving brings the number down with the next pull, which turns `open` off; the form stays
  // open while it shows its answer, or the confirmation would vanish as it appears.
  return (
    <details className="card number-form" open={open || answer !== null}>
      <summary>Add a WhatsApp number, or save a new access token (owners and admins)</summary>
      <p className="muted">
        From Meta’s WhatsApp Manager: the number’s phone number id, its WhatsApp business account id, and a system user’s access token. The
        token is sealed by the backend and cannot be read back by anyone, here or in the CRM.
      </p>
      <div className="campaign-composer__fields">
        <label>
          Name
          <input value={form.label} onChange={set('label')} placeholder="e.g. Front desk" />
        </label>
        <label>
          Phone number (as shown)
          <input value={form.displayPhone} onChange={set('displayPhone')} placeholder="+256 700 000000" />
        </label>
        <label>
          Phone number id
          <input value={form.phoneNumberId} onChange={set('phoneNumberId')} />
        </label>
        <label>
          Business account id
          <input value={form.businessAccountId} onChange={set('businessAccountId')} />
        </label>
        <label>
          Access token
          <input type="password" autoComplete="off" value={form.accessToken} onChange={set('accessToken')} />
        </label>
      </div>
      <button type="button" className="button" disabled={saving} onClick={() => void save()}>
        {saving ? 'Saving…' : 'Save number'}
      </button>
      {answer?.problem ? (
        <p className="error" role="alert">
          {answer.problem}
        </p>
      ) : null}
      {answer?.saved ? (
        <p role="status">
          {answer.saved.created ? 'Number added.' : 'New token saved.'}
          {answer.saved.warning ? ` ${answer.saved.warning}` : ` ${answer.saved.templates ?? 0} templates fetched from Meta.`}
        </p>
      ) : null}
    </details>
  );
}
