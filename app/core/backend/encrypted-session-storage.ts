import type { SupportedStorage } from '@supabase/supabase-js';
import type { Database } from '../database/open-database.js';
import { bytesOrNull, mapRow } from '../database/row-reader.js';
import type { ValueCipher } from '../secrets/value-cipher.js';

/**
 * Where supabase-js keeps the signed-in session: a table in the console's database, each
 * value sealed with the data key the SecretStore protects (OS keyring or key file). A copy
 * of the database alone yields no token, and a value moved to another key fails to open.
 */
export class EncryptedSessionStorage implements SupportedStorage {
  private readonly statements;
  private closed = false;

  constructor(
    db: Database,
    private readonly cipher: ValueCipher,
  ) {
    this.statements = {
      get: db.prepare('SELECT value FROM sync_secrets WHERE key = ?'),
      set: db.prepare('INSERT INTO sync_secrets (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      remove: db.prepare('DELETE FROM sync_secrets WHERE key = ?'),
      clear: db.prepare('DELETE FROM sync_secrets'),
    };
  }

  getItem(key: string): string | null {
    if (this.closed) return null;
    const sealed = mapRow(this.statements.get.get(key), (row) => bytesOrNull(row, 'value'));
    if (!sealed) return null;
    try {
      return this.cipher.decrypt(sealed, associated(key));
    } catch {
      // Sealed with another key (a restored backup with a new keyring): as if signed out.
      this.statements.remove.run(key);
      return null;
    }
  }

  setItem(key: string, value: string): void {
    if (this.closed) return;
    this.statements.set.run(key, this.cipher.encrypt(value, associated(key)));
  }

  removeItem(key: string): void {
    if (this.closed) return;
    this.statements.remove.run(key);
  }

  /** The database is about to close: supabase-js work still queued finds no session instead of a closed connection. */
  close(): void {
    this.closed = true;
  }

  /** Forgets every stored token, e.g. when the project changes. */
  clear(): void {
    this.statements.clear.run();
  }
}

const associated = (key: string) => `sync-secret:${key}`;
