import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import type { ConsoleBridge } from '../../shared/contract/api-contract.js';
import { createApiClient } from './api/api-client.js';
import { chooseTransport } from './api/choose-transport.js';
import type { Transport } from './api/transport.js';
import { App } from './app/App.js';
import { ConsoleProvider } from './app/console-context.js';
import { TokenNeeded } from './app/TokenNeeded.js';
import { createConsoleStore } from './stores/console.store.js';
import './styles.css';

function Gate({ transport }: { transport: Transport }) {
  const status = useSyncExternalStore(transport.onStatus, () => transport.status);
  return status === 'unauthorised' ? <TokenNeeded reason="refused" /> : <App />;
}

const root = createRoot(document.getElementById('root') as HTMLElement);
const choice = chooseTransport(window as Window & { consoleBridge?: ConsoleBridge });
if (choice.kind === 'needs-token') {
  root.render(<TokenNeeded reason="missing" />);
} else {
  const api = createApiClient(choice.transport);
  const store = createConsoleStore(api, choice.transport);
  root.render(
    <StrictMode>
      <ConsoleProvider api={api} store={store}>
        <Gate transport={choice.transport} />
      </ConsoleProvider>
    </StrictMode>,
  );
}
