import type { Database } from '../database/open-database.js';
import { columns, mapRows, text } from '../database/row-reader.js';
import { SessionAuthStore } from '../whatsapp/auth-store.js';
import type { ValueCipher } from '../secrets/value-cipher.js';
import { SessionRepository } from '../whatsapp/session-repository.js';

export const UNREADABLE_CREDENTIALS_REASON =
  "This computer's key no longer opens the account's saved WhatsApp credentials (the OS keyring was reset or refused access). Link it again.";

/**
 * Accounts whose stored credentials the current key cannot decrypt (the key was replaced,
 * or the database came from another computer) would retry forever. Their credentials are
 * wiped and they wait, logged out, for the coordinator to link them again. Returns them.
 */
export function retireUnreadableCredentials(db: Database, cipher: ValueCipher, nowIso: string): string[] {
  const samples = mapRows(
    db.prepare('SELECT session_id AS sessionId, category, key_id AS keyId FROM whatsapp_auth GROUP BY session_id').all(),
    columns({ sessionId: text, category: text, keyId: text }),
  );
  const sessions = new SessionRepository(db);
  const retired: string[] = [];
  for (const { sessionId, category, keyId } of samples) {
    const auth = new SessionAuthStore(db, cipher, sessionId);
    try {
      auth.get(category, [keyId]);
    } catch {
      db.transaction(() => {
        auth.clear();
        sessions.update(sessionId, { state: 'logged-out', state_reason: UNREADABLE_CREDENTIALS_REASON }, nowIso);
      })();
      retired.push(sessionId);
    }
  }
  return retired;
}
