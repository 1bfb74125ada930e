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

  it('the reconciliation job does nothing (and does not fail) until pg_net and its Vault secrets exist', async () => {
    const [job] = await sql<{ command: string }[]>`select command from cron.job where jobname = 'reconcile-payments'`;
    expect(job!.command).toContain('x-reconcile-secret');
    await sql.unsafe(job!.command);
  });

  it('the queue drain does nothing (and does not fail) until pg_net and its Vault secrets exist', async () => {
    const [job] = await sql<{ command: string }[]>`select command from cron.job where jobname = 'process-whatsapp-queue'`;
    expect(job!.command).toContain('x-cron-secret');
    await sql.unsafe(job!.command);
  });

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
