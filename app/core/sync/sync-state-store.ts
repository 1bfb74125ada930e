import type { Database } from '../database/open-database.js';
import { textOf } from '../database/row-reader.js';

/** Small values the sync keeps between runs (client id, organisation, cursors), as JSON. */
export class SyncStateStore {
  private readonly statements;

  constructor(private readonly db: Database) {
    this.statements = {
      get: db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck(),
      set: db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      delete: db.prepare('DELETE FROM sync_state WHERE key = ?'),
      deletePrefix: db.prepare('DELETE FROM sync_state WHERE key >= ? AND key < ? || char(1114111)'),
    };
  }

  get<T>(key: string): T | null {
    const raw = this.statements.get.get(key);
    return raw === undefined ? null : (JSON.parse(textOf(raw, 'value')) as T);
  }

  set(key: string, value: unknown): void {
    this.statements.set.run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.statements.delete.run(key);
  }

  deletePrefix(prefix: string): void {
    this.statements.deletePrefix.run(prefix, prefix);
  }
}
