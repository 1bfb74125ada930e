import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The token is kept in the data folder (owner-only) so a bookmarked URL keeps working
 * across restarts of a console that runs 24/7; `--new-token` replaces it.
 */
export function loadOrCreateAccessToken(dataDir: string, rotate: boolean): string {
  const path = join(dataDir, 'access-token');
  if (!rotate && existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(stored)) return stored;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}
