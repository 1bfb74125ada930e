import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const supabaseDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MIGRATIONS_DIR = join(supabaseDir, 'migrations');
const BOOTSTRAP_FILE = join(supabaseDir, 'dev', 'supabase-bootstrap.sql');

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d+_[a-z0-9_]+\.sql$/.test(name))
    .sort();
}

/** Creates what the Supabase platform would already provide (roles, auth, publication). */
export async function bootstrapSupabase(databaseUrl: string): Promise<void> {
  await runScript(databaseUrl, readFileSync(BOOTSTRAP_FILE, 'utf8'));
}

/**
 * Applies pending migrations in order, each in its own transaction, recording them in
 * the same table the Supabase CLI uses so a database is never migrated twice.
 */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (version text primary key, name text, statements text[])`);
    const applied = new Set((await sql`select version from supabase_migrations.schema_migrations`).map((row) => row.version as string));
    const newlyApplied: string[] = [];
    for (const file of migrationFiles()) {
      const [version = file, ...rest] = file.replace(/\.sql$/, '').split('_');
      if (applied.has(version)) continue;
      const script = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
      await sql
        .begin(async (tx) => {
          await tx.unsafe(script);
          await tx`insert into supabase_migrations.schema_migrations (version, name) values (${version}, ${rest.join('_')})`;
        })
        .catch((error: unknown) => {
          throw new Error(`migration ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      newlyApplied.push(file);
    }
    return newlyApplied;
  } finally {
    await sql.end();
  }
}

async function runScript(databaseUrl: string, script: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(script);
  } finally {
    await sql.end();
  }
}
