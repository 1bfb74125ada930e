import type { Alert } from '../../../shared/alerts/alert-schemas.js';
import type { ConsoleNotification } from '../../../shared/messages/message-schemas.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { CoreEvents } from '../events/core-events.js';

interface AlertRow {
  id: number;
  level: Alert['level'];
  title: string;
  body: string;
  workshop_id: string | null;
  raised_at: string;
  read_at: string | null;
}

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
      list: db.prepare(`SELECT * FROM alerts ORDER BY id DESC LIMIT ${SHOWN}`),
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
    const alerts = (this.statements.list.all() as AlertRow[]).map((row) => ({
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
    const workshop = notification.workshopId
      ? ((this.statements.workshop.get(notification.workshopId) as string | undefined) ?? null)
      : null;
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
    return this.statements.unread.get() as number;
  }
}
