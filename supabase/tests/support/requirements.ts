import { join } from 'node:path';
import { type Requirement, requirement } from '../../../tests/support/requirements';
import { DENO_BIN, denoPresent } from '../../dev/functions-server';
import { POSTGRES_BIN_DIR, postgresBinariesPresent } from '../../dev/postgres-cluster';

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
