import { useEffect, useEffectEvent, useState } from 'react';
import type { ConsoleApi, EventName, EventPayload } from '../../../shared/contract/api-contract.js';
import type { Result } from '../../../shared/contract/result.js';
import { useApi, useConsole } from '../app/console-context.js';
import { coalescedRefresh, type CoalescedRefresh } from './coalesced-refresh.js';

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

export interface LiveQueryOptions {
  events?: readonly EventName[];
  /**
   * Queries with the same `together` key (one screen, e.g. a workshop's cards, tab and
   * timeline) refresh as one: loaded in parallel and shown in one render, so the numbers
   * on screen always come from the same moment.
   */
  together?: string;
}

/**
 * Reads the new value out of a change that carries it (as committed with the change), given
 * the value shown now; undefined when the change does not carry it and it must be loaded.
 */
export type Carried<T> = (change: LiveEvent, shown: T | null) => T | undefined;

/**
 * Takes the latest value (carried by `change` when it has it, else loaded) and returns how
 * to show it; showing is skipped if it went stale.
 */
type Refresher = (change: LiveEvent | null) => Promise<() => void>;

/**
 * The refreshes of one `together` key: every query a change touched, loaded at once, shown
 * at once. A query whose change carried its value skips the core; when every one did, the
 * change is on screen without a round trip.
 */
class RefreshGroup {
  /** Per query, the latest change that carries its value, or null: it must be loaded. */
  private readonly dirty = new Map<Refresher, LiveEvent | null>();
  private readonly refresh: CoalescedRefresh = coalescedRefresh(async () => {
    const due = [...this.dirty];
    this.dirty.clear();
    // The carried values are read here, not when the change came, so they build on what the last refresh showed.
    const shows = await Promise.all(due.map(([refresh, change]) => refresh(change)));
    // One synchronous pass: React batches these updates into a single render.
    for (const show of shows) show();
  });
  members = 0;

  changed(refresher: Refresher, change: LiveEvent | null): void {
    // A load reads everything committed so far, so it wins over any change still waiting.
    if (this.dirty.get(refresher) !== null) this.dirty.set(refresher, change);
    this.refresh.request();
  }

  forget(load: Refresher): void {
    this.dirty.delete(load);
  }

  close(): void {
    this.refresh.cancel();
  }
}

const groups = new WeakMap<ConsoleApi, Map<string, RefreshGroup>>();

function joinGroup(api: ConsoleApi, key: string): { group: RefreshGroup; leave(): void } {
  let byKey = groups.get(api);
  if (!byKey) groups.set(api, (byKey = new Map()));
  let group = byKey.get(key);
  if (!group) byKey.set(key, (group = new RefreshGroup()));
  group.members++;
  const joined = group;
  return {
    group: joined,
    leave() {
      if (--joined.members > 0) return;
      joined.close();
      if (byKey.get(key) === joined) byKey.delete(key);
    },
  };
}

let privateGroups = 0;

/**
 * Loads once per key (and again after a reconnect), then refetches whenever the core pushes
 * a change that `isRelevant` accepts. The first change after a quiet moment refetches at
 * once; a burst is coalesced into a few refetches; a late answer never overwrites a newer one.
 */
export function useLiveQuery<T>(
  key: string,
  load: (api: ConsoleApi) => Promise<Result<T>>,
  isRelevant: (change: LiveEvent) => boolean,
  { events = workshopEvents, together, carried }: LiveQueryOptions & { carried?: Carried<T> } = {},
): LiveQuery<T> {
  const api = useApi();
  // Events missed while the core was unreachable are gone: coming back means loading again.
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const [state, setState] = useState<{ key: string; data: T | null; error: string | null }>({ key: '', data: null, error: null });
  const [generation, setGeneration] = useState(0);
  const [ownGroup] = useState(() => `private:${++privateGroups}`);
  const groupKey = together ?? ownGroup;
  const watched = events.join(',');
  const loadLatest = useEffectEvent(() => load(api));
  const relevant = useEffectEvent((change: LiveEvent) => isRelevant(change));
  const carriedValue = useEffectEvent((change: LiveEvent, shown: T | null) => carried?.(change, shown));

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    let sequence = 0;
    let shown: T | null = null;
    const refresher: Refresher = async (change) => {
      const mine = ++sequence;
      const value = change ? carriedValue(change, shown) : undefined;
      const result: Result<T> =
        value !== undefined
          ? { ok: true, value }
          : await loadLatest().catch((error: unknown): Result<T> => ({
              ok: false,
              error: { code: 'internal', message: error instanceof Error ? error.message : String(error) },
            }));
      return () => {
        if (!alive || mine !== sequence) return;
        if (result.ok) shown = result.value;
        setState((previous) =>
          result.ok
            ? // A carried value that is the one shown (nothing in it changed) renders nothing.
              previous.key === key && previous.data === result.value && previous.error === null
              ? previous
              : { key, data: result.value, error: null }
            : { key, data: previous.key === key ? previous.data : null, error: result.error.message },
        );
      };
    };
    const { group, leave } = joinGroup(api, groupKey);
    const unsubscribes = (watched.split(',') as EventName[]).map((event) =>
      api.on(event, (payload) => {
        const change = { event, payload } as LiveEvent;
        if (relevant(change)) group.changed(refresher, carriedValue(change, shown) === undefined ? null : change);
      }),
    );
    void refresher(null).then((show) => show());
    return () => {
      alive = false;
      group.forget(refresher);
      leave();
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }, [api, key, connected, watched, generation, groupKey]);

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
