import { useEffect, useId, useState } from 'react';
import type { Health } from '../../../../shared/contract/api-contract.js';
import { useApi, useConsole } from '../../app/console-context.js';

/**
 * Settings → This computer: where the console keeps its data and logs, and how the
 * WhatsApp credentials are protected, from the core's health report. What support asks
 * for first, and where a weak setup is said out loud.
 */
export function ThisComputerSection() {
  const api = useApi();
  const headingId = useId();
  const dataDir = useConsole((state) => state.info?.dataDir);
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const [health, setHealth] = useState<Health | null>(null);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    void api.call('app:health', {}).then((result) => {
      if (live && result.ok) setHealth(result.value);
    });
    return () => {
      live = false;
    };
  }, [api, connected]);

  return (
    <section className="card settings-section" aria-labelledby={headingId}>
      <h2 id={headingId}>This computer</h2>
      {health === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <dl>
          <dt>Data folder</dt>
          <dd>{dataDir}</dd>
          <dt>Log files</dt>
          <dd>{health.logFolder ?? 'Written to the terminal that started the console'}</dd>
          <dt>WhatsApp credentials</dt>
          <dd>
            {health.secrets.protection === 'os-keyring' ? 'Protected by the OS keyring' : 'Protected by a key file in the data folder'}
          </dd>
        </dl>
      )}
      {health?.secrets.warning ? (
        <p className="error" role="alert">
          {health.secrets.warning}
        </p>
      ) : null}
    </section>
  );
}
