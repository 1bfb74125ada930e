import { useEffect, useEffectEvent, useState } from 'react';
import type { ConsoleApi, EventName, EventPayload } from '../../../shared/contract/api-contract.js';
import type { Result } from '../../../shared/contract/result.js';
import { useApi, useConsole } from '../app/console-context.js';
import { debounce, REFETCH_DEBOUNCE_MS } from './debounce.js';

/** What the workshop pages listen to unless told otherwise. */
export const workshopEvents = ['workshops:changed', 'members:changed', 'groups:changed'] as const satisfies readonly EventName[];
export type LiveEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export interface LiveQuery<T> {
  /** The last value loaded for this key; kept while a refetch runs so the page does not flicker. */
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Loads again now, e.g. after an action whose result the page wants at once. */
  reload(): void;
}

/**
 * Loads once per key (and again after a reconnect), then refetches whenever the core pushes
 * a change that `isRelevant` accepts. Refetches are debounced and a late answer never
 * overwrites a newer one.
 */
export function useLiveQuery<T>(
  key: string,
  load: (api: ConsoleApi) => Promise<Result<T>>,
  isRelevant: (change: LiveEvent) => boolean,
  events: readonly EventName[] = workshopEvents,
): LiveQuery<T> {
  const api = useApi();
  // Events missed while the core was unreachable are gone: coming back means loading again.
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const [state, setState] = useState<{ key: string; data: T | null; error: string | null }>({ key: '', data: null, error: null });
  const [generation, setGeneration] = useState(0);
  const watched = events.join(',');
  const loadLatest = useEffectEvent(() => load(api));
  const relevant = useEffectEvent((change: LiveEvent) => isRelevant(change));

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    let sequence = 0;
    const run = async () => {
      const mine = ++sequence;
      const result = await loadLatest();
      if (!alive || mine !== sequence) return;
      setState((previous) =>
        result.ok
          ? { key, data: result.value, error: null }
          : { key, data: previous.key === key ? previous.data : null, error: result.error.message },
      );
    };
    const refetch = debounce(() => void run(), REFETCH_DEBOUNCE_MS);
    const unsubscribes = (watched.split(',') as EventName[]).map((event) =>
      api.on(event, (payload) => {
        if (relevant({ event, payload } as LiveEvent)) refetch();
      }),
    );
    void run();
    return () => {
      alive = false;
      refetch.cancel();
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }, [api, key, connected, watched, generation]);

  const current = state.key === key ? state : { data: null, error: null };
  return {
    data: current.data,
    error: current.error,
    loading: current.data === null && current.error === null,
    reload: () => setGeneration((value) => value + 1),
  };
}

/** Changes that affect one workshop: its own fields, leads and stats, or its group's members. */
export function affectsWorkshop(workshopId: string) {
  return (change: LiveEvent) =>
    (change.event === 'workshops:changed' && change.payload.id === workshopId) ||
    (change.event === 'members:changed' && change.payload.workshopIds.includes(workshopId));
}
