import type { Database } from '../database/open-database.js';
import { bytesOrNull, mapRow } from '../database/row-reader.js';
import type { ValueCipher } from '../secrets/value-cipher.js';

export interface AuthEntry {
  category: string;
  id: string;
  /** Serialised value, or null to delete. */
  value: string | null;
  /** When it was written (ms), for entries kept only for a while (see `prune`); keys and creds have none. */
  storedAt?: number;
}

export interface PruneRule {
  /** Entries stored before this (ms) go. */
  before: number;
  /** Beyond the newest `keepNewest`, entries go too, unless stored at or after `protectFrom` (ms). */
  keepNewest: number;
  protectFrom: number;
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
  private readonly pruneStatement;

  constructor(
    private readonly db: Database,
    private readonly cipher: ValueCipher,
    readonly sessionId: string,
  ) {
    this.select = db.prepare('SELECT value FROM whatsapp_auth WHERE session_id = ? AND category = ? AND key_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO whatsapp_auth (session_id, category, key_id, value, stored_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id, category, key_id) DO UPDATE SET value = excluded.value, stored_at = excluded.stored_at`,
    );
    this.remove = db.prepare('DELETE FROM whatsapp_auth WHERE session_id = ? AND category = ? AND key_id = ?');
    this.pruneStatement = db.prepare(
      `DELETE FROM whatsapp_auth WHERE session_id = @session AND category = @category AND stored_at IS NOT NULL AND (
         stored_at < @before
         OR (stored_at < @protectFrom AND key_id NOT IN (
           SELECT key_id FROM whatsapp_auth WHERE session_id = @session AND category = @category AND stored_at IS NOT NULL
           ORDER BY stored_at DESC LIMIT @keepNewest)))`,
    );
  }

  private aad(category: string, id: string): string {
    return `${this.sessionId}\u0000${category}\u0000${id}`;
  }

  get(category: string, ids: readonly string[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const id of ids) {
      const sealed = mapRow(this.select.get(this.sessionId, category, id), (row) => bytesOrNull(row, 'value'));
      if (sealed) found.set(id, this.cipher.decrypt(sealed, this.aad(category, id)));
    }
    return found;
  }

  set(entries: readonly AuthEntry[]): void {
    this.db.transaction(() => {
      for (const { category, id, value, storedAt } of entries) {
        if (value === null) this.remove.run(this.sessionId, category, id);
        else this.upsert.run(this.sessionId, category, id, this.cipher.encrypt(value, this.aad(category, id)), storedAt ?? null);
      }
    })();
  }

  /** Deletes the stamped entries of `category` the rule no longer keeps; returns how many went. */
  prune(category: string, rule: PruneRule): number {
    return this.pruneStatement.run({ session: this.sessionId, category, ...rule }).changes;
  }

  clear(): void {
    this.db.prepare('DELETE FROM whatsapp_auth WHERE session_id = ?').run(this.sessionId);
  }
}
