import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../../app/console-context.js';

/**
 * The alternative to scanning: WhatsApp shows a field for an 8-character code instead.
 * `onInUse` says whether something is typed in it, so the card keeps it when the account
 * links meanwhile (`linked`) and says no code is needed any more.
 */
export function PairingCodeForm({
  sessionId,
  linked = false,
  onInUse,
}: {
  sessionId: string;
  linked?: boolean;
  onInUse?: (inUse: boolean) => void;
}) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inUse = open && phone.trim() !== '';
  useEffect(() => onInUse?.(inUse), [inUse, onInUse]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await api.call('sessions:pairing-code', { id: sessionId, phone });
    setBusy(false);
    setError(result.ok ? null : result.error.message);
  }

  if (!open) {
    if (linked) return null;
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        Can’t scan? Link with a phone number instead
      </button>
    );
  }
  return (
    <form className="pairing-form" onSubmit={submit} noValidate>
      <label htmlFor={`pairing-phone-${sessionId}`}>Phone number of the WhatsApp account</label>
      <div className="pairing-form__row">
        <input
          id={`pairing-phone-${sessionId}`}
          inputMode="tel"
          autoComplete="tel"
          placeholder="+91 98188 61043"
          value={phone}
          onChange={(event) => setPhone(event.target.value)}
        />
        <button type="submit" className="button" disabled={busy || linked || phone.trim() === ''}>
          {busy ? 'Asking WhatsApp…' : 'Get code'}
        </button>
      </div>
      {linked ? (
        <p className="pairing-form__linked">
          This account got linked meanwhile, so no code is needed.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setOpen(false);
              setPhone('');
            }}
          >
            Close
          </button>
        </p>
      ) : null}
      {error ? (
        <small className="error" role="alert">
          {error}
        </small>
      ) : null}
    </form>
  );
}
