import { useEffect, useState } from 'react';
import type { LiveView, MemberWindow, MemberWindowQuery, TimelinePoint, Workshop } from '../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../app/console-context.js';
import type { Carried, LiveEvent } from './use-live-query.js';

/** A view name no other window or view uses. */
export function newWatchId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `view-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A name for one view this window keeps on screen (a table, a timeline), unique across
 * windows. Passed with its load, it makes every membership change carry the view re-read;
 * when the view goes, the core is told to stop. `given` is a name already sent with a load
 * made for this view before it mounted.
 */
export function useWatchedView(given?: string): string {
  const api = useApi();
  const [watch] = useState(() => given ?? newWatchId());
  useEffect(() => () => void api.call('workshops:unwatch', { watch }), [api, watch]);
  return watch;
}

function carriedView<K extends LiveView['kind']>(change: LiveEvent, kind: K, watch: string): Extract<LiveView, { kind: K }> | undefined {
  if (change.event !== 'members:changed') return undefined;
  return change.payload.views?.find((view): view is Extract<LiveView, { kind: K }> => view.kind === kind && view.watch === watch);
}

/** The workshop shown, with the cards the change committed. */
export function carriedStats(id: string): Carried<Workshop> {
  return (change, shown) => {
    if (change.event !== 'members:changed' || !shown) return undefined;
    const stats = change.payload.workshopStats?.find((entry) => entry.id === id)?.stats;
    return stats ? { ...shown, stats } : undefined;
  };
}

/** Flat records (rows, points) holding the same values. */
function sameValues<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(b) as (keyof T)[];
  return keys.length === Object.keys(a).length && keys.every((key) => a[key] === b[key]);
}

/**
 * `next`, made of the shown items wherever they hold the same values, and the shown list
 * itself when nothing changed: what draws an unchanged row or point can skip it.
 */
function keepUnchanged<T extends object>(shown: readonly T[] | undefined, next: T[], keyOf: (item: T) => string): T[] {
  if (!shown) return next;
  const before = new Map(shown.map((item) => [keyOf(item), item]));
  let changed = shown.length !== next.length;
  const kept = next.map((item, index) => {
    const old = before.get(keyOf(item));
    if (!old || !sameValues(old, item)) return ((changed = true), item);
    if (shown[index] !== old) changed = true;
    return old;
  });
  return changed ? kept : (shown as T[]);
}

/**
 * The watched window, if the change read it for the search, order and rows the table shows
 * now; the window shown when it holds the same, and each unchanged row as shown.
 */
export function carriedWindow(watch: string, query: Omit<MemberWindowQuery, 'id' | 'watch'>): Carried<MemberWindow> {
  return (change, shown) => {
    const view = carriedView(change, 'window', watch);
    if (!view) return undefined;
    const read = view.query;
    const same =
      read.tab === query.tab &&
      read.search === query.search &&
      read.offset === query.offset &&
      read.limit === query.limit &&
      read.sort?.key === query.sort?.key &&
      read.sort?.direction === query.sort?.direction;
    if (!same) return undefined;
    const next = view.value;
    if (!shown) return next;
    const rows = keepUnchanged(shown.rows, next.rows, (row) => row.key);
    if (rows === shown.rows && next.total === shown.total && next.matching === shown.matching && next.offset === shown.offset) return shown;
    return { ...next, rows };
  };
}

/** The watched timeline; the one shown when it holds the same points, and each unchanged point as shown. */
export function carriedTimeline(watch: string): Carried<TimelinePoint[]> {
  return (change, shown) => {
    const points = carriedView(change, 'timeline', watch)?.value;
    return points && keepUnchanged(shown ?? undefined, points, (point) => point.at);
  };
}
