import type { Database } from '../database/open-database.js';
import { columns, mapRow, mapRows, num, text, textOf, textOrNull, type SqlRow } from '../database/row-reader.js';
import { updateRow } from '../database/update-row.js';

export interface WorkshopRow {
  id: string;
  name: string;
  starts_at: string;
  starts_at_local: string;
  time_zone: string;
  duration_minutes: number;
  description: string;
  join_link: string;
  session_id: string | null;
  group_jid: string | null;
  last_synced_at: string | null;
  created_at: string;
  updated_at: string;
}

export type WorkshopFields = Pick<
  WorkshopRow,
  'name' | 'starts_at' | 'starts_at_local' | 'time_zone' | 'duration_minutes' | 'description' | 'join_link'
>;

/** What reminders are made from: the workshop and its linked group's invite link. */
export type WorkshopForSchedule = Pick<
  WorkshopRow,
  'id' | 'name' | 'starts_at' | 'time_zone' | 'duration_minutes' | 'join_link' | 'session_id' | 'group_jid'
> & { invite_link: string | null };

const forScheduleRow: (row: SqlRow) => WorkshopForSchedule = columns({
  id: text,
  name: text,
  starts_at: text,
  time_zone: text,
  duration_minutes: num,
  join_link: text,
  session_id: textOrNull,
  group_jid: textOrNull,
  invite_link: textOrNull,
});

const workshopRow: (row: SqlRow) => WorkshopRow = columns({
  id: text,
  name: text,
  starts_at: text,
  starts_at_local: text,
  time_zone: text,
  duration_minutes: num,
  description: text,
  join_link: text,
  session_id: textOrNull,
  group_jid: textOrNull,
  last_synced_at: textOrNull,
  created_at: text,
  updated_at: text,
});

export class WorkshopRepository {
  private readonly statements;

  constructor(private readonly db: Database) {
    this.statements = {
      forSchedule: db.prepare(`
        SELECT w.id, w.name, w.starts_at, w.time_zone, w.duration_minutes, w.join_link, w.session_id, w.group_jid, g.invite_link
        FROM workshops w LEFT JOIN whatsapp_groups g ON g.session_id = w.session_id AND g.group_jid = w.group_jid
        WHERE w.id = ?`),
      ids: db.prepare('SELECT id FROM workshops').pluck(),
    };
  }

  /** The workshop as its reminders' times and texts need it, with its group's invite link when one is known. */
  forSchedule(id: string): WorkshopForSchedule | undefined {
    return mapRow(this.statements.forSchedule.get(id), forScheduleRow);
  }

  /** Every workshop's id, in no particular order. */
  ids(): string[] {
    return this.statements.ids.all().map((id) => textOf(id, 'id'));
  }

  list(): WorkshopRow[] {
    return mapRows(this.db.prepare('SELECT * FROM workshops ORDER BY starts_at DESC').all(), workshopRow);
  }

  get(id: string): WorkshopRow | undefined {
    return mapRow(this.db.prepare('SELECT * FROM workshops WHERE id = ?').get(id), workshopRow);
  }

  byGroup(groupJid: string): WorkshopRow[] {
    return mapRows(this.db.prepare('SELECT * FROM workshops WHERE group_jid = ?').all(groupJid), workshopRow);
  }

  bySession(sessionId: string): WorkshopRow[] {
    return mapRows(this.db.prepare('SELECT * FROM workshops WHERE session_id = ? AND group_jid IS NOT NULL').all(sessionId), workshopRow);
  }

  insert(id: string, fields: WorkshopFields, now: string): void {
    this.db
      .prepare(
        `INSERT INTO workshops (id, name, starts_at, starts_at_local, time_zone, duration_minutes, description, join_link, created_at, updated_at)
         VALUES (@id, @name, @starts_at, @starts_at_local, @time_zone, @duration_minutes, @description, @join_link, @now, @now)`,
      )
      .run({ id, ...fields, now });
  }

  update(id: string, fields: Partial<WorkshopRow>, now: string): void {
    updateRow(this.db, 'workshops', id, fields, now);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM workshops WHERE id = ?').run(id);
  }
}
