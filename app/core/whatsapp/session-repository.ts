import type { SessionState } from '../../../shared/sessions/session-view.js';
import type { Database } from '../database/open-database.js';
import { updateRow } from '../database/update-row.js';
import type { TransportKind } from './whatsapp-transport.js';

export interface SessionRow {
  id: string;
  label: string;
  transport: TransportKind;
  state: SessionState;
  state_reason: string | null;
  phone: string | null;
  display_name: string | null;
  jid: string | null;
  last_active_at: string | null;
  created_at: string;
  updated_at: string;
}

export class SessionRepository {
  constructor(private readonly db: Database) {}

  list(): SessionRow[] {
    return this.db.prepare('SELECT * FROM whatsapp_sessions ORDER BY created_at, id').all() as SessionRow[];
  }

  get(id: string): SessionRow | undefined {
    return this.db.prepare('SELECT * FROM whatsapp_sessions WHERE id = ?').get(id) as SessionRow | undefined;
  }

  insert(row: Pick<SessionRow, 'id' | 'label' | 'transport' | 'state'>, nowIso: string): void {
    this.db
      .prepare('INSERT INTO whatsapp_sessions (id, label, transport, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.id, row.label, row.transport, row.state, nowIso, nowIso);
  }

  update(id: string, changes: Partial<Omit<SessionRow, 'id' | 'created_at' | 'transport'>>, nowIso: string): void {
    updateRow(this.db, 'whatsapp_sessions', id, changes, nowIso);
  }

  /** The session row and everything that hangs off it (keys, groups, stored messages). */
  delete(id: string): void {
    this.db.prepare('DELETE FROM whatsapp_sessions WHERE id = ?').run(id);
  }
}
