import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, bootstrapSupabase } from '../dev/migrate';
import { type Database, startDatabase } from '../dev/postgres-cluster';
import { postgresRequirement } from './support/requirements';
import { seedTenant, type Tenant } from './support/tenants';

const pg = postgresRequirement();

/** Tables whose owners may change their own rows (seed 004: "owners manage"); every other table is read-only to users. */
const OWNER_WRITABLE = new Set(['store_settings', 'business_channel_settings', 'customer_channel_opt_in', 'products', 'store_payment_settings', 'membership_webhook_keys']);
/** The workshop data the desktop syncs as its signed-in user: owners, admins and members edit it. */
const EDITOR_WRITABLE = new Set(['whatsapp_sessions', 'whatsapp_groups', 'workshops', 'leads', 'lead_assignments', 'workshop_group_members',
  'message_templates', 'workshop_automation_config', 'scheduled_whatsapp_messages', 'sync_clients']);

type Scope = { kind: 'organization' | 'store'; column: string };

class Rollback extends Error {
  constructor(readonly result: unknown) {
    super('rollback');
  }
}

describe.skipIf(!pg.available)('row level security on every public table', () => {
  let database: Database;
  let sql: postgres.Sql;
  let tables: { name: string; scope: Scope | null; rls: boolean; policies: number }[];
  let a: Tenant;
  let b: Tenant;
  let stranger: string;

  beforeAll(async () => {
    database = await startDatabase();
    await bootstrapSupabase(database.url);
    await applyMigrations(database.url);
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    a = await seedTenant(sql, 'a');
    b = await seedTenant(sql, 'b');
    stranger = (await sql<{ id: string }[]>`insert into auth.users (id, email) values (gen_random_uuid(), 'stranger@example.test') returning id`)[0]!.id;

    const rows = await sql<{ name: string; rls: boolean; columns: string[]; policies: number }[]>`
      select c.relname as name, c.relrowsecurity as rls,
             array(select attname::text from pg_attribute where attrelid = c.oid and attnum > 0 and not attisdropped) as columns,
             (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`;
    tables = rows.map((row) => ({
      name: row.name,
      rls: row.rls,
      policies: row.policies,
      scope: row.name === 'organizations' ? { kind: 'organization', column: 'id' }
        : row.name === 'store_settings' ? { kind: 'store', column: 'id' }
        : row.columns.includes('organization_id') ? { kind: 'organization', column: 'organization_id' }
        : row.columns.includes('store_id') ? { kind: 'store', column: 'store_id' }
        : null,
    }));
  });
  afterAll(async () => {
    await sql?.end();
    await database?.stop();
  });

  const tenantKey = (tenant: Tenant, scope: Scope) => (scope.kind === 'organization' ? tenant.organizationId : tenant.storeId);

  /** Runs `query` as an API role with these JWT claims, on a connection that is not exempt from RLS, and rolls back. */
  async function as<T>(role: 'anon' | 'authenticated' | 'service_role', sub: string | null, query: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(`set local role ${role}`);
        await tx`select set_config('request.jwt.claims', ${JSON.stringify({ role, ...(sub ? { sub } : {}) })}, true)`;
        throw new Rollback(await query(tx));
      });
    } catch (error) {
      if (error instanceof Rollback) return error.result as T;
      throw error;
    }
    throw new Error('unreachable');
  }

  const count = (tx: Pick<postgres.Sql, 'unsafe'>, table: string, scope: Scope, key?: string) =>
    key
      ? tx.unsafe<{ n: number }[]>(`select count(*)::int as n from public.${table} where ${scope.column} = $1`, [key]).then((r) => r[0]!.n)
      : tx.unsafe<{ n: number }[]>(`select count(*)::int as n from public.${table}`).then((r) => r[0]!.n);

  it('finds the tables, and each belongs to an organisation or a store', () => {
    expect(tables.length).toBeGreaterThanOrEqual(20);
    expect(tables.filter((t) => !t.scope).map((t) => t.name)).toEqual([]);
  });

  it('has RLS enabled and at least one policy on every table', () => {
    expect(tables.filter((t) => !t.rls || t.policies === 0).map((t) => t.name)).toEqual([]);
  });

  it('every table has fixture rows for both tenants (add them to support/tenants.ts)', async () => {
    const missing: string[] = [];
    for (const { name, scope } of tables) {
      for (const tenant of [a, b]) if ((await count(sql, name, scope!, tenantKey(tenant, scope!))) === 0) missing.push(name);
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('an owner or member sees exactly their own rows', async () => {
    const wrong: string[] = [];
    for (const { name, scope } of tables) {
      const own = await count(sql, name, scope!, tenantKey(a, scope!));
      const seen = await as('authenticated', a.userId, async (tx) => ({ all: await count(tx, name, scope!), own: await count(tx, name, scope!, tenantKey(a, scope!)) }));
      if (seen.all !== own || seen.own !== own) wrong.push(`${name}: saw ${seen.all} (${seen.own} own) of ${own}`);
    }
    expect(wrong).toEqual([]);
  });

  it("a member of another organisation or store sees none of them", async () => {
    const leaks: string[] = [];
    for (const { name, scope } of tables) {
      const seen = await as('authenticated', b.userId, (tx) => count(tx, name, scope!, tenantKey(a, scope!)));
      if (seen !== 0) leaks.push(`${name}: ${seen}`);
    }
    expect(leaks).toEqual([]);
  });

  it('a signed-in user with no organisation or store sees nothing', async () => {
    const leaks: string[] = [];
    for (const { name, scope } of tables) {
      const seen = await as('authenticated', stranger, (tx) => count(tx, name, scope!));
      if (seen !== 0) leaks.push(`${name}: ${seen}`);
    }
    expect(leaks).toEqual([]);
  });

  it('anon sees nothing', async () => {
    const leaks: string[] = [];
    for (const { name, scope } of tables) {
      const seen = await as('anon', null, (tx) => count(tx, name, scope!));
      if (seen !== 0) leaks.push(`${name}: ${seen}`);
    }
    expect(leaks).toEqual([]);
  });

  it('the service role sees every row', async () => {
    const wrong: string[] = [];
    for (const { name, scope } of tables) {
      const total = await count(sql, name, scope!);
      const seen = await as('service_role', null, (tx) => count(tx, name, scope!));
      if (seen !== total || total < 2) wrong.push(`${name}: ${seen} of ${total}`);
    }
    expect(wrong).toEqual([]);
  });

  it('owners change only the tables they manage and the synced workshop data; logs, orders and money are written by the service role alone', async () => {
    const writable: string[] = [];
    for (const { name, scope } of tables) {
      const updated = await as('authenticated', a.userId, async (tx) =>
        (await tx.unsafe(`update public.${name} set ${scope!.column} = ${scope!.column} where ${scope!.column} = $1`, [tenantKey(a, scope!)])).count);
      if (updated > 0) writable.push(name);
    }
    expect(writable.sort()).toEqual([...OWNER_WRITABLE, ...EDITOR_WRITABLE].sort());
  });

  it("an owner cannot move a row into another tenant's store", async () => {
    const attempt = as('authenticated', a.userId, (tx) => tx`update products set store_id = ${b.storeId} where store_id = ${a.storeId}`);
    await expect(attempt).rejects.toThrow(/row-level security/);
  });

  it('anon cannot read auth.users', async () => {
    await expect(as('anon', null, (tx) => tx`select * from auth.users`)).rejects.toThrow(/permission denied/);
  });
});
