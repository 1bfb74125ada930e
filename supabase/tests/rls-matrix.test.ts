import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, bootstrapSupabase } from '../dev/migrate';
import { type Database, startDatabase } from '../dev/postgres-cluster';
import { postgresRequirement } from './support/requirements';
import { seedTenant, type Tenant } from './support/tenants';

const pg = postgresRequirement();

/** Tables whose owners may change their own rows (owners manage their store's configuration); every other table is read-only to users. */
const OWNER_WRITABLE = new Set([
  'store_settings',
  'business_channel_settings',
  'customer_channel_opt_in',
  'products',
  'store_payment_settings',
  'membership_webhook_keys',
]);
/** The workshop data the desktop syncs as its signed-in user: owners, admins and members edit it. */
const EDITOR_WRITABLE = new Set([
  'whatsapp_sessions',
  'whatsapp_groups',
  'workshops',
  'leads',
  'lead_assignments',
  'workshop_group_members',
  'message_templates',
  'workshop_automation_config',
  'scheduled_whatsapp_messages',
  'message_receipts',
  'sync_clients',
  'whatsapp_event_tasks',
]);

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
    stranger = (
      await sql<{ id: string }[]>`insert into auth.users (id, email) values (gen_random_uuid(), 'stranger@example.test') returning id`
    )[0]!.id;

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
      scope:
        row.name === 'organizations'
          ? { kind: 'organization', column: 'id' }
          : row.name === 'store_settings'
            ? { kind: 'store', column: 'id' }
            : row.columns.includes('organization_id')
              ? { kind: 'organization', column: 'organization_id' }
              : row.columns.includes('store_id')
                ? { kind: 'store', column: 'store_id' }
                : null,
    }));
  });
  afterAll(async () => {
    await sql?.end();
    await database?.stop();
  });

  const tenantKey = (tenant: Tenant, scope: Scope) => (scope.kind === 'organization' ? tenant.organizationId : tenant.storeId);

  /** Runs `query` as an API role with these JWT claims, on a connection that is not exempt from RLS, and rolls back. */
  async function as<T>(
    role: 'anon' | 'authenticated' | 'service_role',
    sub: string | null,
    query: (tx: postgres.TransactionSql) => Promise<T>,
  ): Promise<T> {
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

  /** Rows an UPDATE as this user changed; a table the role may not update at all (permission denied) changed none. */
  const updatedRows = async (role: 'authenticated', userId: string, name: string, scope: Scope, key: string) => {
    try {
      return await as(
        role,
        userId,
        async (tx) =>
          (await tx.unsafe(`update public.${name} set ${scope.column} = ${scope.column} where ${scope.column} = $1`, [key])).count,
      );
    } catch (error) {
      if (error instanceof Error && /permission denied/.test(error.message)) return 0;
      throw error;
    }
  };

  /** Rows this connection can see; a role without SELECT on the table at all (permission denied) sees none. */
  const count = async (tx: Pick<postgres.Sql, 'unsafe'>, table: string, scope: Scope, key?: string) => {
    try {
      const rows = key
        ? await tx.unsafe<{ n: number }[]>(`select count(*)::int as n from public.${table} where ${scope.column} = $1`, [key])
        : await tx.unsafe<{ n: number }[]>(`select count(*)::int as n from public.${table}`);
      return rows[0]!.n;
    } catch (error) {
      if (error instanceof Error && /permission denied/.test(error.message)) return 0;
      throw error;
    }
  };

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
      const seen = await as('authenticated', a.userId, async (tx) => ({
        all: await count(tx, name, scope!),
        own: await count(tx, name, scope!, tenantKey(a, scope!)),
      }));
      if (seen.all !== own || seen.own !== own) wrong.push(`${name}: saw ${seen.all} (${seen.own} own) of ${own}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a member of another organisation or store sees none of them', async () => {
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
      const updated = await updatedRows('authenticated', a.userId, name, scope!, tenantKey(a, scope!));
      if (updated > 0) writable.push(name);
    }
    expect(writable.sort()).toEqual([...OWNER_WRITABLE, ...EDITOR_WRITABLE].sort());
  });

  it("a store belongs to its organisation: a viewer reads the organisation's and its store's rows but changes none, a member edits the workshop data but manages no store", async () => {
    const join = async (role: 'viewer' | 'member') => {
      const [user] = await sql<
        { id: string }[]
      >`insert into auth.users (id, email) values (gen_random_uuid(), ${`${role}-${Date.now()}@example.test`}) returning id`;
      await sql`insert into organization_members (organization_id, user_id, role) values (${a.organizationId}, ${user!.id}, ${role})`;
      return user!.id;
    };
    const viewer = await join('viewer');
    const member = await join('member');
    try {
      const unseen: string[] = [];
      const writes: Record<string, string[]> = { viewer: [], member: [] };
      for (const { name, scope } of tables) {
        // Keys and sync clients are the managers' and their owners' business, not every reader's.
        if (['membership_webhook_keys', 'sync_clients', 'sync_rejections'].includes(name)) continue;
        const own = await count(sql, name, scope!, tenantKey(a, scope!));
        const seen = await as('authenticated', viewer, (tx) => count(tx, name, scope!, tenantKey(a, scope!)));
        if (seen !== own) unseen.push(`${name}: ${seen} of ${own}`);
      }
      for (const [role, userId] of [
        ['viewer', viewer],
        ['member', member],
      ] as const) {
        for (const { name, scope } of tables) {
          const updated = await updatedRows('authenticated', userId, name, scope!, tenantKey(a, scope!));
          if (updated > 0) writes[role]!.push(name);
        }
      }
      expect(unseen).toEqual([]);
      expect(writes.viewer).toEqual([]);
      // The fixture's sync client belongs to the owner, so a member cannot advance it.
      expect(writes.member!.sort()).toEqual([...EDITOR_WRITABLE].filter((t) => t !== 'sync_clients').sort());
    } finally {
      await sql`delete from organization_members where user_id in (${viewer}, ${member})`;
    }
  });

  it("an owner cannot move a row into another tenant's store", async () => {
    const attempt = as('authenticated', a.userId, (tx) => tx`update products set store_id = ${b.storeId} where store_id = ${a.storeId}`);
    await expect(attempt).rejects.toThrow(/row-level security/);
  });

  it('anon cannot read auth.users', async () => {
    await expect(as('anon', null, (tx) => tx`select * from auth.users`)).rejects.toThrow(/permission denied/);
  });

  describe("an owner tries to take another tenant's WhatsApp number", () => {
    const operatorOnly = /attached to a store by the platform operator/;
    const numberOf = async (tenant: Tenant) =>
      (await sql<{ n: string }[]>`select wa_phone_number_id as n from business_channel_settings where store_id = ${tenant.storeId}`)[0]!.n;

    it("cannot point their channel at another tenant's number", async () => {
      const theirs = await numberOf(b);
      await expect(
        as(
          'authenticated',
          a.userId,
          (tx) => tx`update business_channel_settings set wa_phone_number_id = ${theirs} where store_id = ${a.storeId}`,
        ),
      ).rejects.toThrow(operatorOnly);
    });

    it('cannot point their channel at an unclaimed number, nor create a channel holding one', async () => {
      await expect(
        as(
          'authenticated',
          a.userId,
          (tx) => tx`update business_channel_settings set wa_phone_number_id = '100000000999' where store_id = ${a.storeId}`,
        ),
      ).rejects.toThrow(operatorOnly);
      await expect(
        as('authenticated', a.userId, async (tx) => {
          await tx`delete from business_channel_settings where store_id = ${a.storeId}`;
          await tx`insert into business_channel_settings (store_id, wa_phone_number_id, webhook_verify_token) values (${a.storeId}, '100000000999', 'mine')`;
        }),
      ).rejects.toThrow(operatorOnly);
    });

    it("cannot reach another tenant's channel at all", async () => {
      const changed = await as(
        'authenticated',
        a.userId,
        async (tx) =>
          (await tx`update business_channel_settings set wa_phone_number_id = null, is_active = false where store_id = ${b.storeId}`).count,
      );
      expect(changed).toBe(0);
    });

    it('keeps the rest of their channel settings, and may detach their own number', async () => {
      const row = await as(
        'authenticated',
        a.userId,
        async (tx) =>
          (
            await tx<{ webhook_verify_token: string; wa_phone_number_id: string | null }[]>`
          update business_channel_settings set webhook_verify_token = 'rotated', wa_phone_number_id = null
          where store_id = ${a.storeId} returning webhook_verify_token, wa_phone_number_id`
          )[0],
      );
      expect(row).toEqual({ webhook_verify_token: 'rotated', wa_phone_number_id: null });
    });

    it('the service role (the operator, after verifying the business account) attaches a number', async () => {
      const attached = await as(
        'service_role',
        null,
        async (tx) =>
          (await tx`update business_channel_settings set wa_phone_number_id = '100000000999' where store_id = ${a.storeId}`).count,
      );
      expect(attached).toBe(1);
    });

    it('a number stays with one channel even while that channel is switched off', async () => {
      const theirs = await numberOf(b);
      const attempt = as('service_role', null, async (tx) => {
        await tx`update business_channel_settings set is_active = false where store_id = ${b.storeId}`;
        await tx`update business_channel_settings set wa_phone_number_id = ${theirs} where store_id = ${a.storeId}`;
      });
      await expect(attempt).rejects.toThrow(/business_channel_settings_wa_phone_number_id_key/);
    });
  });

  describe("an owner tries to change a customer's consent", () => {
    const consentOf = async (tenant: Tenant) =>
      (await sql<{ customer_phone: string }[]>`select customer_phone from customer_channel_opt_in where store_id = ${tenant.storeId}`)[0]!
        .customer_phone;

    it('cannot re-subscribe a customer who sent STOP', async () => {
      const phone = await consentOf(a);
      const attempt = as('authenticated', a.userId, async (tx) => {
        // The customer's STOP, as the webhook writes it.
        await tx.unsafe('reset role');
        await tx`update customer_channel_opt_in set is_opted_in = false, consent_source = 'STOP' where store_id = ${a.storeId} and customer_phone = ${phone}`;
        await tx.unsafe('set local role authenticated');
        await tx`update customer_channel_opt_in set is_opted_in = true where store_id = ${a.storeId} and customer_phone = ${phone}`;
      });
      await expect(attempt).rejects.toThrow(/Only the customer can opt back in, by sending START/);
    });

    it('cannot opt a new number in, delete a consent record, or forge who consented and when', async () => {
      await expect(
        as(
          'authenticated',
          a.userId,
          (tx) =>
            tx`insert into customer_channel_opt_in (store_id, customer_phone, is_opted_in) values (${a.storeId}, '256799999999', true)`,
        ),
      ).rejects.toThrow(/Only the customer opts in/);
      await expect(
        as('authenticated', a.userId, (tx) => tx`delete from customer_channel_opt_in where store_id = ${a.storeId}`),
      ).rejects.toThrow(/A consent record is kept/);
      const forged = await as(
        'authenticated',
        a.userId,
        async (tx) =>
          (
            await tx<{ consent_source: string | null; consent_at: Date | null }[]>`
          update customer_channel_opt_in set consent_source = 'START', consent_at = '2020-01-01' where store_id = ${a.storeId}
          returning consent_source, consent_at`
          )[0],
      );
      const [stored] = await sql<
        { consent_source: string | null; consent_at: Date | null }[]
      >`select consent_source, consent_at from customer_channel_opt_in where store_id = ${a.storeId}`;
      expect(forged).toEqual(stored);
    });

    it("cannot touch another tenant's consent records", async () => {
      const changed = await as(
        'authenticated',
        a.userId,
        async (tx) => (await tx`update customer_channel_opt_in set is_opted_in = false where store_id = ${b.storeId}`).count,
      );
      expect(changed).toBe(0);
    });

    it('may record an opt-out, which is marked as theirs', async () => {
      const phone = await consentOf(a);
      const row = await as(
        'authenticated',
        a.userId,
        async (tx) =>
          (
            await tx<{ is_opted_in: boolean; consent_source: string }[]>`
          update customer_channel_opt_in set is_opted_in = false, consent_source = 'STOP' where store_id = ${a.storeId} and customer_phone = ${phone}
          returning is_opted_in, consent_source`
          )[0],
      );
      expect(row).toEqual({ is_opted_in: false, consent_source: 'owner' });
    });
  });
  describe('WhatsApp Cloud API numbers, templates and queue', () => {
    it("a member reads their number's settings but never its access token or verify token, not even encrypted", async () => {
      const visible = await as(
        'authenticated',
        a.userId,
        (tx) => tx`select phone_number_id, messaging_limit, status from whatsapp_config where organization_id = ${a.organizationId}`,
      );
      expect(visible).toHaveLength(1);
      for (const column of ['access_token_encrypted', 'webhook_verify_token']) {
        await expect(
          as('authenticated', a.userId, (tx) =>
            tx.unsafe(`select ${column} from whatsapp_config where organization_id = $1`, [a.organizationId]),
          ),
        ).rejects.toThrow(/permission denied/);
      }
      await expect(as('authenticated', a.userId, (tx) => tx`select * from whatsapp_config`)).rejects.toThrow(/permission denied/);
    });

    it('an owner cannot queue a message, change a template or write a delivery log directly: only the functions do, after their checks', async () => {
      const attempts = [
        (tx: postgres.TransactionSql) =>
          tx`insert into whatsapp_queue (organization_id, config_id, template_name, template_language, category, recipient, idempotency_key)
             select organization_id, id, 'event_reminder', 'en', 'UTILITY', '256700000001', 'mine' from whatsapp_config where organization_id = ${a.organizationId}`,
        (tx: postgres.TransactionSql) => tx`update whatsapp_templates set status = 'approved' where organization_id = ${a.organizationId}`,
        (tx: postgres.TransactionSql) =>
          tx`insert into whatsapp_delivery_logs (organization_id, status, occurred_at) values (${a.organizationId}, 'read', now())`,
        (tx: postgres.TransactionSql) => tx`update whatsapp_config set throughput_mps = 1000 where organization_id = ${a.organizationId}`,
      ];
      for (const attempt of attempts) await expect(as('authenticated', a.userId, attempt)).rejects.toThrow(/permission denied/);
    });

    it("the analytics view shows a member only their organisation's sends", async () => {
      const rows = await as(
        'authenticated',
        b.userId,
        (tx) => tx<{ organization_id: string; total: number }[]>`select organization_id, total from whatsapp_analytics`,
      );
      expect(rows.map((r) => r.organization_id)).toEqual([b.organizationId]);
      expect(await as('anon', null, (tx) => tx`select 1 from whatsapp_analytics`).catch((e: Error) => e.message)).toMatch(
        /permission denied/,
      );
    });

    it('an editor switches a reminder off and on but cannot mark it run, nor choose its time', async () => {
      const row = await as(
        'authenticated',
        a.userId,
        async (tx) =>
          (
            await tx<{ status: string; scheduled_for: Date; starts: Date }[]>`
          update whatsapp_event_tasks t set status = 'cancelled', scheduled_for = '2020-01-01'
          from workshops w where w.organization_id = t.organization_id and w.id = t.workshop_id and t.organization_id = ${a.organizationId}
          returning t.status, t.scheduled_for, w.starts_at as starts`
          )[0]!,
      );
      expect(row.status).toBe('cancelled');
      expect(row.scheduled_for.getTime()).toBe(row.starts.getTime() - 24 * 3600_000);
      await expect(
        as(
          'authenticated',
          a.userId,
          (tx) => tx`update whatsapp_event_tasks set status = 'done' where organization_id = ${a.organizationId}`,
        ),
      ).rejects.toThrow(/marked done when it has run/);
    });
  });
});
