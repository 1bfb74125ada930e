import { useEffect } from 'react';
import { NotificationToasts } from '../components/NotificationToasts.js';
import { ReachabilityBanner } from '../components/ReachabilityBanner.js';
import { Sidebar } from '../components/Sidebar.js';
import { AlertsPage } from '../pages/AlertsPage.js';
import { CampaignsPage } from '../pages/CampaignsPage.js';
import { ConnectionPage } from '../pages/ConnectionPage.js';
import { InboxPage } from '../pages/InboxPage.js';
import { MessagesPage } from '../pages/MessagesPage.js';
import { OrdersPage } from '../pages/OrdersPage.js';
import { SettingsPage } from '../pages/SettingsPage.js';
import { WorkshopsPage } from '../pages/WorkshopsPage.js';
import type { Page } from '../stores/console.store.js';
import { useConsole } from './console-context.js';
import { useUrlRouting } from './use-url-routing.js';

const pageComponents: Record<Page, () => React.JSX.Element> = {
  connection: ConnectionPage,
  workshops: WorkshopsPage,
  messages: MessagesPage,
  alerts: AlertsPage,
  inbox: InboxPage,
  orders: OrdersPage,
  campaigns: CampaignsPage,
  settings: SettingsPage,
};

/** Light and dark follow the OS unless the user picked one in Settings. */
function useTheme() {
  const theme = useConsole((state) => state.settings?.theme ?? 'system');
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
}

export function App() {
  useTheme();
  useUrlRouting();
  const page = useConsole((state) => state.page);
  const loadError = useConsole((state) => state.loadError);
  const Current = pageComponents[page];
  return (
    <div className="shell">
      <button type="button" className="skip-link" onClick={() => document.getElementById('content')?.focus()}>
        Skip to content
      </button>
      <Sidebar />
      <div className="shell__main">
        <ReachabilityBanner />
        {loadError ? (
          <div className="banner banner--error" role="alert">
            {loadError.message}
          </div>
        ) : null}
        <main className="content" id="content" tabIndex={-1}>
          <Current />
        </main>
        <NotificationToasts />
      </div>
    </div>
  );
}
