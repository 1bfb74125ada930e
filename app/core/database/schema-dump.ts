import type { Database } from 'better-sqlite3';

interface SchemaObject {
  type: 'table' | 'index' | 'view' | 'trigger';
  name: string;
  sql: string;
}

interface TableListRow {
  schema: string;
  name: string;
  type: 'table' | 'view' | 'shadow' | 'virtual';
  /** 1 for a WITHOUT ROWID table. */
  wr: number;
}

/**
 * The SQL that rebuilds `db` from nothing: its tables, then their rows, then indexes, views and
 * triggers (created after the rows, so the triggers do not fire on them a second time), in the
 * order SQLite keeps them. Shadow tables of a virtual table are left to its CREATE VIRTUAL
 * TABLE, and SQLite's own tables to SQLite, except the AUTOINCREMENT counters in
 * sqlite_sequence, whose rows are kept.
 */
export function dumpSchema(db: Database): string {
  const list = db.prepare('PRAGMA main.table_list').all() as TableListRow[];
  const kinds = new Map(list.map((row) => [row.name, row.type]));
  const withoutRowid = new Set(list.filter((row) => row.wr === 1).map((row) => row.name));
  const objects = (
    db.prepare('SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid').all() as SchemaObject[]
  ).filter((object) => !object.name.startsWith('sqlite_') && kinds.get(object.name) !== 'shadow');
  const tables = objects.filter((object) => object.type === 'table');
  const rows = [...tables.filter((table) => kinds.get(table.name) === 'table').map((table) => table.name), 'sqlite_sequence']
    .filter((name) => kinds.has(name))
    .flatMap((name) => insertsOf(db, name, withoutRowid.has(name) ? '' : ' ORDER BY rowid'));
  const later = (['index', 'view', 'trigger'] as const).flatMap((type) => objects.filter((object) => object.type === type));
  return [...tables.map((table) => table.sql), ...rows, ...later.map((object) => object.sql)].map((sql) => `${sql};`).join('\n');
}

function insertsOf(db: Database, table: string, order: string): string[] {
  const columns = (db.prepare(`SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (0, 1)`).all(table) as { name: string }[]).map(
    (column) => `"${column.name}"`,
  );
  const values = columns.map((column) => `quote(${column})`).join(` || ', ' || `);
  return (db.prepare(`SELECT ${values} AS row FROM "${table}"${order}`).all() as { row: string }[]).map(
    ({ row }) => `INSERT INTO "${table}" (${columns.join(', ')}) VALUES (${row})`,
  );
}
