import type { Database } from './open-database.js';

/**
 * Commits `work` without waiting for the disk flush (WAL, synchronous = NORMAL), then
 * restores full durability. Only for writes that can be derived again from WhatsApp, such
 * as a Sync Members snapshot: a power cut may undo the last such commit (never corrupt the
 * file), and the next full commit of anything else flushes it with its own. A flush costs
 * ~7 ms on a plain disk, a third of what a 1,000-member sync may take in all. better-sqlite3
 * is synchronous, so no other statement can run between the two pragmas.
 */
export function withoutFlush<T>(db: Database, work: () => T): T {
  if (db.inTransaction) return work();
  db.pragma('synchronous = NORMAL');
  try {
    return work();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
