import type { Database } from '../database/open-database.js';
import type { ValueCipher } from '../secrets/value-cipher.js';

export interface AuthEntry {
  category: string;
  id: string;
  /** Serialised value, or null to delete. */
  value: string | null;
}

/**
 * One session's WhatsApp auth state: creds and Signal keys as encrypted rows. Writes are
 * one transaction and complete before `set` returns, so a crash never leaves keys that
 * WhatsApp already rotated away from.
 */
export class SessionAuthStore {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(
    private readonly db: Database,
    private readonly cipher: ValueCipher,
    readonly sessionId: string,
  ) {
    this.select = db.prepare('SELECT value FROM whatsapp_auth WHERE session_id = ? AND category = ? AND key_id = ?').pluck();
    this.upsert = db.prepare(
      `INSERT INTO whatsapp_auth (session_id, category, key_id, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, category, key_id) DO UPDATE SET value = excluded.value`,
    );
    this.remove = db.prepare('DELETE FROM whatsapp_auth WHERE session_id = ? AND category = ? AND key_id = ?');
  }

  private aad(category: string, id: string): string {
    return `${this.sessionId}\u0000${category}\u0000${id}`;
  }

  get(category: string, ids: readonly string[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const id of ids) {
      const sealed = this.select.get(this.sessionId, category, id) as Buffer | undefined;
      if (sealed) found.set(id, this.cipher.decrypt(sealed, this.aad(category, id)));
    }
    return found;
  }

  set(entries: readonly AuthEntry[]): void {
    this.db.transaction(() => {
      for (const { category, id, value } of entries) {
        if (value === null) this.remove.run(this.sessionId, category, id);
        else this.upsert.run(this.sessionId, category, id, this.cipher.encrypt(value, this.aad(category, id)));
      }
    })();
  }

  clear(): void {
    this.db.prepare('DELETE FROM whatsapp_auth WHERE session_id = ?').run(this.sessionId);
  }
}
