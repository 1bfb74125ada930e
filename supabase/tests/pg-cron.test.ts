import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, bootstrapSupabase } from '../dev/migrate';
import { type Database, startCluster } from '../dev/postgres-cluster';
import { pgCronRequirement } from './support/requirements';

const cron = pgCronRequirement();

describe.skipIf(!cron.available)('migrations where pg_cron is preloaded, as on the platform', () => {
  let database: Database;
  let sql: postgres.Sql;

  beforeAll(async () => {
    database = await startCluster({ settings: { shared_preload_libraries: 'pg_cron', 'cron.database_name': 'postgres' } });
    await bootstrapSupabase(database.url);
    await applyMigrations(database.url);
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await database?.stop();
  });

  it('create the extension and schedule the nightly cart expiry, the sync tombstone purge, the payment reconciliation and the WhatsApp queue drain', async () => {
    expect(await sql`select jobname, schedule, active from cron.job order by jobname`).toEqual([
      { jobname: 'expire-whatsapp-carts', schedule: '17 3 * * *', active: true },
      // This pg_cron (1.4) has no schedules in seconds, so the drain falls back to once a minute.
      { jobname: 'process-whatsapp-queue', schedule: '* * * * *', active: true },
      { jobname: 'purge-sync-tombstones', schedule: '41 3 * * *', active: true },
      { jobname: 'reconcile-payments', schedule: '*/5 * * * *', active: true },
    ]);
  });

  /** Runs `work` in a transaction that is rolled back, so the stand-ins it creates leave no trace. */
  async function rolledBack<T>(work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
    let result: T | undefined;
    const rollback = new Error('rolled back on purpose');
    await sql
      .begin(async (tx) => {
        result = await work(tx);
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    return result as T;
  }

  /** pg_net's `http_post` (same parameter names), recording each call; and Vault's decrypted secrets as a plain table. */
  async function standInNetAndVault(tx: postgres.TransactionSql, secrets: Record<string, string>): Promise<void> {
    await tx`create schema net`;
    await tx`create table net.posted (url text, headers jsonb, body jsonb)`;
    await tx.unsafe(`create function net.http_post(url text, body jsonb default '{}', params jsonb default '{}',
                       headers jsonb default '{}', timeout_milliseconds int default 5000) returns bigint
                     language sql as $$ insert into net.posted values (url, headers, body); select 1::bigint $$`);
    await tx`create schema vault`;
    await tx`create table vault.decrypted_secrets (name text, decrypted_secret text)`;
    for (const [name, value] of Object.entries(secrets)) await tx`insert into vault.decrypted_secrets values (${name}, ${value})`;
  }

  const jobs = [
    { job: 'reconcile-payments', header: 'x-reconcile-secret', url: 'reconcile_payments_url', secret: 'reconcile_payments_secret' },
    { job: 'process-whatsapp-queue', header: 'x-cron-secret', url: 'process_whatsapp_queue_url', secret: 'process_whatsapp_queue_secret' },
  ];

  for (const { job, header, url, secret } of jobs) {
    it(`the ${job} job writes nothing and does not fail until pg_net and its Vault secrets exist`, async () => {
      const [row] = await sql<{ command: string }[]>`select command from cron.job where jobname = ${job}`;
      const assigned = await rolledBack(async (tx) => {
        await tx.unsafe(row!.command);
        // A transaction id is assigned on the first write of any kind: none means nothing was written.
        return (await tx<{ xid: string | null }[]>`select txid_current_if_assigned()::text as xid`)[0]!.xid;
      });
      expect(assigned).toBeNull();
    });

    it(`the ${job} job posts once, to the URL in Vault with its secret in ${header}, once pg_net and both secrets exist`, async () => {
      const [row] = await sql<{ command: string }[]>`select command from cron.job where jobname = ${job}`;
      const posted = await rolledBack(async (tx) => {
        await standInNetAndVault(tx, { [url]: 'https://project.example/functions/v1/' + job, [secret]: 'cron-secret-9c1e' });
        await tx.unsafe(row!.command);
        return tx<{ url: string; headers: Record<string, string>; body: unknown }[]>`select url, headers, body from net.posted`;
      });
      expect(posted.map((call) => ({ ...call }))).toEqual([
        {
          url: 'https://project.example/functions/v1/' + job,
          headers: { 'content-type': 'application/json', [header]: 'cron-secret-9c1e' },
          body: {},
        },
      ]);
    });
  }

  it("the job's command removes only WhatsApp carts idle for more than 30 days", async () => {
    const [user] = await sql<{ id: string }[]>`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    const [store] = await sql<
      { id: string }[]
    >`insert into store_settings (user_id, store_name, store_slug) values (${user!.id}, 'S', 'cron-shop') returning id`;
    await sql`insert into cart_sessions (store_id, session_id, updated_at) values
              (${store!.id}, 'wa:256700000001', now() - interval '31 days'),
              (${store!.id}, 'wa:256700000002', now() - interval '29 days'),
              (${store!.id}, 'web:abc', now() - interval '90 days')`;
    const [job] = await sql<{ command: string }[]>`select command from cron.job where jobname = 'expire-whatsapp-carts'`;
    await sql.unsafe(job!.command);
    expect((await sql`select session_id from cart_sessions order by session_id`).map((r) => r.session_id)).toEqual([
      'wa:256700000002',
      'web:abc',
    ]);
  });
});
