import type { LiveView, MemberWindowQuery } from '../../../shared/workshops/workshop-schemas.js';
import type { Database } from '../database/open-database.js';
import { MemberWindows } from './member-windows.js';
import { WorkshopQueries } from './workshop-queries.js';

type Watched = { kind: 'window'; id: string; query: Omit<MemberWindowQuery, 'id' | 'watch'> } | { kind: 'timeline'; id: string };

/**
 * A window that closed without saying so (a crashed page) must not cost a read on every
 * change for ever: past this many, the view watched longest ago is dropped first.
 */
const MAX_WATCHED = 16;

/**
 * The tables and timelines pages keep on screen. After a membership change commits, each
 * watched view of the workshops it touched is re-read once and sent with the change, so an
 * open page shows a join in the frame it arrives, without a round trip per view.
 */
export class LiveViews {
  private readonly watched = new Map<string, Watched>();
  private readonly queries: WorkshopQueries;
  private readonly windows: MemberWindows;

  constructor(db: Database) {
    this.queries = new WorkshopQueries(db);
    this.windows = new MemberWindows(db, this.queries);
  }

  watchWindow(watch: string, id: string, query: Omit<MemberWindowQuery, 'id' | 'watch'>): void {
    this.set(watch, { kind: 'window', id, query });
  }

  watchTimeline(watch: string, id: string): void {
    this.set(watch, { kind: 'timeline', id });
  }

  unwatch(watch: string): boolean {
    return this.watched.delete(watch);
  }

  /** The watched views of these workshops on `group`, read now: call it after the commit. */
  read(workshopIds: readonly string[], group: string): LiveView[] {
    const views: LiveView[] = [];
    for (const [watch, view] of this.watched) {
      if (!workshopIds.includes(view.id)) continue;
      if (view.kind === 'timeline') {
        views.push({ kind: 'timeline', watch, id: view.id, value: this.queries.timeline(view.id, group) });
        continue;
      }
      const { tab, search, sort, offset, limit } = view.query;
      views.push({
        kind: 'window',
        watch,
        id: view.id,
        query: { tab, search, sort, offset, limit },
        value: this.windows.window(view.id, group, view.query),
      });
    }
    return views;
  }

  private set(watch: string, view: Watched): void {
    // Re-inserted, so the map's order is the order views were last watched in.
    this.watched.delete(watch);
    this.watched.set(watch, view);
    if (this.watched.size > MAX_WATCHED) this.watched.delete(this.watched.keys().next().value!);
  }
}
