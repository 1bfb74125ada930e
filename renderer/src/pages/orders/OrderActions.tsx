import { useState } from 'react';
import type { OrderDetail } from '../../../../shared/shop/inbox-schemas.js';
import { instantFromLocal } from '../../../../shared/time/local-date-time.js';
import { useApi } from '../../app/console-context.js';

type Act =
  | { action: 'ship'; eta: string; carrier?: string; tracking_number?: string }
  | { action: 'deliver' }
  | { action: 'cancel' }
  | { action: 'resolve_review'; outcome: 'accept' | 'reject'; note: string };

/** What the store owner can do to this order now; each action names the version it was made over. */
export function OrderActions({ order, timeZone }: { order: OrderDetail; timeZone: string }) {
  const api = useApi();
  const [eta, setEta] = useState('');
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const run = async (act: Act) => {
    setBusy(true);
    setMessage(null);
    const result = await api.call('orders:act', { id: order.id, version: order.version, ...act });
    setBusy(false);
    setMessage(
      result.ok
        ? { ok: true, text: `Done: the order is ${result.value.status}.` }
        : { ok: false, text: result.error.fields ? Object.values(result.error.fields).join(' ') : result.error.message },
    );
  };
  const ship = () => {
    let instant: string;
    try {
      instant = instantFromLocal(eta, timeZone, 'eta');
    } catch (error) {
      setMessage({ ok: false, text: eta ? (error as Error).message : 'Choose the expected delivery date and time' });
      return;
    }
    void run({
      action: 'ship',
      eta: instant,
      ...(carrier.trim() ? { carrier } : {}),
      ...(tracking.trim() ? { tracking_number: tracking } : {}),
    });
  };

  return (
    <div className="order-actions" aria-label="Order actions">
      {order.status === 'processing' ? (
        <fieldset>
          <legend>Ship</legend>
          <label>
            Expected delivery
            <input type="datetime-local" value={eta} onChange={(event) => setEta(event.target.value)} />
          </label>
          <label>
            Carrier
            <input value={carrier} onChange={(event) => setCarrier(event.target.value)} />
          </label>
          <label>
            Tracking number
            <input value={tracking} onChange={(event) => setTracking(event.target.value)} />
          </label>
          <button type="button" className="button button--primary" disabled={busy} onClick={ship}>
            Mark shipped
          </button>
        </fieldset>
      ) : null}
      {order.status === 'processing' || order.status === 'shipped' ? (
        <button type="button" className="button" disabled={busy} onClick={() => void run({ action: 'deliver' })}>
          Mark delivered
        </button>
      ) : null}
      {order.status === 'pending' && !order.paymentStatus ? (
        <button type="button" className="button" disabled={busy} onClick={() => void run({ action: 'cancel' })}>
          Cancel order
        </button>
      ) : null}
      {order.paymentStatus === 'needs_review' ? (
        <fieldset>
          <legend>Payment needs review{order.paymentReason ? `: ${order.paymentReason}` : ''}</legend>
          <label>
            Note
            <input value={note} onChange={(event) => setNote(event.target.value)} />
          </label>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void run({ action: 'resolve_review', outcome: 'accept', note })}
          >
            Accept payment
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void run({ action: 'resolve_review', outcome: 'reject', note })}
          >
            Reject payment
          </button>
        </fieldset>
      ) : null}
      {message ? (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'muted' : 'error'}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
