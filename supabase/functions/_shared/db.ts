import postgres from 'npm:postgres@3.4.9';

export type Sql = postgres.Sql;
/** A transaction handle; postgres.js types it apart from Sql but it is queried the same way. */
export type Tx = postgres.TransactionSql;
/** Either: code that needs no transaction of its own runs inside the caller's, or alone. */
export type Queryable = Sql | Tx;

/**
 * Functions talk to Postgres directly so multi-row changes are one transaction.
 * `prepare: false` because Supabase's transaction pooler cannot keep prepared statements.
 */
export function createDb(databaseUrl: string, poolSize: number): Sql {
  return postgres(databaseUrl, {
    prepare: false,
    max: poolSize,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'edge-functions' },
  });
}

/** postgres.js wants JSON values typed structurally; our row interfaces have no index signature. */
export function asJson(value: unknown): postgres.JSONValue {
  return value as postgres.JSONValue;
}
