import { join } from 'node:path';
import { type Requirement, requirement } from '../../../tests/support/requirements';
import { DENO_BIN, denoPresent } from '../../dev/functions-server';
import { POSTGRES_BIN_DIR, postgresBinariesPresent, postgresExtensionAvailable } from '../../dev/postgres-cluster';

/** PostgreSQL server binaries, or a server given by DATABASE_URL. */
export function postgresRequirement(): Requirement {
  const found = process.env.DATABASE_URL || (postgresBinariesPresent() ? join(POSTGRES_BIN_DIR, 'initdb') : undefined);
  return requirement(
    'PostgreSQL 15 server',
    found,
    `install it (apt-get install -y postgresql-15), set POSTGRES_BIN_DIR (looked in ${POSTGRES_BIN_DIR}), or set DATABASE_URL`,
  );
}

export function denoRequirement(): Requirement {
  return requirement('Deno', denoPresent() ? DENO_BIN : undefined, 'run npm install (the deno package brings the binary) or set DENO_BIN');
}

/** The backend suites need both: Postgres for the data, Deno for the functions. */
export function backendRequirement(): Requirement {
  const postgres = postgresRequirement();
  if (!postgres.available) return postgres;
  return denoRequirement();
}

/** pg_cron in a throwaway cluster, to prove the guarded schedules are created where the platform has it. */
export function pgCronRequirement(): Requirement {
  if (process.env.DATABASE_URL) {
    console.warn('\n⚠ SKIPPING pg_cron check: DATABASE_URL is set and its server settings cannot be changed by the tests\n');
    return { available: false, reason: 'DATABASE_URL is set' };
  }
  const pg = postgresRequirement();
  if (!pg.available) return pg;
  return requirement(
    'pg_cron for PostgreSQL 15',
    postgresExtensionAvailable('pg_cron') ? 'pg_cron' : undefined,
    'apt-get install -y postgresql-15-cron',
  );
}
