import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { SecretStore } from './secret-store.js';

const KEY_BYTES = 32;

/**
 * The headless console's key: a file with owner-only permissions. It protects copies and
 * backups of the database; anyone who can read both the file and the database as this
 * user can read the credentials, which is why the desktop app uses the OS keyring.
 */
export class KeyFileSecretStore implements SecretStore {
  readonly protection = 'key-file' as const;
  readonly warning: string | null;

  constructor(
    private readonly path: string,
    warning: string | null = null,
  ) {
    this.warning = warning;
  }

  loadDataKey(): Buffer {
    if (existsSync(this.path)) {
      const mode = statSync(this.path).mode & 0o777;
      if (process.platform !== 'win32' && (mode & 0o077) !== 0) chmodSync(this.path, 0o600);
      const key = Buffer.from(readFileSync(this.path, 'utf8').trim(), 'base64');
      if (key.length !== KEY_BYTES) throw new Error(`The key file ${this.path} is damaged (expected ${KEY_BYTES} bytes).`);
      return key;
    }
    const key = randomBytes(KEY_BYTES);
    writeFileSync(this.path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
}
