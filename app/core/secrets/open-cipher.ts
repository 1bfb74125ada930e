import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { Logger } from '../logging/logger.js';
import type { SecretStore } from './secret-store.js';
import { retireUnreadableCredentials } from './unreadable-credentials.js';
import { ValueCipher } from './value-cipher.js';

export interface OpenCipherOptions {
  secretStore: SecretStore;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Releases the data folder when the key cannot be loaded, so a retry is not locked out. */
  closeDataDir(): void;
}

/**
 * The cipher for stored credentials, with the store's key. Credentials that key cannot
 * open are retired (their accounts wait to be linked again), except while the store is
 * locked: then the real key is only out of reach, and nothing is touched.
 */
export function openCipher(options: OpenCipherOptions): ValueCipher {
  let cipher: ValueCipher;
  try {
    cipher = new ValueCipher(options.secretStore.loadDataKey());
  } catch (error) {
    options.closeDataDir();
    throw error;
  }
  if (!options.secretStore.locked) {
    const retired = retireUnreadableCredentials(options.db, cipher, new Date(options.clock.now()).toISOString());
    if (retired.length > 0)
      options.logger.warn({ sessions: retired }, 'stored WhatsApp credentials could not be decrypted; those accounts must be linked again');
  }
  return cipher;
}
