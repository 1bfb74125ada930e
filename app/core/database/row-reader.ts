/**
 * Checked reads of what SQLite hands back. A statement's result is `unknown` to TypeScript;
 * a repository maps each row through these instead of casting it, so a column renamed,
 * dropped or holding another kind of value fails loudly with its name, at the read that
 * met it, rather than travelling on as a wrong type. Only the JS kind is checked (text,
 * number, bytes); what the values mean stays the schema's and the repository's business.
 */

/** A row as better-sqlite3 returns it: column name to value. */
export type SqlRow = Readonly<Record<string, unknown>>;

export class RowShapeError extends Error {
  constructor(column: string, expected: string, value: unknown, shown: string = value === null ? 'NULL' : typeof value) {
    super(value === undefined ? `The row has no column "${column}"` : `Column "${column}" holds ${shown}, not ${expected}`);
    this.name = 'RowShapeError';
  }
}

/** NULL is a value; a column the statement did not select is a mistake, and says so. */
function nullable(row: SqlRow, column: string): boolean {
  const value = row[column];
  if (value === undefined) throw new RowShapeError(column, 'a value', value);
  return value === null;
}

/** The row itself, checked to be one (a statement that found nothing gives undefined, kept as such). */
export function sqlRow(value: unknown): SqlRow {
  if (typeof value !== 'object' || value === null) throw new RowShapeError('(row)', 'a row', value);
  return value as SqlRow;
}

export function text(row: SqlRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new RowShapeError(column, 'text', value);
  return value;
}

export function textOrNull(row: SqlRow, column: string): string | null {
  return nullable(row, column) ? null : text(row, column);
}

export function num(row: SqlRow, column: string): number {
  const value = row[column];
  if (typeof value !== 'number') throw new RowShapeError(column, 'a number', value);
  return value;
}

export function numOrNull(row: SqlRow, column: string): number | null {
  return nullable(row, column) ? null : num(row, column);
}

export function bytesOrNull(row: SqlRow, column: string): Buffer | null {
  if (nullable(row, column)) return null;
  const value = row[column];
  if (!Buffer.isBuffer(value)) throw new RowShapeError(column, 'bytes', value);
  return value;
}

/** How one column is read: `text`, `num`, `oneOfThese(statuses)`… */
export type ColumnReader<T> = (row: SqlRow, column: string) => T;

/**
 * A mapper that reads exactly the columns named, each with its reader, into an object with
 * the same keys: `columns({ id: text, attempts: num })`.
 */
export function columns<S extends Record<string, ColumnReader<unknown>>>(
  spec: S,
): (row: SqlRow) => { -readonly [K in keyof S]: ReturnType<S[K]> } {
  const entries = Object.entries(spec);
  // Every value was read by its column's reader, so the object has the spec's types.
  return (row) => Object.fromEntries(entries.map(([column, read]) => [column, read(row, column)])) as { [K in keyof S]: ReturnType<S[K]> };
}

/** Text that must be one of `allowed` (a status, a kind). */
export function oneOf<T extends string>(row: SqlRow, column: string, allowed: readonly T[]): T {
  const value = text(row, column);
  // The value is named: a status or kind, never a person's text.
  if (!(allowed as readonly string[]).includes(value))
    throw new RowShapeError(column, `one of ${allowed.join(', ')}`, value, JSON.stringify(value));
  return value as T;
}

export function oneOfOrNull<T extends string>(row: SqlRow, column: string, allowed: readonly T[]): T | null {
  return nullable(row, column) ? null : oneOf(row, column, allowed);
}

export const oneOfThese =
  <T extends string>(allowed: readonly T[]): ColumnReader<T> =>
  (row, column) =>
    oneOf(row, column, allowed);

export const oneOfTheseOrNull =
  <T extends string>(allowed: readonly T[]): ColumnReader<T | null> =>
  (row, column) =>
    oneOfOrNull(row, column, allowed);

/** A plucked `count(*)`. */
export function countOf(value: unknown): number {
  if (typeof value !== 'number') throw new RowShapeError('count(*)', 'a number', value);
  return value;
}

/** A plucked text column, such as the ids a statement lists. */
export function textOf(value: unknown, column: string): string {
  if (typeof value !== 'string') throw new RowShapeError(column, 'text', value);
  return value;
}

/** A plucked number column, such as a sequence number or a version. */
export function numberOf(value: unknown, column: string): number {
  if (typeof value !== 'number') throw new RowShapeError(column, 'a number', value);
  return value;
}

/** Each row of a statement's `all()`, mapped. */
export function mapRows<T>(rows: unknown[], map: (row: SqlRow) => T): T[] {
  return rows.map((row) => map(sqlRow(row)));
}

/** A statement's `get()`, mapped; undefined when it found no row. */
export function mapRow<T>(row: unknown, map: (row: SqlRow) => T): T | undefined {
  return row === undefined ? undefined : map(sqlRow(row));
}
