import { useEffect, useState } from 'react';
import type { BackendStatus } from '../../../shared/backend/backend-status.js';
import { useApi, useConsole } from '../app/console-context.js';

/**
 * The hosted backend's status as the core sees it, kept live by `sync:changed`; null until the
 * first answer. The setter takes a status a call answered with, so a page shows it at once.
 */
export function useBackendStatus(): [BackendStatus | null, (status: BackendStatus) => void] {
  const api = useApi();
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const [status, setStatus] = useState<BackendStatus | null>(null);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    void api.call('sync:status', {}).then((result) => {
      if (live && result.ok) setStatus(result.value);
    });
    const stop = api.on('sync:changed', setStatus);
    return () => {
      live = false;
      stop();
    };
  }, [api, connected]);

  return [status, setStatus];
}
