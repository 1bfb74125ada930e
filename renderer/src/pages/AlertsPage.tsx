import { useCallback, useEffect, useState } from 'react';
import type { Alert } from '../../../shared/alerts/alert-schemas.js';
import { useApi, useConsole } from '../app/console-context.js';
import { EmptyState } from '../components/EmptyState.js';
import { useLiveQuery } from '../hooks/use-live-query.js';
import { workshopsStoreFor } from '../stores/workshops.store.js';
import { formatMessageTime } from './messages/format-message-time.js';
import { PageHeader } from './PageHeader.js';
import { useWorkshops } from './workshops/use-workshops.js';

const onAlerts = (change: { event: string }) => change.event === 'alerts:changed';

/** The alerts kept for the coordinator (a registered lead left, a reminder failed or was missed), newest first, with a read mark. */
export function AlertsPage() {
  const api = useApi();
  const navigate = useConsole((state) => state.navigate);
  const fallbackZone = useConsole((state) => state.settings?.timeZone ?? 'UTC');
  const workshops = useWorkshops((state) => state.workshops);
  const loadWorkshops = useWorkshops((state) => state.load);
  useEffect(() => {
    if (workshops === null) void loadWorkshops();
  }, [workshops, loadWorkshops]);
  const list = useLiveQuery('alerts', (client) => client.call('alerts:list', {}), onAlerts, { events: ['alerts:changed'] });
  const [failure, setFailure] = useState<string | null>(null);

  const markRead = useCallback(
    async (ids: number[] | 'all') => {
      const result = await api.call('alerts:mark-read', { ids });
      setFailure(result.ok ? null : result.error.message);
    },
    [api],
  );
  const open = (alert: Alert) => {
    if (!alert.readAt) void markRead([alert.id]);
    if (!alert.workshopId) return;
    workshopsStoreFor(api).getState().show({ kind: 'detail', id: alert.workshopId });
    navigate('workshops');
  };
  const zoneOf = (alert: Alert) => workshops?.find((workshop) => workshop.id === alert.workshopId)?.timeZone ?? fallbackZone;
  const unread = list.data?.unread ?? 0;

  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle="Registered people who left a group, and reminders that failed or were missed. Kept until you have read them."
        actions={
          <button type="button" className="button" disabled={unread === 0} onClick={() => void markRead('all')}>
            Mark all read
          </button>
        }
      />
      {failure ? (
        <p className="error" role="alert">
          {failure}
        </p>
      ) : null}
      {list.error ? (
        <p className="error" role="alert">
          {list.error}
        </p>
      ) : list.data === null ? (
        <p className="muted">Loading the alerts…</p>
      ) : list.data.alerts.length === 0 ? (
        <EmptyState title="No alerts">
          When a registered person leaves a group, or a reminder fails or is missed, it is listed here.
        </EmptyState>
      ) : (
        <section className="card" aria-label={unread === 0 ? 'Alerts, all read' : `Alerts, ${unread} unread`}>
          <ul className="alert-list" aria-label="Alerts">
            {list.data.alerts.map((alert) => (
              <li key={alert.id} className={alert.readAt ? 'alert-list__item' : 'alert-list__item alert-list__item--unread'}>
                <span className={`badge ${alert.level === 'error' ? 'badge--danger' : 'badge--attention'}`}>
                  {alert.level === 'error' ? 'Error' : 'Warning'}
                </span>
                <div className="alert-list__text">
                  <strong>{alert.title}</strong>
                  <span>{alert.body}</span>
                  <small className="muted">
                    {formatMessageTime(alert.raisedAt, zoneOf(alert))}
                    {alert.readAt ? ' · read' : ' · unread'}
                  </small>
                </div>
                <span className="alert-list__actions">
                  {alert.workshopId ? (
                    <button type="button" className="button button--small" onClick={() => open(alert)}>
                      Open workshop
                    </button>
                  ) : null}
                  {alert.readAt ? null : (
                    <button type="button" className="button button--small button--quiet" onClick={() => void markRead([alert.id])}>
                      Mark read
                    </button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
