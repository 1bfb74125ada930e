import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database } from '../database/open-database.js';
import type { Logger } from '../logging/logger.js';
import { acquireDataDirLock } from './data-dir-lock.js';

export const DATABASE_FILE = 'console.sqlite';

export interface OpenedDataDir {
  db: Database;
  /** Closes the database and lets another console use the folder. */
  close(): void;
}

/**
 * Claims the data folder for this process (two consoles on one WhatsApp session would log
 * each other out), then opens and migrates its database. A failure on the way gives the
 * folder back.
 */
export function openDataDir(options: { dataDir: string; nativeBinding?: string; logger: Logger }): OpenedDataDir {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = acquireDataDirLock(options.dataDir);
  try {
    const { db, migration } = openDatabase({ path: join(options.dataDir, DATABASE_FILE), nativeBinding: options.nativeBinding });
    if (migration.applied.length > 0) options.logger.info({ from: migration.from, to: migration.to }, 'database migrated');
    return {
      db,
      close() {
        db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}
