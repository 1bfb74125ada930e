import type { Database } from './open-database.js';

const COLUMN = /^[a-z_][a-z0-9_]*$/;

/**
 * Writes the given columns of one row by id, and its `updated_at`. Columns whose value is
 * undefined are left alone, and nothing is written when no column is given, so a caller
 * can pass a partial patch as it is. Column names come from a repository's own row type,
 * never from input, and are checked anyway; values are bound parameters.
 * Returns how many rows changed (0 when the id is unknown).
 */
export function updateRow(db: Database, table: string, id: string, changes: Record<string, unknown>, nowIso: string): number {
  const columns = Object.keys(changes).filter((column) => changes[column] !== undefined);
  if (columns.length === 0) return 0;
  for (const name of [table, ...columns]) if (!COLUMN.test(name)) throw new Error(`Not a table or column name: ${JSON.stringify(name)}`);
  const assignments = columns.map((column) => `${column} = ?`).join(', ');
  return db
    .prepare(`UPDATE ${table} SET ${assignments}, updated_at = ? WHERE id = ?`)
    .run(...columns.map((column) => changes[column]), nowIso, id).changes;
}
