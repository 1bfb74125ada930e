import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This data folder was written by a newer version of the console (database version ${found}; ` +
        `this build knows up to ${supported}). Update the console, or start it with another data folder.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** The schema the steps 1 to `version` build, as one script for a database that has none yet. */
export interface FreshSchema {
  version: number;
  sql: string;
}

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Applies every pending step in one transaction, so a crash half-way leaves the database
 * exactly as it was; progress lives in `PRAGMA user_version`.
 *
 * An empty database given `fresh` for the same last step runs that one script instead: a
 * replay rebuilds tables and re-parses the schema step after step, several times the work of
 * creating the end result once, and a new data folder pays it on the console's first start.
 */
export function migrate(db: Database, steps: readonly Migration[], fresh?: FreshSchema): MigrationOutcome {
  steps.forEach((step, index) => {
    if (step.version !== index + 1) throw new Error(`Migration ${step.name} is numbered ${step.version}, expected ${index + 1}`);
  });
  const latest = steps.length;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) throw new DatabaseTooNewError(from, latest);
  const pending = steps.slice(from);
  if (pending.length === 0) return { from, to: from, applied: [] };
  db.transaction(() => {
    const empty = from === 0 && db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() === 0;
    if (empty && fresh?.version === latest) db.exec(fresh.sql);
    else for (const step of pending) db.exec(step.sql);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return { from, to: latest, applied: pending.map((step) => `${step.version}-${step.name}`) };
}
