import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateRow } from './update-row.js';

let db: BetterSqlite3.Database;

beforeEach(() => {
  db = new BetterSqlite3(':memory:');
  db.exec(
    "CREATE TABLE things (id TEXT PRIMARY KEY, name TEXT, note TEXT, updated_at TEXT NOT NULL); INSERT INTO things VALUES ('a', 'Old', 'keep', 'then')",
  );
});
afterEach(() => db.close());

const row = () => db.prepare("SELECT name, note, updated_at FROM things WHERE id = 'a'").get();

describe('updateRow', () => {
  it('writes the given columns and updated_at, leaving undefined ones alone', () => {
    expect(updateRow(db, 'things', 'a', { name: 'New', note: undefined }, 'now')).toBe(1);
    expect(row()).toEqual({ name: 'New', note: 'keep', updated_at: 'now' });
  });

  it('writes nothing, not even updated_at, for an empty patch', () => {
    expect(updateRow(db, 'things', 'a', {}, 'now')).toBe(0);
    expect(row()).toEqual({ name: 'Old', note: 'keep', updated_at: 'then' });
  });

  it('sets a column to NULL when asked, and reports an unknown id as no change', () => {
    expect(updateRow(db, 'things', 'a', { note: null }, 'now')).toBe(1);
    expect(row()).toMatchObject({ note: null });
    expect(updateRow(db, 'things', 'missing', { name: 'x' }, 'now')).toBe(0);
  });

  it('refuses a column name that is not an identifier, and changes nothing', () => {
    expect(() => updateRow(db, 'things', 'a', { 'name = 1; --': 'x' }, 'now')).toThrow(/Not a table or column name/);
    expect(row()).toEqual({ name: 'Old', note: 'keep', updated_at: 'then' });
  });
});
