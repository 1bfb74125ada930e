import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { freshSchema } from './fresh-schema.js';
import { migrate, type Migration } from './migration.js';
import { migrations } from './migrations/index.js';
import { openDatabase } from './open-database.js';

let dir: ReturnType<typeof makeTempDir>;
beforeEach(() => (dir = makeTempDir()));
afterEach(() => dir.remove());

/**
 * Everything a console can observe of a database's make-up: every schema object and its SQL
 * (not its root page, which only says in which order the pages were allocated), the version and
 * the other stored pragmas, and every row of every table, SQLite's own and FTS5's shadow tables
 * included.
 */
function describeDatabase(db: BetterSqlite3.Database) {
  const schema = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
  const pragmas = Object.fromEntries(
    ['user_version', 'application_id', 'auto_vacuum', 'page_size', 'encoding'].map((name) => [name, db.pragma(name, { simple: true })]),
  );
  const tables = (
    db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'shadow')").all() as { name: string }[]
  )
    .map(({ name }) => name)
    .filter((name) => name !== 'sqlite_schema')
    .sort();
  const rows = Object.fromEntries(tables.map((name) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()]));
  return { schema, pragmas, rows };
}

function replayed(path: string, steps: readonly Migration[] = migrations) {
  const db = new BetterSqlite3(path);
  migrate(db, steps);
  return db;
}

describe('a new data folder built in one step', () => {
  it('is made from every migration: app/core/database/fresh-schema.ts is regenerated after the last one', () => {
    expect(freshSchema.version, 'run `node --import tsx scripts/write-fresh-schema.ts`').toBe(migrations.length);
  });

  it('runs the one-step script exactly as the migrations build it by replay: sqlite_master, user_version and seeded rows alike', () => {
    const replay = replayed(join(dir.path, 'replayed.sqlite'));
    const oneStep = new BetterSqlite3(join(dir.path, 'one-step.sqlite'));
    oneStep.exec(freshSchema.sql);
    oneStep.pragma(`user_version = ${freshSchema.version}`);

    const expected = describeDatabase(replay);
    expect(expected.rows.sync_capture).toEqual([{ id: 1, capturing: 0 }]);
    expect(describeDatabase(oneStep)).toEqual(expected);
    expect(oneStep.pragma('integrity_check', { simple: true })).toBe('ok');
    replay.close();
    oneStep.close();
  });

  it('is what openDatabase gives a new file, identical to a replay of every migration', () => {
    const replay = replayed(join(dir.path, 'replayed.sqlite'));
    const { db, migration } = openDatabase({ path: join(dir.path, 'console.sqlite') });
    expect(migration).toEqual({ from: 0, to: migrations.length, applied: migrations.map((step) => `${step.version}-${step.name}`) });
    expect(describeDatabase(db)).toEqual(describeDatabase(replay));
    replay.close();
    db.close();
  });

  it('takes the place of the steps only in an empty database whose steps end at its version', () => {
    const steps: Migration[] = [
      { version: 1, name: 'first', sql: 'CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;' },
      { version: 2, name: 'second', sql: 'CREATE TABLE b (id INTEGER PRIMARY KEY) STRICT;' },
    ];
    const names = (db: BetterSqlite3.Database) =>
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();

    const empty = new BetterSqlite3(join(dir.path, 'empty.sqlite'));
    expect(migrate(empty, steps, { version: 2, sql: 'CREATE TABLE squashed (id INTEGER PRIMARY KEY) STRICT;' }).to).toBe(2);
    expect(names(empty)).toEqual(['squashed']);
    expect(empty.pragma('user_version', { simple: true })).toBe(2);

    const stale = new BetterSqlite3(join(dir.path, 'stale.sqlite'));
    migrate(stale, steps, { version: 1, sql: 'CREATE TABLE squashed (id INTEGER PRIMARY KEY) STRICT;' });
    expect(names(stale)).toEqual(['a', 'b']);

    const notEmpty = new BetterSqlite3(join(dir.path, 'not-empty.sqlite'));
    notEmpty.exec('CREATE TABLE kept (id INTEGER PRIMARY KEY) STRICT;');
    migrate(notEmpty, steps, { version: 2, sql: 'CREATE TABLE squashed (id INTEGER PRIMARY KEY) STRICT;' });
    expect(names(notEmpty)).toEqual(['a', 'b', 'kept']);
    for (const db of [empty, stale, notEmpty]) db.close();
  });
});

describe('a data folder made by an older build', () => {
  it('still upgrades by replaying the steps it lacks, to the same database as a new folder, its rows kept', () => {
    const path = join(dir.path, 'console.sqlite');
    const old = replayed(path, migrations.slice(0, 10));
    old.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('timeZone', '\"Africa/Lagos\"', '2026-01-01T00:00:00.000Z')").run();
    old.close();

    const { db, migration } = openDatabase({ path });
    expect(migration.from).toBe(10);
    expect(migration.applied).toEqual(migrations.slice(10).map((step) => `${step.version}-${step.name}`));
    const reference = replayed(join(dir.path, 'reference.sqlite'));
    reference
      .prepare("INSERT INTO settings (key, value, updated_at) VALUES ('timeZone', '\"Africa/Lagos\"', '2026-01-01T00:00:00.000Z')")
      .run();
    expect(describeDatabase(db)).toEqual(describeDatabase(reference));
    db.close();
    reference.close();
  });
});
