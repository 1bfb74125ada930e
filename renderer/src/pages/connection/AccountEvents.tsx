import { DateTime } from 'luxon';
import { useEffect, useState } from 'react';
import type { AccountEvent } from '../../../../shared/sessions/account-events.js';
import { zoneAbbreviation } from '../../../../shared/time/zone-abbreviation.js';
import { useApi, useConsole } from '../../app/console-context.js';

/** "Tue 1 Dec, 14:02:07 IST" in the organisation's zone: an account belongs to no one workshop. */
function formatAt(iso: string, timeZone: string): string {
  const time = DateTime.fromISO(iso, { zone: timeZone });
  return time.isValid ? `${time.setLocale('en-GB').toFormat('ccc d LLL, HH:mm:ss')} ${zoneAbbreviation(time)}` : iso;
}

/** An account's event log, newest first, with each new line added as it happens. */
export function AccountEvents({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const timeZone = useConsole((state) => state.settings?.timeZone ?? 'UTC');
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const [events, setEvents] = useState<AccountEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    // Lines pushed while the first load is on its way are kept and merged by id.
    const early: AccountEvent[] = [];
    const off = api.on('sessions:event-logged', (event) => {
      if (!alive || event.sessionId !== sessionId) return;
      setEvents((current) => {
        if (current) return [event, ...current.filter((line) => line.id !== event.id)];
        early.push(event);
        return current;
      });
    });
    void api.call('sessions:events', { id: sessionId }).then((result) => {
      if (!alive) return;
      if (!result.ok) return setError(result.error.message);
      const known = new Set(result.value.map((line) => line.id));
      setEvents([...early.filter((line) => !known.has(line.id)).reverse(), ...result.value]);
    });
    return () => {
      alive = false;
      off();
    };
  }, [api, sessionId, connected]);

  return (
    <details className="account-events">
      <summary>Event log</summary>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : events === null ? (
        <p className="muted">Loading…</p>
      ) : events.length === 0 ? (
        <p className="muted">Nothing has happened to this account yet.</p>
      ) : (
        <ol className="account-events__list" aria-label="Event log" aria-live="polite">
          {events.map((event) => (
            <li key={event.id}>
              <time dateTime={event.at} className="muted">
                {formatAt(event.at, timeZone)}
              </time>{' '}
              {event.text}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
