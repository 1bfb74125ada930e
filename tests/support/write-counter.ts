import BetterSqlite3 from 'better-sqlite3';

/**
 * Counts every row written to a SQLite file's tables, by whichever connection writes them:
 * a test's proof that an operation "changes nothing" even when it rewrites a row with the
 * values it already had (which reading the rows back cannot tell). It adds a table and
 * triggers to the file itself, so use it on a test's own temporary database only.
 */
export class WriteCounter {
  private readonly db: BetterSqlite3.Database;

  constructor(path: string) {
    this.db = new BetterSqlite3(path);
    this.db.pragma('busy_timeout = 5000');
    const tables = this.db
      // Virtual tables (full-text indexes) and their shadow tables take no triggers; the rows they index are counted.
      .prepare(
        `SELECT name FROM sqlite_master AS t WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
           AND NOT EXISTS (SELECT 1 FROM sqlite_master AS v WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%' AND t.name LIKE v.name || '\\_%' ESCAPE '\\')`,
      )
      .pluck()
      .all() as string[];
    this.db.exec('CREATE TABLE test_row_writes (table_name TEXT NOT NULL, op TEXT NOT NULL)');
    for (const table of tables)
      for (const op of ['INSERT', 'UPDATE', 'DELETE'])
        this.db.exec(
          `CREATE TRIGGER "test_count_${op}_${table}" AFTER ${op} ON "${table}"
           BEGIN INSERT INTO test_row_writes VALUES ('${table}', '${op.toLowerCase()}'); END`,
        );
  }

  /** Rows written since the last reset, as "table insert|update|delete" → count. */
  writes(): Record<string, number> {
    const rows = this.db.prepare('SELECT table_name, op, count(*) AS n FROM test_row_writes GROUP BY 1, 2 ORDER BY 1, 2').all() as {
      table_name: string;
      op: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((row) => [`${row.table_name} ${row.op}`, row.n]));
  }

  reset(): void {
    this.db.exec('DELETE FROM test_row_writes');
  }

  close(): void {
    this.db.close();
  }
}
