import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import {
  KEY_FILE,
  KEY_UNREADABLE_WARNING,
  KEYRING_LOCKED_WARNING,
  NO_KEYRING_WARNING,
  SafeStorageSecretStore,
  WRAPPED_KEY_FILE,
  type KeyringStorage,
} from './safe-storage-secret-store.js';

/**
 * Electron's safeStorage as documented for 45 (the non-deprecated async calls): a keyring
 * with its own secret; data wrapped by one keyring does not unwrap in another.
 */
class Keyring implements KeyringStorage {
  available = true;
  backend: ReturnType<KeyringStorage['getSelectedStorageBackend']> = 'gnome_libsecret';
  /** Secrets of earlier keys this keyring still opens (after a key rotation). */
  readonly previous = new Set<string>();
  constructor(public secret = 'keyring-1') {}
  async isAsyncEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  async encryptStringAsync(plainText: string) {
    if (!this.available) throw new Error('Encryption is not available.');
    return Buffer.from(`${this.secret}|${plainText}`);
  }
  async decryptStringAsync(encrypted: Buffer) {
    const [secret, result] = encrypted.toString().split('|');
    const known = secret === this.secret || this.previous.has(secret ?? '');
    if (!this.available || !known || result === undefined)
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return { result, shouldReEncrypt: secret !== this.secret };
  }
}

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => (dir = makeTempDir()));
afterEach(() => dir.remove());
const open = (keyring: Keyring, platform: NodeJS.Platform = 'linux') => SafeStorageSecretStore.open(dir.path, keyring, platform);
const has = (name: string) => existsSync(join(dir.path, name));

describe('the desktop app’s key store', () => {
  it('wraps a new key in the OS keyring and gives the same key on every start', async () => {
    const keyring = new Keyring();
    const first = await open(keyring);
    expect(first).toMatchObject({ protection: 'os-keyring', warning: null, locked: false });
    expect(has(WRAPPED_KEY_FILE)).toBe(true);
    expect(has(KEY_FILE)).toBe(false);
    expect((await open(keyring)).loadDataKey().equals(first.loadDataKey())).toBe(true);
  });

  it('uses a key file, with a warning, where Linux offers only the "basic_text" password', async () => {
    const keyring = new Keyring();
    keyring.backend = 'basic_text';
    const store = await open(keyring);
    expect(store).toMatchObject({ protection: 'key-file', warning: NO_KEYRING_WARNING });
    expect(has(KEY_FILE)).toBe(true);
    expect(has(WRAPPED_KEY_FILE)).toBe(false);
  });

  it('when a keyring appears later, wraps the existing key instead of making a new one', async () => {
    const keyring = new Keyring();
    keyring.available = false;
    const before = (await open(keyring)).loadDataKey();
    keyring.available = true;
    const after = await open(keyring);
    expect(after.loadDataKey().equals(before)).toBe(true);
    expect(after.protection).toBe('os-keyring');
    expect(has(KEY_FILE)).toBe(false);
    expect((await open(keyring)).loadDataKey().equals(before)).toBe(true);
  });

  it('when the keyring goes away, makes no new key: the accounts wait, locked, until it is back', async () => {
    const keyring = new Keyring();
    const original = (await open(keyring)).loadDataKey();
    const wrapped = readFileSync(join(dir.path, WRAPPED_KEY_FILE));
    keyring.available = false;
    const locked = await open(keyring);
    expect(locked).toMatchObject({ locked: true, warning: KEYRING_LOCKED_WARNING });
    expect(locked.loadDataKey().equals(original)).toBe(false);
    expect(has(KEY_FILE)).toBe(false);
    expect(readFileSync(join(dir.path, WRAPPED_KEY_FILE)).equals(wrapped)).toBe(true);
    keyring.available = true;
    expect((await open(keyring)).loadDataKey().equals(original)).toBe(true);
  });

  it('when the keyring refuses the key (reset, or access denied), starts with a new key and says to link again', async () => {
    const original = (await open(new Keyring('keyring-1'))).loadDataKey();
    const store = await open(new Keyring('keyring-after-reset'));
    expect(store).toMatchObject({ protection: 'os-keyring', warning: KEY_UNREADABLE_WARNING, locked: false });
    expect(store.loadDataKey().equals(original)).toBe(false);
    expect(has(`${WRAPPED_KEY_FILE}.unreadable`)).toBe(true);
  });

  it('finishes a migration interrupted between writing the wrapped key and removing the key file', async () => {
    const keyring = new Keyring();
    keyring.available = false;
    const key = (await open(keyring)).loadDataKey();
    writeFileSync(join(dir.path, WRAPPED_KEY_FILE), 'half-written');
    keyring.available = true;
    const store = await open(keyring);
    expect(store.loadDataKey().equals(key)).toBe(true);
    expect(store.protection).toBe('os-keyring');
    expect(has(KEY_FILE)).toBe(false);
  });

  it('re-wraps the key when the keyring asks for it after a rotation', async () => {
    const keyring = new Keyring('keyring-1');
    const key = (await open(keyring)).loadDataKey();
    keyring.previous.add('keyring-1');
    keyring.secret = 'keyring-2';
    expect((await open(keyring)).loadDataKey().equals(key)).toBe(true);
    expect(readFileSync(join(dir.path, WRAPPED_KEY_FILE)).toString()).toMatch(/^keyring-2\|/);
  });

  it('on Windows and macOS trusts the keyring whatever Linux backend name it reports', async () => {
    const keyring = new Keyring();
    keyring.backend = 'basic_text';
    expect((await open(keyring, 'win32')).protection).toBe('os-keyring');
  });
});
