import { type SessionState, sessionStates, TransportKindSchema } from '../../../shared/sessions/session-view.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRow, mapRows, oneOfThese, text, textOrNull } from '../database/row-reader.js';
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

const sessionRow = columns({
  id: text,
  label: text,
  transport: oneOfThese(TransportKindSchema.options),
  state: oneOfThese(sessionStates),
  state_reason: textOrNull,
  phone: textOrNull,
  display_name: textOrNull,
  jid: textOrNull,
  last_active_at: textOrNull,
  created_at: text,
  updated_at: text,
});

export class SessionRepository {
  constructor(private readonly db: Database) {}

  list(): SessionRow[] {
    return mapRows(this.db.prepare('SELECT * FROM whatsapp_sessions ORDER BY created_at, id').all(), sessionRow);
  }

  get(id: string): SessionRow | undefined {
    return mapRow(this.db.prepare('SELECT * FROM whatsapp_sessions WHERE id = ?').get(id), sessionRow);
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
