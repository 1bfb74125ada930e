import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { DatabaseTooNewError, migrate, type Migration } from './migration.js';
import { migrations } from './migrations/index.js';
import { openDatabase } from './open-database.js';

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => (dir = makeTempDir()));
afterEach(() => dir.remove());

const tables = (db: BetterSqlite3.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);

describe('database migrations', () => {
  it('brings a new file to the latest version in WAL mode', () => {
    const { db, migration } = openDatabase({ path: join(dir.path, 'console.sqlite') });
    expect(migration).toMatchObject({ from: 0, to: migrations.length });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(tables(db)).toContain('settings');
    db.close();
  });

  it('applies nothing twice when the file is reopened', () => {
    openDatabase({ path: join(dir.path, 'console.sqlite') }).db.close();
    const { db, migration } = openDatabase({ path: join(dir.path, 'console.sqlite') });
    expect(migration.applied).toEqual([]);
    db.close();
  });

  it('leaves the database untouched when a step fails half-way', () => {
    const db = new BetterSqlite3(join(dir.path, 'broken.sqlite'));
    const steps: Migration[] = [
      { version: 1, name: 'first', sql: 'CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;' },
      { version: 2, name: 'second', sql: 'CREATE TABLE b (id INTEGER PRIMARY KEY) STRICT; CREATE TABLE a (oops TEXT);' },
    ];
    expect(() => migrate(db, steps)).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(db)).toEqual([]);
    db.close();
  });

  it('refuses a database written by a newer build, with a message that says what to do', () => {
    const path = join(dir.path, 'console.sqlite');
    const raw = new BetterSqlite3(path);
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    expect(() => openDatabase({ path })).toThrow(DatabaseTooNewError);
    expect(() => openDatabase({ path })).toThrow(/newer version of the console.*Update the console/);
  });

  it('rejects a list of steps with a gap in its numbering', () => {
    const db = new BetterSqlite3(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'skipped-one', sql: '' }])).toThrow(/expected 1/);
    db.close();
  });
});
