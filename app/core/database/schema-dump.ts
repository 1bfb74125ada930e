import type { Database } from 'better-sqlite3';
import { columns, mapRows, num, oneOfThese, sqlRow, text } from './row-reader.js';

const schemaObjectRow = columns({ type: oneOfThese(['table', 'index', 'view', 'trigger'] as const), name: text, sql: text });

const tableListRow = columns({
  name: text,
  type: oneOfThese(['table', 'view', 'shadow', 'virtual'] as const),
  /** 1 for a WITHOUT ROWID table. */
  wr: num,
});

/**
 * The SQL that rebuilds `db` from nothing: its tables, then their rows, then indexes, views and
 * triggers (created after the rows, so the triggers do not fire on them a second time), in the
 * order SQLite keeps them. Shadow tables of a virtual table are left to its CREATE VIRTUAL
 * TABLE, and SQLite's own tables to SQLite, except the AUTOINCREMENT counters in
 * sqlite_sequence, whose rows are kept.
 */
export function dumpSchema(db: Database): string {
  const list = mapRows(db.prepare('PRAGMA main.table_list').all(), tableListRow);
  const kinds = new Map(list.map((row) => [row.name, row.type]));
  const withoutRowid = new Set(list.filter((row) => row.wr === 1).map((row) => row.name));
  const objects = mapRows(
    db.prepare('SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid').all(),
    schemaObjectRow,
  ).filter((object) => !object.name.startsWith('sqlite_') && kinds.get(object.name) !== 'shadow');
  const tables = objects.filter((object) => object.type === 'table');
  const rows = [...tables.filter((table) => kinds.get(table.name) === 'table').map((table) => table.name), 'sqlite_sequence']
    .filter((name) => kinds.has(name))
    .flatMap((name) => insertsOf(db, name, withoutRowid.has(name) ? '' : ' ORDER BY rowid'));
  const later = (['index', 'view', 'trigger'] as const).flatMap((type) => objects.filter((object) => object.type === type));
  return [...tables.map((table) => table.sql), ...rows, ...later.map((object) => object.sql)].map((sql) => `${sql};`).join('\n');
}

function insertsOf(db: Database, table: string, order: string): string[] {
  const names = db
    .prepare(`SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (0, 1)`)
    .all(table)
    .map((row) => `"${text(sqlRow(row), 'name')}"`);
  const values = names.map((column) => `quote(${column})`).join(` || ', ' || `);
  return db
    .prepare(`SELECT ${values} AS row FROM "${table}"${order}`)
    .all()
    .map((row) => `INSERT INTO "${table}" (${names.join(', ')}) VALUES (${text(sqlRow(row), 'row')})`);
}
