import type { Database } from '../database/open-database.js';
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

export class WorkshopRepository {
  constructor(private readonly db: Database) {}

  list(): WorkshopRow[] {
    return this.db.prepare('SELECT * FROM workshops ORDER BY starts_at DESC').all() as WorkshopRow[];
  }

  get(id: string): WorkshopRow | undefined {
    return this.db.prepare('SELECT * FROM workshops WHERE id = ?').get(id) as WorkshopRow | undefined;
  }

  byGroup(groupJid: string): WorkshopRow[] {
    return this.db.prepare('SELECT * FROM workshops WHERE group_jid = ?').all(groupJid) as WorkshopRow[];
  }

  bySession(sessionId: string): WorkshopRow[] {
    return this.db.prepare('SELECT * FROM workshops WHERE session_id = ? AND group_jid IS NOT NULL').all(sessionId) as WorkshopRow[];
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
