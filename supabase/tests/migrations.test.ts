import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, bootstrapSupabase, migrationFiles } from '../dev/migrate';
import { type Database, startDatabase } from '../dev/postgres-cluster';
import { postgresRequirement } from './support/requirements';
import { seedTenant } from './support/tenants';

const pg = postgresRequirement();

describe.skipIf(!pg.available)('migrations', () => {
  let database: Database;
  let sql: postgres.Sql;
  let applied: string[];

  beforeAll(async () => {
    database = await startDatabase();
    await bootstrapSupabase(database.url);
    applied = await applyMigrations(database.url);
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await database?.stop();
  });

  it('apply from zero in order, where pg_cron is absent, and are never applied twice', async () => {
    expect(applied).toEqual(migrationFiles());
    expect(await sql`select 1 from pg_extension where extname = 'pg_cron'`).toEqual([]);
    expect(await applyMigrations(database.url)).toEqual([]);
  });

  it('are named <version>_<name>.sql like the Supabase CLI expects, versions strictly increasing', () => {
    const versions = migrationFiles().map((file) => file.split('_')[0]!);
    expect(versions).toEqual([...new Set(versions)].sort());
    expect(versions.every((v) => /^\d{14}$/.test(v))).toBe(true);
  });

  it('publish membership and messaging tables to realtime', async () => {
    const published = (
      await sql<{ tablename: string }[]>`select tablename from pg_publication_tables where pubname = 'supabase_realtime'`
    ).map((r) => r.tablename);
    expect(published).toEqual(
      expect.arrayContaining(['workshop_group_members', 'membership_events', 'messaging_log', 'scheduled_whatsapp_messages']),
    );
  });

  it('publish every shop table the Inbox and Orders pages show, so a payment, a delivery or a STOP pokes the desktop', async () => {
    const published = (
      await sql<{ tablename: string }[]>`select tablename from pg_publication_tables where pubname = 'supabase_realtime'`
    ).map((r) => r.tablename);
    expect(published).toEqual(
      expect.arrayContaining(['messaging_log', 'orders', 'payment_transactions', 'deliveries', 'customer_channel_opt_in']),
    );
  });

  it("index messaging_log only where a query reads it: a reply's row enters no per-customer index, and a customer's latest inbound message is still found through one", async () => {
    const indexes = (
      await sql<{ definition: string }[]>`
        select pg_get_indexdef(indexrelid) as definition from pg_index where indrelid = 'public.messaging_log'::regclass`
    ).map((r) => r.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON public\.messaging_log USING /, '$1'));
    expect(indexes.filter((d) => d.includes('customer_phone'))).toEqual([
      "btree (store_id, customer_phone, created_at) WHERE (message_type = 'inbound'::text)",
    ]);
    expect(indexes.some((d) => /^btree \(store_id, created_at/.test(d))).toBe(false);

    const tenant = await seedTenant(sql, 'ix');
    await sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      await tx`set local enable_bitmapscan = off`;
      const plan = (
        await tx.unsafe(
          `explain (costs off) select max(created_at) from public.messaging_log
           where store_id = $1 and customer_phone = $2 and message_type = 'inbound'`,
          [tenant.storeId, '256700000001'],
        )
      )
        .map((r) => r['QUERY PLAN'] as string)
        .join('\n');
      expect(plan).toMatch(/Index Only Scan .*messaging_log_inbound_by_customer_idx/);
    });
  });

  it('keep phone columns nullable where Cloud API may omit the sender', async () => {
    const [column] =
      await sql`select is_nullable from information_schema.columns where table_name = 'messaging_log' and column_name = 'customer_phone'`;
    expect(column).toEqual({ is_nullable: 'YES' });
  });

  it('refuse a second log row for the same wamid and keep the seed statuses', async () => {
    const tenant = await seedTenant(sql, 'm');
    const insert = (wamid: string, status = 'received') => sql`
      insert into messaging_log (store_id, message_type, message_payload, status, whatsapp_message_id)
      values (${tenant.storeId}, 'inbound', '{}', ${status}, ${wamid})`;
    await insert('wamid.same');
    await expect(insert('wamid.same')).rejects.toThrow(/duplicate key/);
    // The sales channel's statuses, plus 'queued' (a payment notice logged in the settling transaction, sent after it).
    await expect(insert('wamid.other', 'pending')).rejects.toThrow(/check constraint/);
    const [check] = await sql<{ definition: string }[]>`
      select pg_get_constraintdef(oid) as definition from pg_constraint where conname = 'messaging_log_status_check'`;
    for (const status of ['queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'received', 'processed'])
      expect(check!.definition).toContain(`'${status}'`);
  });

  it('keep the membership event log and the ledger append-only', async () => {
    await seedTenant(sql, 'n');
    await expect(sql`update membership_events set action = 'left'`).rejects.toThrow(/append-only/);
    await expect(sql`delete from store_ledger_entries`).rejects.toThrow(/append-only/);
  });

  it('store one membership row per group and phone', async () => {
    const tenant = await seedTenant(sql, 'o');
    const [member] = await sql<{ group_jid: string; phone: string }[]>`
      select group_jid, phone from workshop_group_members where organization_id = ${tenant.organizationId}`;
    await expect(sql`insert into workshop_group_members (organization_id, group_jid, phone)
                     values (${tenant.organizationId}, ${member!.group_jid}, ${member!.phone})`).rejects.toThrow(/duplicate key/);
    await expect(sql`insert into workshop_group_members (organization_id, group_jid)
                     values (${tenant.organizationId}, ${member!.group_jid})`).rejects.toThrow(/check constraint/);
  });
});
