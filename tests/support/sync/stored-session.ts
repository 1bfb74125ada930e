import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { KeyFileSecretStore } from '../../../app/core/secrets/key-file-secret-store.js';
import { ValueCipher } from '../../../app/core/secrets/value-cipher.js';

/**
 * Puts another access token into a console's stored session, with an expiry far ahead as
 * this desktop sees it: what a desktop whose clock runs behind holds once the backend's
 * clock has passed the token's `exp`. Works on a running console (supabase-js reads the
 * stored session on every use).
 */
export function replaceStoredAccessToken(dataDir: string, accessToken: string): void {
  const cipher = new ValueCipher(new KeyFileSecretStore(join(dataDir, 'secret.key')).loadDataKey());
  const db = new BetterSqlite3(join(dataDir, 'console.sqlite'));
  try {
    const rows = db.prepare("SELECT key, value FROM sync_secrets WHERE key LIKE '%-auth-token'").all() as { key: string; value: Buffer }[];
    if (rows.length !== 1) throw new Error(`expected one stored session, found ${rows.length}`);
    const { key, value } = rows[0]!;
    const session = JSON.parse(cipher.decrypt(value, `sync-secret:${key}`)) as Record<string, unknown>;
    const farAhead = Math.floor(Date.now() / 1000) + 3600;
    const next = { ...session, access_token: accessToken, expires_at: farAhead, expires_in: 3600 };
    db.prepare('UPDATE sync_secrets SET value = ? WHERE key = ?').run(cipher.encrypt(JSON.stringify(next), `sync-secret:${key}`), key);
  } finally {
    db.close();
  }
}
