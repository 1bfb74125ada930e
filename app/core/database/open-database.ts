import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { freshSchema } from './fresh-schema.js';
import { migrate, type Migration, type MigrationOutcome } from './migration.js';
import { migrations as productMigrations } from './migrations/index.js';

export type { Database };

export interface OpenDatabaseOptions {
  path: string;
  /** The Electron shell passes a better-sqlite3 build for Electron's ABI in development. */
  nativeBinding?: string;
  migrations?: readonly Migration[];
}

export interface OpenedDatabase {
  db: Database;
  migration: MigrationOutcome;
}

export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  mkdirSync(dirname(options.path), { recursive: true });
  const db = new BetterSqlite3(options.path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a row marked "sending" must survive a power cut, or a message could go twice.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A new data folder gets the product's schema in one step; a test's own steps replay.
    const migration = options.migrations ? migrate(db, options.migrations) : migrate(db, productMigrations, freshSchema);
    return { db, migration };
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
