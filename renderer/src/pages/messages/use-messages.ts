import { useEffect, useEffectEvent, useState } from 'react';
import { useStore } from 'zustand';
import type { ConsoleApi } from '../../../../shared/contract/api-contract.js';
import type { Result } from '../../../../shared/contract/result.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { messagesStoreFor, type MessagesState } from '../../stores/messages.store.js';
import { debounce, REFETCH_DEBOUNCE_MS } from '../workshops/debounce.js';
import type { LiveQuery } from '../workshops/use-live-query.js';

export function useMessagesStore<T>(selector: (state: MessagesState) => T): T {
  return useStore(messagesStoreFor(useApi()), selector);
}

/**
 * Like the workshop pages' live query, for the message queue: loads once per key (and again
 * after a reconnect), then refetches, debounced, when the core pushes `messages:changed` for
 * a workshop `isRelevant` accepts (the core sends one with an empty id when it regenerates a
 * workshop's whole queue), or that workshop was removed. No polling; membership churn
 * (`workshops:changed` for stats) does not refetch the queue.
 */
export function useLiveMessages<T>(key: string, load: (api: ConsoleApi) => Promise<Result<T>>, isRelevant: (workshopId: string) => boolean): LiveQuery<T> & { reload(): void } {
  const api = useApi();
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const [state, setState] = useState<{ key: string; data: T | null; error: string | null }>({ key: '', data: null, error: null });
  const [generation, setGeneration] = useState(0);
  const loadLatest = useEffectEvent(() => load(api));
  const relevant = useEffectEvent((workshopId: string) => isRelevant(workshopId));

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    let sequence = 0;
    const run = async () => {
      const mine = ++sequence;
      const result = await loadLatest();
      if (!alive || mine !== sequence) return;
      setState((previous) =>
        result.ok ? { key, data: result.value, error: null } : { key, data: previous.key === key ? previous.data : null, error: result.error.message },
      );
    };
    const refetch = debounce(() => void run(), REFETCH_DEBOUNCE_MS);
    const onChange = (workshopId: string) => {
      if (relevant(workshopId)) refetch();
    };
    const unsubscribes = [
      api.on('messages:changed', ({ workshopId }) => onChange(workshopId)),
      api.on('workshops:removed', ({ id }) => onChange(id)),
    ];
    void run();
    return () => {
      alive = false;
      refetch.cancel();
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }, [api, key, connected, generation]);

  const current = state.key === key ? state : { data: null, error: null };
  return {
    data: current.data,
    error: current.error,
    loading: current.data === null && current.error === null,
    reload: () => setGeneration((value) => value + 1),
  };
}
