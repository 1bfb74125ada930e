import { useEffect, useState } from 'react';
import type { ConsoleApi, EventName } from '../../../../shared/contract/api-contract.js';
import type { Result } from '../../../../shared/contract/result.js';
import type { MemberTab, MemberWindow, MemberWindowQuery } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { affectsWorkshop, workshopEvents, type LiveEvent } from '../../hooks/use-live-query.js';
import { newWatchId } from '../../hooks/use-watched-view.js';

/** Rows per step of a member table's window; the page holds three steps around the rows in view. */
export const WINDOW_STEP = 50;

type WindowQuery = Omit<MemberWindowQuery, 'id' | 'watch'>;

/** The window a tab opens on: no search, the tab's own order, its first rows. */
const firstWindow = (tab: MemberTab): WindowQuery => ({ tab, search: '', sort: null, offset: 0, limit: WINDOW_STEP * 3 });

/** The first window of a tab, asked for when the tab was clicked, for the table that opens to take. */
export interface TabOpening {
  /** The watched view's name the window was read for, which the table keeps. */
  watch: string;
  /** The asked window if `query` is the one asked for and nothing of the workshop changed since; once. */
  take(query: WindowQuery): Promise<Result<MemberWindow>> | undefined;
  stop(): void;
}

interface Pending extends TabOpening {
  key: string;
}

/** Per console, the openings asked for and not yet taken by a table (one at most in practice). */
const pending = new WeakMap<ConsoleApi, Map<string, Pending>>();
const keyOf = (id: string, tab: MemberTab) => `${id}\n${tab}`;

/**
 * Asks for `tab`'s first window now, in the click, so the core reads it while the page draws
 * the tab: the request no longer waits for the old table to go and the new one to mount.
 */
export function openMemberTab(api: ConsoleApi, id: string, tab: MemberTab): void {
  let byKey = pending.get(api);
  if (!byKey) pending.set(api, (byKey = new Map()));
  // An opening no table took (a tab clicked past before it drew) is nobody's view: the core stops watching it.
  for (const left of byKey.values()) {
    left.stop();
    void api.call('workshops:unwatch', { watch: left.watch });
  }
  byKey.clear();

  const asked = firstWindow(tab);
  const watch = newWatchId();
  const answer = api.call('workshops:members-window', { id, ...asked, watch });
  // A change before the table listens could be missed by an early answer: then the table loads as usual.
  let changed = false;
  let used = false;
  const relevant = affectsWorkshop(id);
  const unsubscribes = (workshopEvents as readonly EventName[]).map((event) =>
    api.on(event, (payload) => {
      if (relevant({ event, payload } as LiveEvent)) changed = true;
    }),
  );
  const opening: Pending = {
    key: keyOf(id, tab),
    watch,
    take(query) {
      const same =
        query.tab === asked.tab &&
        query.search === asked.search &&
        query.sort === null &&
        query.offset === asked.offset &&
        query.limit === asked.limit;
      if (used || changed || !same) return undefined;
      used = true;
      opening.stop();
      return answer;
    },
    stop() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    },
  };
  byKey.set(opening.key, opening);
}

/** The opening asked for this tab, now the caller's to take (or stop), or undefined if none was asked. */
export function claimTabOpening(api: ConsoleApi, id: string, tab: MemberTab): TabOpening | undefined {
  const byKey = pending.get(api);
  const found = byKey?.get(keyOf(id, tab));
  if (found) byKey!.delete(found.key);
  return found;
}

/** The opening asked for this tab, claimed by the table that shows it, or undefined. */
export function useTabOpening(id: string, tab: MemberTab): TabOpening | undefined {
  const api = useApi();
  const [opening] = useState(() => claimTabOpening(api, id, tab));
  useEffect(() => () => opening?.stop(), [opening]);
  return opening;
}
