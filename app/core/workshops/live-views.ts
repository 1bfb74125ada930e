import type { LiveView, MemberWindowQuery, TimelinePoint, WorkshopStats } from '../../../shared/workshops/workshop-schemas.js';
import type { Database } from '../database/open-database.js';
import type { CoreEvents } from '../events/core-events.js';
import { MemberWindows } from './member-windows.js';
import { type RegistrationHour, type TimelineEvent, timelineOrder, timelinePoints, WorkshopQueries } from './workshop-queries.js';

type Watched = { kind: 'window'; id: string; query: Omit<MemberWindowQuery, 'id' | 'watch'> } | { kind: 'timeline'; id: string };

/**
 * A window that closed without saying so (a crashed page) must not cost a read on every
 * change for ever: past this many, the view watched longest ago is dropped first.
 */
const MAX_WATCHED = 16;

/** The event log of one workshop's timeline as replayed so far, and the registrations it was replayed against. */
interface ReplayedLog {
  group: string | null;
  events: TimelineEvent[];
  /** The newest event stored when the log was last read (ids only grow). */
  lastId: number;
  registrations: RegistrationHour[];
  /** The ledger's identity changes when `events` were read: any since, and they may belong to other people now. */
  identityChanges: number;
}

export interface LiveViewsDeps {
  db: Database;
  events: CoreEvents;
  /** How many times the ledger has changed a stored member's identity so far. */
  identityChanges: () => number;
}

/**
 * The tables and timelines pages keep on screen. After a membership change commits, each
 * watched view of the workshops it touched is brought up to date and sent with the change,
 * so an open page shows a join in the frame it arrives, without a round trip per view.
 */
export class LiveViews {
  private readonly watched = new Map<string, Watched>();
  private readonly logs = new Map<string, ReplayedLog>();
  private readonly queries: WorkshopQueries;
  private readonly windows: MemberWindows;
  private readonly identityChanges: () => number;

  constructor(deps: LiveViewsDeps) {
    this.queries = new WorkshopQueries(deps.db);
    this.windows = new MemberWindows(deps.db, this.queries);
    this.identityChanges = deps.identityChanges;
    // Whatever makes a page read its workshop again (registrations imported, undone or pulled
    // from another desktop) can change which events count as registered: replay from scratch.
    deps.events.subscribe((event, payload) => {
      if (event === 'workshops:changed') this.logs.delete((payload as { id: string }).id);
    });
  }

  watchWindow(watch: string, id: string, query: Omit<MemberWindowQuery, 'id' | 'watch'>): void {
    this.set(watch, { kind: 'window', id, query });
  }

  /** Starts carrying this timeline with each change, and answers it as read now from the whole log. */
  watchTimeline(watch: string, id: string, group: string | null): TimelinePoint[] {
    this.set(watch, { kind: 'timeline', id });
    this.logs.delete(id);
    return this.timeline(id, group);
  }

  unwatch(watch: string): boolean {
    const view = this.watched.get(watch);
    this.watched.delete(watch);
    if (view) this.dropUnwatchedLog(view.id);
    return view !== undefined;
  }

  /**
   * The watched views of these workshops on `group`, as of now: call it after the commit,
   * with the cards read after the same commit (a window never counts them again).
   */
  read(workshopStats: readonly { id: string; stats: WorkshopStats }[], group: string): LiveView[] {
    const views: LiveView[] = [];
    const statsOf = new Map(workshopStats.map(({ id, stats }) => [id, stats]));
    for (const [watch, view] of this.watched) {
      const stats = statsOf.get(view.id);
      if (!stats) continue;
      if (view.kind === 'timeline') {
        views.push({ kind: 'timeline', watch, id: view.id, value: this.timeline(view.id, group) });
        continue;
      }
      const { tab, search, sort, offset, limit } = view.query;
      views.push({
        kind: 'window',
        watch,
        id: view.id,
        query: { tab, search, sort, offset, limit },
        value: this.windows.window(view.id, group, view.query, stats),
      });
    }
    return views;
  }

  /**
   * The timeline from the events replayed before plus only those stored since: a change
   * reads its own few events, never the whole log again. Several pages watching one
   * workshop share one replay.
   */
  private timeline(id: string, group: string | null): TimelinePoint[] {
    const identityChanges = this.identityChanges();
    let log = this.logs.get(id);
    if (!log || log.group !== group || log.identityChanges !== identityChanges) {
      const events = this.queries.timelineEvents(id, group, 0);
      log = {
        group,
        events,
        lastId: events.reduce((newest, event) => Math.max(newest, event.id), 0),
        registrations: this.queries.registrationHours(id),
        identityChanges,
      };
      this.logs.set(id, log);
    } else {
      const fresh = this.queries.timelineEvents(id, group, log.lastId);
      if (fresh.length > 0) {
        const last = log.events.at(-1);
        log.events.push(...fresh);
        for (const event of fresh) log.lastId = Math.max(log.lastId, event.id);
        // An event stamped before the last one replayed (a late delivery) goes in its place.
        if (last && timelineOrder(last, fresh[0]!) > 0) log.events.sort(timelineOrder);
      }
    }
    return timelinePoints(log.events, log.registrations);
  }

  private set(watch: string, view: Watched): void {
    // Re-inserted, so the map's order is the order views were last watched in.
    this.watched.delete(watch);
    this.watched.set(watch, view);
    if (this.watched.size > MAX_WATCHED) this.unwatch(this.watched.keys().next().value!);
  }

  private dropUnwatchedLog(id: string): void {
    for (const view of this.watched.values()) if (view.kind === 'timeline' && view.id === id) return;
    this.logs.delete(id);
  }
}
