import { useId, useMemo, useState } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { Spinner } from '../../components/Spinner.js';
import { useAction } from './use-action.js';
import { useLiveQuery } from '../../hooks/use-live-query.js';

/** The session's groups from the core's cache, refreshed by "Sync groups"; or a new group. */
export function GroupPicker({ workshop, sessionId }: { workshop: Workshop; sessionId: string }) {
  const api = useApi();
  const groups = useLiveQuery(
    `groups:${sessionId}`,
    (client) => client.call('groups:list', { sessionId }),
    (change) => change.event === 'groups:changed' && change.payload.sessionId === sessionId,
  );
  const syncing = useAction();
  const linking = useAction();
  const searchId = useId();
  const subjectId = useId();
  const [search, setSearch] = useState('');
  const [subject, setSubject] = useState(workshop.name.slice(0, 100));

  const matching = useMemo(() => {
    const text = search.trim().toLowerCase();
    return (groups.data ?? []).filter((group) => group.subject.toLowerCase().includes(text));
  }, [groups.data, search]);

  // The core announces the new list with groups:changed, which reloads it here.
  const syncGroups = () => void syncing.run(() => api.call('groups:sync', { sessionId }));
  const link = (groupJid: string) => void linking.run(() => api.call('workshops:link-group', { id: workshop.id, sessionId, groupJid }));
  const create = () =>
    void linking.run(() => api.call('workshops:create-group', { id: workshop.id, sessionId, subject: subject.trim() || undefined }));

  return (
    <div className="group-picker">
      <div className="group-picker__toolbar">
        <label htmlFor={searchId} className="visually-hidden">
          Search groups
        </label>
        <input
          id={searchId}
          type="search"
          placeholder="Search groups by name"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <button type="button" className="button" onClick={syncGroups} disabled={syncing.busy}>
          {syncing.busy ? (
            <>
              <Spinner /> Syncing groups…
            </>
          ) : (
            'Sync groups'
          )}
        </button>
      </div>
      {syncing.error ? (
        <p className="error" role="alert">
          {syncing.error}
        </p>
      ) : null}
      {groups.error ? (
        <p className="error" role="alert">
          {groups.error}
        </p>
      ) : groups.loading ? (
        <p className="muted">Loading groups…</p>
      ) : groups.data?.length === 0 ? (
        <p className="muted">No groups known for this account yet. Sync groups to fetch them from WhatsApp.</p>
      ) : matching.length === 0 ? (
        <p className="muted">No group matches “{search}”.</p>
      ) : (
        <ul className="group-picker__list" aria-label="Groups">
          {matching.map((group) => (
            <li key={group.jid} className="group-picker__item">
              <div>
                <strong>{group.subject}</strong>
                <span className="muted">
                  {' '}
                  · {group.size.toLocaleString()} {group.size === 1 ? 'member' : 'members'}
                </span>
                {group.isAdmin ? <span className="badge badge--ok">You are admin</span> : null}
              </div>
              <button
                type="button"
                className="button"
                disabled={linking.busy}
                onClick={() => link(group.jid)}
                aria-label={`Link ${group.subject}`}
              >
                Link
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="group-picker__create">
        <label htmlFor={subjectId}>Or create a new group</label>
        <div className="group-picker__toolbar">
          <input id={subjectId} value={subject} maxLength={100} onChange={(event) => setSubject(event.target.value)} />
          <button type="button" className="button" disabled={linking.busy} onClick={create}>
            Create a new group
          </button>
        </div>
      </div>
      {linking.error ? (
        <p className="error" role="alert">
          {linking.error}
        </p>
      ) : null}
    </div>
  );
}
