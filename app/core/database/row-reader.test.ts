import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesOrNull, countOf, mapRow, mapRows, num, numberOf, oneOf, RowShapeError, text, textOf, textOrNull } from './row-reader.js';

let db: BetterSqlite3.Database;

beforeEach(() => {
  db = new BetterSqlite3(':memory:');
  db.exec(`CREATE TABLE t (id TEXT, n INTEGER, note TEXT, status TEXT, data BLOB);
    INSERT INTO t VALUES ('a', 1, NULL, 'pending', x'0102'), ('b', 2, 'kept', 'sent', NULL)`);
});
afterEach(() => db.close());

const read = (sql: string) =>
  mapRows(db.prepare(sql).all(), (row) => ({ id: text(row, 'id'), n: num(row, 'n'), note: textOrNull(row, 'note') }));

describe('reading SQLite rows with checks', () => {
  it('gives each column as its kind, NULL as null and a blob as bytes', () => {
    expect(read('SELECT id, n, note FROM t ORDER BY id')).toEqual([
      { id: 'a', n: 1, note: null },
      { id: 'b', n: 2, note: 'kept' },
    ]);
    const row = mapRow(db.prepare("SELECT data, status FROM t WHERE id = 'a'").get(), (r) => ({
      data: bytesOrNull(r, 'data'),
      status: oneOf(r, 'status', ['pending', 'sent'] as const),
    }));
    expect(row).toEqual({ data: Buffer.from([1, 2]), status: 'pending' });
    expect(mapRow(db.prepare("SELECT id FROM t WHERE id = 'zz'").get(), (r) => text(r, 'id'))).toBeUndefined();
    expect(countOf(db.prepare('SELECT count(*) FROM t').pluck().get())).toBe(2);
    expect(numberOf(db.prepare('SELECT max(n) FROM t').pluck().get(), 'max(n)')).toBe(2);
    expect(textOf(db.prepare("SELECT note FROM t WHERE id = 'b'").pluck().get(), 'note')).toBe('kept');
  });

  it('names the column when a row holds another kind, NULL where text is required, or lacks a column the mapper reads', () => {
    expect(() => read('SELECT n AS id, n, note FROM t')).toThrow(new RowShapeError('id', 'text', 1));
    expect(() => read('SELECT id, n, note FROM t')).not.toThrow();
    expect(() => mapRows(db.prepare('SELECT note FROM t').all(), (r) => text(r, 'note'))).toThrow('Column "note" holds NULL, not text');
    expect(() => read('SELECT id, n FROM t')).toThrow('The row has no column "note"');
    expect(() => mapRows(db.prepare('SELECT status FROM t').all(), (r) => oneOf(r, 'status', ['pending'] as const))).toThrow(
      'Column "status" holds "sent", not one of pending',
    );
    expect(() => numberOf(db.prepare("SELECT id FROM t WHERE id = 'a'").pluck().get(), 'id')).toThrow(
      'Column "id" holds string, not a number',
    );
    expect(() => textOf(db.prepare("SELECT note FROM t WHERE id = 'a'").pluck().get(), 'note')).toThrow(
      'Column "note" holds NULL, not text',
    );
  });
});
