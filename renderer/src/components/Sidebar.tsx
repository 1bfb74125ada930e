import { useConsole } from '../app/console-context.js';
import { useLiveQuery } from '../hooks/use-live-query.js';
import type { Page } from '../stores/console.store.js';
import { Icon } from './Icon.js';

const items: { page: Page; label: string }[] = [
  { page: 'connection', label: 'Connection' },
  { page: 'workshops', label: 'Workshops' },
  { page: 'messages', label: 'Messages' },
  { page: 'alerts', label: 'Alerts' },
  { page: 'inbox', label: 'Inbox' },
  { page: 'orders', label: 'Orders' },
  { page: 'campaigns', label: 'Campaigns' },
  { page: 'settings', label: 'Settings' },
];

export function Sidebar() {
  const page = useConsole((state) => state.page);
  const navigate = useConsole((state) => state.navigate);
  const organisation = useConsole((state) => state.settings?.organisationName);
  const unread = useUnreadAlerts();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar__brand">
        <img src="/favicon.svg" alt="" width={28} height={28} />
        <div className="sidebar__label">
          <strong>Operator Console</strong>
          <span className="muted">{organisation ?? '…'}</span>
        </div>
      </div>
      <ul>
        {items.map((item) => (
          <li key={item.page}>
            <button
              type="button"
              className="sidebar__item"
              aria-current={page === item.page ? 'page' : undefined}
              onClick={() => navigate(item.page)}
            >
              <Icon name={item.page} />
              <span className="sidebar__label">{item.label}</span>
              {item.page === 'alerts' && unread > 0 ? (
                <span className="sidebar__count" aria-label={`${unread} unread`}>
                  {unread > 99 ? '99+' : unread}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The unread alerts: read once, then taken from each `alerts:changed`, which carries the count. */
function useUnreadAlerts(): number {
  const unread = useLiveQuery(
    'alerts:unread',
    async (client) => {
      const list = await client.call('alerts:list', {});
      return list.ok ? { ok: true as const, value: list.value.unread } : list;
    },
    (change) => change.event === 'alerts:changed',
    {
      events: ['alerts:changed'],
      carried: (change) => (change.event === 'alerts:changed' ? change.payload.unread : undefined),
    },
  );
  return unread.data ?? 0;
}
