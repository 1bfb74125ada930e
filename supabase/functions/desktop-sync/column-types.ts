import { type SyncTableName, syncTableNames, syncTables } from '../../../shared/sync/sync-tables.ts';
import type { Sql } from '../_shared/db.ts';

/** Postgres type of every travelling column, read once per instance, to cast the JSON values sent. */
export type ColumnTypes = Record<SyncTableName, Record<string, string>>;

let cached: Promise<ColumnTypes> | null = null;

export function columnTypes(sql: Sql): Promise<ColumnTypes> {
  cached ??= (async () => {
    const rows = await sql<{ table_name: string; column_name: string; udt_name: string }[]>`
      select table_name, column_name, udt_name from information_schema.columns
      where table_schema = 'public' and table_name = any(${syncTableNames as string[]})`;
    const types = Object.fromEntries(syncTableNames.map((name) => [name, {} as Record<string, string>])) as ColumnTypes;
    for (const row of rows) {
      const table = row.table_name as SyncTableName;
      if ((syncTables[table].columns as readonly string[]).includes(row.column_name) || row.column_name === 'updated_at')
        types[table][row.column_name] = row.udt_name;
    }
    for (const name of syncTableNames) {
      const missing = syncTables[name].columns.filter((column) => !types[name][column]);
      // A deploy whose migrations lag the code: fail loudly rather than drop columns.
      if (missing.length) throw new Error(`Postgres table ${name} lacks synced columns ${missing.join(', ')}`);
    }
    return types;
  })().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}

/**
 * JSON value → the text Postgres parses for that type, or undefined when it cannot be one.
 * Statements cast it as `$n::text::<type>`: postgres.js serialises a parameter by the type
 * Postgres describes for it, and its bool serialiser turns the string "true" into false.
 */
export function toParam(value: unknown, udt: string): string | null | undefined {
  if (value === null) return null;
  if (udt === 'jsonb' || udt === 'json') return JSON.stringify(value);
  if (udt === 'bool') return typeof value === 'boolean' ? String(value) : value === 0 || value === 1 ? String(value === 1) : undefined;
  if (udt === 'int4' || udt === 'int8') return typeof value === 'number' && Number.isInteger(value) ? String(value) : undefined;
  if (udt === 'numeric')
    return typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value : undefined;
  if (udt === 'timestamptz') return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A stored value → its JSON form on the wire (timestamps as ISO-8601 UTC, big integers as numbers). */
export function fromColumn(value: unknown, udt: string): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (udt === 'int8') return Number(value);
  return value;
}
