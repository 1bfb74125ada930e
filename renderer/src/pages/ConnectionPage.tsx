import { useState } from 'react';
import { useApi, useConsole } from '../app/console-context.js';
import { EmptyState } from '../components/EmptyState.js';
import { SessionCard } from './connection/SessionCard.js';
import { FirstRunGuide } from './FirstRunGuide.js';
import { PageHeader } from './PageHeader.js';

export function ConnectionPage() {
  const api = useApi();
  const sessions = useConsole((state) => state.sessions);
  const [error, setError] = useState<string | null>(null);
  // A second demo account behaves exactly like the first and only makes the cards ambiguous.
  const hasDemo = (sessions ?? []).some((session) => session.kind === 'simulator');

  async function create(kind: 'baileys' | 'simulator') {
    setError(null);
    const result = await api.call('sessions:create', { kind });
    if (!result.ok) setError(result.error.message);
  }

  const actions = (
    <>
      <button
        type="button"
        className="button"
        onClick={() => void create('simulator')}
        disabled={hasDemo}
        title={hasDemo ? 'The demo account is already below; one is enough to try everything.' : undefined}
      >
        Try the demo account
      </button>
      <button type="button" className="button button--primary" onClick={() => void create('baileys')}>
        Link a WhatsApp account
      </button>
    </>
  );

  return (
    <>
      <PageHeader title="Connection" subtitle="The WhatsApp accounts this console works through." actions={actions} />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {sessions === null ? (
        <p className="muted">Loading…</p>
      ) : sessions.length === 0 ? (
        <EmptyState title="No WhatsApp account linked yet">
          Link the coordinator’s WhatsApp by scanning a QR code with the phone, or try the demo account to see how the console works with
          groups of hundreds of people.
        </EmptyState>
      ) : (
        <div className="session-list">
          {sessions.map((session) => (
            <SessionCard key={session.id} session={session} />
          ))}
        </div>
      )}
      <FirstRunGuide />
    </>
  );
}
