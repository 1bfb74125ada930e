import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../app/core/database/open-database';
import { messageStatuses, ScheduledMessageSchema } from '../../shared/messages/message-schemas';
import { ruleKeys } from '../../shared/messages/schedule';
import { templateVariables } from '../../shared/messages/template';
import { sessionStates } from '../../shared/sessions/session-view';
import { type SyncTableName, syncTableNames, syncTables } from '../../shared/sync/sync-tables';
import { applyMigrations, bootstrapSupabase } from '../dev/migrate';
import { type Database as Postgres, startDatabase } from '../dev/postgres-cluster';
import { postgresRequirement } from './support/requirements';

const pg = postgresRequirement();

/** `column IN ('a', 'b')` lists in SQLite's CREATE TABLE text (`IN (0, 1)` is SQLite's boolean, a boolean in Postgres). */
function sqliteAllowedValues(createSql: string): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const [, column, values] of createSql.matchAll(/(\w+)\s+IN\s*\(([^)]*)\)/gi)) {
    const states = [...values!.matchAll(/'([^']*)'/g)].map((m) => m[1]!).sort();
    if (states.length) lists.set(column!, states);
  }
  return lists;
}

/**
 * `CHECK ((column = ANY (ARRAY['a'::text, …])))` lists in Postgres constraint definitions,
 * also where the list is ORed with a pattern (as a rule key is: a default or an added rule's id).
 */
function postgresAllowedValues(definitions: string[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const definition of definitions) {
    const match = definition.match(/^CHECK \(+(\w+) = ANY \(ARRAY\[(.*?)\]\)/);
    if (match) lists.set(match[1]!, [...match[2]!.matchAll(/'([^']*)'::text/g)].map((m) => m[1]!).sort());
  }
  return lists;
}

describe.skipIf(!pg.available)('one schema: the synced tables of SQLite and Postgres agree', () => {
  let database: Postgres;
  let sql: postgres.Sql;
  let sqlite: Database;
  let folder: string;

  beforeAll(async () => {
    database = await startDatabase();
    await bootstrapSupabase(database.url);
    await applyMigrations(database.url);
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
    folder = mkdtempSync(join(tmpdir(), 'schema-truth-'));
    sqlite = openDatabase({ path: join(folder, 'console.db') }).db;
  });
  afterAll(async () => {
    sqlite?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
    await sql?.end();
    await database?.stop();
  });

  const sqliteColumns = (table: string) => (sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  const sqliteCreate = (table: string) =>
    (sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string } | undefined)?.sql ??
    '';
  const postgresColumns = async (table: string) =>
    (
      await sql<
        { column_name: string }[]
      >`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table}`
    ).map((c) => c.column_name);
  const postgresChecks = async (table: string) =>
    (
      await sql<{ definition: string }[]>`
      select pg_get_constraintdef(c.oid) as definition from pg_constraint c
      where c.conrelid = ${`public.${table}`}::regclass and c.contype = 'c'`
    ).map((r) => r.definition);

  it('every travelling column exists on both sides (SQLite under the same name unless derived)', async () => {
    const missing: string[] = [];
    for (const table of syncTableNames) {
      const spec: { columns: readonly string[]; derived?: Readonly<Record<string, string>> } = syncTables[table];
      const local = sqliteColumns(table);
      const hosted = await postgresColumns(table);
      if (!local.length) missing.push(`SQLite has no table ${table}`);
      for (const column of spec.columns) {
        if (!spec.derived?.[column] && !local.includes(column)) missing.push(`SQLite ${table}.${column}`);
        if (!hosted.includes(column)) missing.push(`Postgres ${table}.${column}`);
      }
      if (!hosted.includes('sync_version')) missing.push(`Postgres ${table}.sync_version`);
    }
    expect(missing).toEqual([]);
  });

  it('every travelling column that SQLite limits to a list of states has the same list in Postgres', async () => {
    const differences: string[] = [];
    for (const table of syncTableNames) {
      const local = sqliteAllowedValues(sqliteCreate(table));
      const hosted = postgresAllowedValues(await postgresChecks(table));
      for (const column of syncTables[table].columns as readonly string[]) {
        const a = local.get(column);
        const b = hosted.get(column);
        if (a && JSON.stringify(a) !== JSON.stringify(b))
          differences.push(`${table}.${column}: SQLite ${a.join('|')} vs Postgres ${b?.join('|') ?? 'anything'}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it("the states the console's code uses are the ones both databases allow", async () => {
    const hosted = async (table: SyncTableName, column: string) => postgresAllowedValues(await postgresChecks(table)).get(column);
    expect(await hosted('scheduled_whatsapp_messages', 'status')).toEqual([...messageStatuses].sort());
    expect(await hosted('scheduled_whatsapp_messages', 'receipt')).toEqual(
      [...ScheduledMessageSchema.shape.receipt.unwrap().options].sort(),
    );
    expect(await hosted('scheduled_whatsapp_messages', 'rule_key')).toEqual([...ruleKeys].sort());
    expect(await hosted('workshop_automation_config', 'rule_key')).toEqual([...ruleKeys].sort());
    expect(await hosted('whatsapp_sessions', 'state')).toEqual([...sessionStates].sort());
  });

  it("both databases keep an added reminder rule's id and its name, and refuse a made-up rule key", async () => {
    const added = 'rule_0b5c7a52-9d1e-4f4a-8c1e-2f6b8e0d9a11';
    const [org] = await sql<{ id: string }[]>`insert into organizations (name) values ('Rules') returning id`;
    const hostedRule = (key: string) =>
      sql`insert into workshop_automation_config (organization_id, rule_key, label, enabled, minutes_before, grace_minutes)
          values (${org!.id}, ${key}, 'Two days before', false, 2880, 10)`;
    await hostedRule(added);
    await expect(hostedRule('2-days-before')).rejects.toThrow(/check constraint/);
    const localRule = sqlite.prepare(
      "INSERT INTO workshop_automation_config (rule_key, label, enabled, minutes_before, grace_minutes, updated_at) VALUES (?, 'Two days before', 0, 2880, 10, 'now')",
    );
    localRule.run(added);
    expect(() => localRule.run('2-days-before')).toThrow(/CHECK constraint/);
  });

  it('a template the console can fill is accepted by Postgres, and one with an unknown variable is refused', async () => {
    const [org] = await sql<{ id: string }[]>`insert into organizations (name) values ('Templates') returning id`;
    const insert = (body: string) => sql`insert into message_templates (organization_id, name, body) values (${org!.id}, 'T', ${body})`;
    await insert(
      Object.keys(templateVariables)
        .map((name) => `{${name}}`)
        .join(' '),
    );
    await expect(insert('Join {workshop} at {time}')).rejects.toThrow(/check constraint/);
  });
});
