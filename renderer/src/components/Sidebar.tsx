import { useConsole } from '../app/console-context.js';
import type { Page } from '../stores/console.store.js';
import { Icon } from './Icon.js';

const items: { page: Page; label: string }[] = [
  { page: 'connection', label: 'Connection' },
  { page: 'workshops', label: 'Workshops' },
  { page: 'messages', label: 'Messages' },
  { page: 'inbox', label: 'Inbox' },
  { page: 'orders', label: 'Orders' },
  { page: 'campaigns', label: 'Campaigns' },
  { page: 'settings', label: 'Settings' },
];

export function Sidebar() {
  const page = useConsole((state) => state.page);
  const navigate = useConsole((state) => state.navigate);
  const organisation = useConsole((state) => state.settings?.organisationName);
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
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
