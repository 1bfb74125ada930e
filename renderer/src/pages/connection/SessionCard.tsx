import { QRCodeSVG } from 'qrcode.react';
import { useState, type FormEvent } from 'react';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import type { SessionView } from '../../../../shared/sessions/session-view.js';
import { useApi } from '../../app/console-context.js';
import { useConfirm } from '../../components/ConfirmDialog.js';
import { formatRelative } from '../../format/format-time.js';
import { AccountEvents } from './AccountEvents.js';
import { PairingCodeForm } from './PairingCodeForm.js';
import { StateBadge } from './StateBadge.js';

export function SessionCard({ session }: { session: SessionView }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<{ ok: boolean; error?: { message: string } }>) {
    setBusy(true);
    setError(null);
    const result = await action();
    setBusy(false);
    if (!result.ok) setError(result.error?.message ?? 'That did not work.');
  }

  const [renaming, setRenaming] = useState(false);
  const [label, setLabel] = useState(session.label);
  async function rename(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api.call('sessions:rename', { id: session.id, label });
    setBusy(false);
    if (result.ok) setRenaming(false);
    else setError(result.error.message);
  }
  const confirm = useConfirm();
  const account = session.phone ? `${session.label} (${displayPhone(session.phone)})` : session.label;
  const remove = async () => {
    const sure = await confirm.ask({
      title: `Remove ${account}?`,
      body: 'The console logs out of WhatsApp on this device and deletes its keys. Linking again needs a new QR scan.',
      confirm: 'Remove account',
      danger: true,
    });
    if (sure) void run(() => api.call('sessions:remove', { id: session.id }));
  };
  const logout = async () => {
    const sure = await confirm.ask({
      title: `Log out ${account}?`,
      body: 'The console logs out of WhatsApp and deletes this device’s keys, but keeps the account, its name and its workshops’ groups. Reconnecting later needs a new QR code scanned on the phone.',
      confirm: 'Log out',
      danger: true,
    });
    if (sure) void run(() => api.call('sessions:logout', { id: session.id }));
  };

  const waiting = session.state === 'waiting-for-qr';
  const retrying = session.state === 'reconnecting';
  // A phone number being typed stays on screen when the account links meanwhile, instead of vanishing mid-word.
  const [pairingInUse, setPairingInUse] = useState(false);
  const stopped = session.state === 'logged-out' || session.state === 'replaced' || session.state === 'restricted';
  return (
    <article className="card session" aria-label={`WhatsApp account ${session.label}`}>
      <header className="session__header">
        <div>
          {renaming ? (
            <form className="session__rename" onSubmit={rename} noValidate aria-label={`Rename ${session.label}`}>
              <label htmlFor={`${session.id}-label`} className="visually-hidden">
                Account name
              </label>
              <input id={`${session.id}-label`} value={label} maxLength={80} onChange={(event) => setLabel(event.target.value)} autoFocus />
              <button type="submit" className="button button--small button--primary" disabled={busy}>
                Save name
              </button>
              <button type="button" className="button button--small" onClick={() => setRenaming(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <h2>{session.label}</h2>
          )}
          <p className="muted">
            {session.phone
              ? `Connected as ${session.displayName ?? displayPhone(session.phone)} · ${displayPhone(session.phone)}`
              : 'Not linked yet'}
            {session.kind === 'simulator' ? ' · demo' : ''}
          </p>
        </div>
        <StateBadge state={session.state} />
      </header>
      <p className="session__next" role="status">
        {session.nextStep}
        {session.reason && session.state !== 'open' && !retrying ? <span className="muted"> ({session.reason})</span> : null}
      </p>
      {/* While retrying, the reason is the transport's own error (a code and a host name): kept for whoever debugs, out of the sentence. */}
      {session.reason && retrying ? (
        <details className="session__details">
          <summary>Details</summary>
          <code>{session.reason}</code>
        </details>
      ) : null}
      {waiting || pairingInUse ? (
        <div className="session__link">
          {!waiting ? null : session.pairingCode ? (
            <div className="pairing-code" aria-label="Pairing code">
              {session.pairingCode.slice(0, 4)}-{session.pairingCode.slice(4)}
            </div>
          ) : session.qr ? (
            <div className="qr" aria-label="QR code to scan with WhatsApp" role="img">
              <QRCodeSVG value={session.qr} size={232} marginSize={2} level="L" />
            </div>
          ) : (
            <p className="muted">Waiting for a code from WhatsApp…</p>
          )}
          <PairingCodeForm sessionId={session.id} linked={!waiting} onInUse={setPairingInUse} />
        </div>
      ) : null}
      <footer className="session__footer">
        <span className="muted">{session.lastActiveAt ? `Last active ${formatRelative(session.lastActiveAt)}` : ''}</span>
        <div className="session__actions">
          {stopped ? (
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => void run(() => api.call('sessions:reconnect', { id: session.id }))}
            >
              {session.state === 'replaced' ? 'Reconnect' : 'Link again'}
            </button>
          ) : null}
          {renaming ? null : (
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setLabel(session.label);
                setRenaming(true);
              }}
              aria-label={`Rename ${account}`}
            >
              Rename
            </button>
          )}
          {stopped ? null : (
            <button type="button" className="button" disabled={busy} onClick={() => void logout()} aria-label={`Log out ${account}`}>
              Log out
            </button>
          )}
          <button type="button" className="button" disabled={busy} onClick={() => void remove()} aria-label={`Remove ${account}`}>
            Remove
          </button>
        </div>
      </footer>
      <AccountEvents sessionId={session.id} />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {confirm.dialog}
    </article>
  );
}
