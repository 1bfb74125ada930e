import { type Alert, AlertSchema } from '../../../shared/alerts/alert-schemas.js';
import type { ConsoleNotification } from '../../../shared/messages/message-schemas.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { columns, countOf, mapRows, num, oneOfThese, text, textOf, textOrNull } from '../database/row-reader.js';
import type { CoreEvents } from '../events/core-events.js';

const alertRow = columns({
  id: num,
  level: oneOfThese(AlertSchema.shape.level.options),
  title: text,
  body: text,
  workshop_id: textOrNull,
  raised_at: text,
  read_at: textOrNull,
});

/** How many alerts the list shows; older ones stay stored. */
const SHOWN = 200;

/**
 * Keeps every warning and error the console raises (`notifications:raised`: a registered
 * lead leaving, a reminder failed, missed or uncertain) as an alert with a read mark, and
 * says `alerts:changed` with the unread count. Info notices (a new inbox message) are
 * passing news and stay toasts only.
 */
export class AlertLog {
  private readonly statements;

  constructor(
    db: Database,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
  ) {
    this.statements = {
      insert: db.prepare('INSERT INTO alerts (level, title, body, workshop_id, raised_at) VALUES (@level, @title, @body, @workshop, @at)'),
      list: db.prepare(`SELECT id, level, title, body, workshop_id, raised_at, read_at FROM alerts ORDER BY id DESC LIMIT ${SHOWN}`),
      unread: db.prepare('SELECT count(*) FROM alerts WHERE read_at IS NULL').pluck(),
      readSome: db.prepare('UPDATE alerts SET read_at = ? WHERE read_at IS NULL AND id IN (SELECT value FROM json_each(?))'),
      readAll: db.prepare('UPDATE alerts SET read_at = ? WHERE read_at IS NULL'),
      workshop: db.prepare('SELECT id FROM workshops WHERE id = ?').pluck(),
    };
  }

  start(): () => void {
    return this.events.subscribe((event, payload) => {
      if (event === 'notifications:raised') this.record(payload as ConsoleNotification);
    });
  }

  list(): { alerts: Alert[]; unread: number } {
    const alerts: Alert[] = mapRows(this.statements.list.all(), alertRow).map((row) => ({
      id: row.id,
      level: row.level,
      title: row.title,
      body: row.body,
      workshopId: row.workshop_id,
      raisedAt: row.raised_at,
      readAt: row.read_at,
    }));
    return { alerts, unread: this.unread() };
  }

  /** Marks the given alerts read, or all of them; returns the unread count left. */
  markRead(ids: readonly number[] | 'all'): number {
    const now = new Date(this.clock.now()).toISOString();
    const changes =
      ids === 'all' ? this.statements.readAll.run(now).changes : this.statements.readSome.run(now, JSON.stringify(ids)).changes;
    const unread = this.unread();
    if (changes > 0) this.events.emit('alerts:changed', { unread });
    return unread;
  }

  private record(notification: ConsoleNotification): void {
    if (notification.level === 'info') return;
    // A workshop deleted meanwhile: the alert stays, no longer pointing at it.
    const workshop = notification.workshopId ? workshopIdOrNull(this.statements.workshop.get(notification.workshopId)) : null;
    this.statements.insert.run({
      level: notification.level,
      title: notification.title,
      body: notification.body,
      workshop,
      at: new Date(this.clock.now()).toISOString(),
    });
    this.events.emit('alerts:changed', { unread: this.unread() });
  }

  private unread(): number {
    return countOf(this.statements.unread.get());
  }
}

/** The workshop's id if it still exists. */
function workshopIdOrNull(found: unknown): string | null {
  return found === undefined ? null : textOf(found, 'id');
}
