import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { KeyFileSecretStore } from '../core/secrets/key-file-secret-store.js';
import type { SecretStore } from '../core/secrets/secret-store.js';

const WRAPPED_KEY_FILE = 'secret.key.safe-storage';
export const NO_KEYRING_WARNING =
  'This computer offers no OS keyring to the console, so WhatsApp credentials are protected by a key file readable only by your user account.';

/**
 * The data key wrapped by the OS keyring (Keychain, DPAPI, libsecret/kwallet). On Linux
 * without a keyring Electron falls back to a hard-coded password ("basic_text"), which
 * protects nothing: then a key file is used and the UI says so.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly protection: SecretStore['protection'];
  readonly warning: string | null;
  private readonly fallback: KeyFileSecretStore | null;

  constructor(
    private readonly dataDir: string,
    private readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
      getSelectedStorageBackend?: () => string;
    },
  ) {
    const available =
      safeStorage.isEncryptionAvailable() &&
      (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend?.() !== 'basic_text');
    this.fallback = available ? null : new KeyFileSecretStore(join(dataDir, 'secret.key'), NO_KEYRING_WARNING);
    this.protection = available ? 'os-keyring' : 'key-file';
    this.warning = available ? null : NO_KEYRING_WARNING;
  }

  loadDataKey(): Buffer {
    if (this.fallback) return this.fallback.loadDataKey();
    const path = join(this.dataDir, WRAPPED_KEY_FILE);
    if (existsSync(path)) return Buffer.from(this.safeStorage.decryptString(readFileSync(path)), 'base64');
    const key = randomBytes(32);
    writeFileSync(path, this.safeStorage.encryptString(key.toString('base64')), { mode: 0o600, flag: 'wx' });
    return key;
  }
}
