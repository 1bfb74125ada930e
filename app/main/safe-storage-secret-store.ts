import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { KeyFileSecretStore } from '../core/secrets/key-file-secret-store.js';
import type { SecretStore } from '../core/secrets/secret-store.js';

export const WRAPPED_KEY_FILE = 'secret.key.safe-storage';
export const KEY_FILE = 'secret.key';
const KEY_BYTES = 32;

export const NO_KEYRING_WARNING =
  'This computer offers no OS keyring to the console, so WhatsApp credentials are protected by a key file readable only by your user account.';
export const KEYRING_LOCKED_WARNING =
  'The OS keyring that holds the key to your linked WhatsApp accounts is not available now (another desktop session, or the keyring is locked). ' +
  'The accounts stay as they are, but the console cannot connect them: unlock the keyring or log in to your usual desktop, then restart the console.';
export const KEY_UNREADABLE_WARNING =
  'The OS keyring refused to unlock the key to your linked WhatsApp accounts (access denied, or the keyring was reset), so the console made a new key. ' +
  'Link the accounts again on the Connection page; the old key is kept as secret.key.safe-storage.unreadable.';

export type KeyringStorage = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

/**
 * The data key wrapped by the OS keyring (Keychain, DPAPI, libsecret/kwallet), or, where
 * there is none, a key file readable only by the user. On Linux without a keyring
 * Electron falls back to a hard-coded password ("basic_text"), which protects nothing:
 * that counts as no keyring.
 *
 * The files on disk remember the choice: a wrapped key keeps the keyring, a key file
 * keeps the file until a keyring appears, and then the same key is wrapped (nothing
 * stored needs re-encrypting). A change of availability never creates a new key on its
 * own: without its keyring a wrapped key is "locked" and the accounts wait; only a key
 * the keyring definitely refuses is replaced, and the accounts are linked again.
 */
export class SafeStorageSecretStore implements SecretStore {
  private constructor(
    private readonly key: Buffer,
    readonly protection: SecretStore['protection'],
    readonly warning: string | null,
    readonly locked: boolean,
  ) {}

  static async open(dataDir: string, keyring: KeyringStorage, platform: NodeJS.Platform): Promise<SafeStorageSecretStore> {
    const wrappedPath = join(dataDir, WRAPPED_KEY_FILE);
    const keyFilePath = join(dataDir, KEY_FILE);
    const available =
      (await keyring.isAsyncEncryptionAvailable()) && (platform !== 'linux' || keyring.getSelectedStorageBackend() !== 'basic_text');
    const keyFile = () => new KeyFileSecretStore(keyFilePath, NO_KEYRING_WARNING).loadDataKey();

    if (existsSync(wrappedPath)) {
      // A key file next to a wrapped key is what an interrupted migration leaves: the same key.
      if (!available) {
        return existsSync(keyFilePath)
          ? new SafeStorageSecretStore(keyFile(), 'key-file', NO_KEYRING_WARNING, false)
          : new SafeStorageSecretStore(randomBytes(KEY_BYTES), 'os-keyring', KEYRING_LOCKED_WARNING, true);
      }
      const unwrapped = await unwrap(keyring, readFileSync(wrappedPath));
      if (unwrapped) {
        if (unwrapped.shouldReEncrypt) await writeWrapped(keyring, wrappedPath, unwrapped.key);
        rmSync(keyFilePath, { force: true });
        return new SafeStorageSecretStore(unwrapped.key, 'os-keyring', null, false);
      }
      if (existsSync(keyFilePath)) return SafeStorageSecretStore.migrate(keyring, wrappedPath, keyFilePath, keyFile());
      renameSync(wrappedPath, `${wrappedPath}.unreadable`);
      const key = randomBytes(KEY_BYTES);
      await writeWrapped(keyring, wrappedPath, key);
      return new SafeStorageSecretStore(key, 'os-keyring', KEY_UNREADABLE_WARNING, false);
    }

    if (!available) return new SafeStorageSecretStore(keyFile(), 'key-file', NO_KEYRING_WARNING, false);
    // First start with a keyring, or a keyring has appeared since the key file was made.
    const key = existsSync(keyFilePath) ? keyFile() : randomBytes(KEY_BYTES);
    return SafeStorageSecretStore.migrate(keyring, wrappedPath, keyFilePath, key);
  }

  /** Wraps `key` into the keyring, checks it unwraps, and only then drops the key file. */
  private static async migrate(
    keyring: KeyringStorage,
    wrappedPath: string,
    keyFilePath: string,
    key: Buffer,
  ): Promise<SafeStorageSecretStore> {
    const wrapped = await writeWrapped(keyring, wrappedPath, key).then(
      () => true,
      () => false,
    );
    const check = wrapped ? await unwrap(keyring, readFileSync(wrappedPath)) : null;
    if (!check?.key.equals(key)) {
      // The keyring said yes but does not work: keep (or make) the key file instead.
      rmSync(wrappedPath, { force: true });
      if (!existsSync(keyFilePath)) writeFileSync(keyFilePath, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return new SafeStorageSecretStore(key, 'key-file', NO_KEYRING_WARNING, false);
    }
    rmSync(keyFilePath, { force: true });
    return new SafeStorageSecretStore(key, 'os-keyring', null, false);
  }

  loadDataKey(): Buffer {
    return this.key;
  }
}

async function unwrap(keyring: KeyringStorage, sealed: Buffer): Promise<{ key: Buffer; shouldReEncrypt: boolean } | null> {
  try {
    const { result, shouldReEncrypt } = await keyring.decryptStringAsync(sealed);
    const key = Buffer.from(result, 'base64');
    return key.length === KEY_BYTES ? { key, shouldReEncrypt } : null;
  } catch {
    return null;
  }
}

/** Written beside the old file and renamed over it, so a crash never leaves half a key. */
async function writeWrapped(keyring: KeyringStorage, path: string, key: Buffer): Promise<void> {
  const sealed = await keyring.encryptStringAsync(key.toString('base64'));
  writeFileSync(`${path}.new`, sealed, { mode: 0o600 });
  renameSync(`${path}.new`, path);
}
