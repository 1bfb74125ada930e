import postgres from 'npm:postgres@3.4.9';
import { createLog } from './log.ts';
import { guardAgainstClosedSocketWrites } from './postgres-crash-guard.ts';

export type Sql = postgres.Sql;
/** A transaction handle; postgres.js types it apart from Sql but it is queried the same way. */
export type Tx = postgres.TransactionSql;
/** Either: code that needs no transaction of its own runs inside the caller's, or alone. */
export type Queryable = Sql | Tx;

/** `auto`: prepared statements except through Supabase's transaction pooler (port 6543), which cannot keep them. */
export type PrepareSetting = 'auto' | 'true' | 'false';

export function usesPreparedStatements(databaseUrl: string, setting: PrepareSetting): boolean {
  if (setting !== 'auto') return setting === 'true';
  try {
    return new URL(databaseUrl).port !== '6543';
  } catch {
    return false;
  }
}

const postgresLog = createLog('postgres');

export interface DbOptions {
  /**
   * Plan every execution for its own parameters (`plan_cache_mode = force_custom_plan`)
   * while keeping the statements prepared. For batched writes joined to a growing table:
   * a prepared statement's generic plan is made once, for the table as it was then, and
   * one made while the table was small scans the whole table for every batch ever after.
   */
  customPlans?: boolean;
}

/**
 * Functions talk to Postgres directly so multi-row changes are one transaction.
 * Prepared statements save Postgres parsing and planning every query again (most of
 * its CPU per webhook), where the connection can keep them.
 */
export function createDb(databaseUrl: string, poolSize: number, prepare: PrepareSetting = 'auto', options: DbOptions = {}): Sql {
  // Here, so no function that talks to Postgres can be without it.
  guardAgainstClosedSocketWrites((event) => postgresLog('warn', event));
  const prepared = usesPreparedStatements(databaseUrl, prepare);
  // Unprepared statements (through the transaction pooler) are planned per call anyway, and a pooler may refuse a
  // startup parameter it does not know: the setting is sent only where it does something.
  const customPlans = options.customPlans && prepared ? { plan_cache_mode: 'force_custom_plan' } : {};
  return postgres(databaseUrl, {
    prepare: prepared,
    max: poolSize,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'edge-functions', ...customPlans },
  });
}

/** postgres.js wants JSON values typed structurally; our row interfaces have no index signature. */
export function asJson(value: unknown): postgres.JSONValue {
  return value as postgres.JSONValue;
}
