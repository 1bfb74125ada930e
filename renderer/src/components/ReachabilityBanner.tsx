import { useConsole } from '../app/console-context.js';

/** Shown whenever the UI cannot reach the core, so nobody acts on stale numbers. */
export function ReachabilityBanner() {
  const status = useConsole((state) => state.transportStatus);
  if (status === 'connected') return null;
  const text =
    status === 'connecting'
      ? 'Connecting to the console…'
      : 'The console is not reachable. Changes cannot be saved until it is back; reconnecting automatically…';
  return (
    <div className="banner banner--warning" role="status" aria-live="polite">
      {text}
    </div>
  );
}
