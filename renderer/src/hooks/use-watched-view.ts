import { useEffect, useState } from 'react';
import type { LiveView, MemberWindow, MemberWindowQuery, TimelinePoint, Workshop } from '../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../app/console-context.js';
import type { Carried, LiveEvent } from './use-live-query.js';

function newWatchId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `view-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A name for one view this window keeps on screen (a table, a timeline), unique across
 * windows. Passed with its load, it makes every membership change carry the view re-read;
 * when the view goes, the core is told to stop.
 */
export function useWatchedView(): string {
  const api = useApi();
  const [watch] = useState(newWatchId);
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

/** The watched window, if the change read it for the search, order and rows the table shows now. */
export function carriedWindow(watch: string, query: Omit<MemberWindowQuery, 'id' | 'watch'>): Carried<MemberWindow> {
  return (change) => {
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
    return same ? view.value : undefined;
  };
}

export function carriedTimeline(watch: string): Carried<TimelinePoint[]> {
  return (change) => carriedView(change, 'timeline', watch)?.value;
}
