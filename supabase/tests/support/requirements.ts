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

/**
 * pg_cron in a throwaway cluster, to prove the guarded schedules are created where the
 * platform has it. It needs the local binaries even when DATABASE_URL is set: preloading
 * pg_cron is a server setting a shared server cannot take from a test.
 */
export function pgCronRequirement(): Requirement {
  const binaries = requirement(
    'PostgreSQL 15 server binaries (pg_cron needs a throwaway cluster, whatever DATABASE_URL says)',
    postgresBinariesPresent() ? join(POSTGRES_BIN_DIR, 'initdb') : undefined,
    `install them (apt-get install -y postgresql-15) or set POSTGRES_BIN_DIR (looked in ${POSTGRES_BIN_DIR})`,
  );
  if (!binaries.available) return binaries;
  return requirement(
    'pg_cron for PostgreSQL 15',
    postgresExtensionAvailable('pg_cron') ? 'pg_cron' : undefined,
    'apt-get install -y postgresql-15-cron',
  );
}
