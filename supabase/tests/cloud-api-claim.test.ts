import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, bootstrapSupabase } from '../dev/migrate';
import { type Database, startDatabase } from '../dev/postgres-cluster';
import { postgresRequirement } from './support/requirements';

const pg = postgresRequirement();

interface ClaimedRow {
  id: string;
  config_id: string;
  recipient: string;
  not_before: Date;
}

describe.skipIf(!pg.available)('claim_whatsapp_messages: one statement claims for every number (real Postgres)', () => {
  let database: Database;
  let sql: postgres.Sql;
  let phone = 0;
  const nextPhone = () => `2567${String(20_000_000 + ++phone)}`;

  /** An organisation with `numbers` active numbers sharing one approved template. */
  const organisation = async (numbers: number, options: { mps?: number; limit?: number | null } = {}) => {
    const [org] = await sql<{ id: string }[]>`insert into organizations (name) values ('Claims') returning id`;
    const waba = `waba${randomUUID().slice(0, 8)}`;
    const [template] = await sql<{ id: string }[]>`
      insert into whatsapp_templates (organization_id, business_account_id, name, language, category, status, body, variables)
      values (${org!.id}, ${waba}, 'event_reminder', 'en', 'UTILITY', 'approved', 'Hi {{1}}', '["1"]') returning id`;
    const configs: string[] = [];
    for (let n = 0; n < numbers; n++) {
      const [config] = await sql<{ id: string }[]>`
        insert into whatsapp_config (organization_id, phone_number_id, business_account_id, access_token_encrypted, webhook_verify_token,
                                     messaging_limit, throughput_mps)
        values (${org!.id}, ${String(Math.floor(Math.random() * 1e12))}, ${waba}, 'v1:sealed', ${`verify-${randomUUID()}`},
                ${options.limit === undefined ? null : options.limit}, ${options.mps ?? 1000})
        returning id`;
      configs.push(config!.id);
    }
    return { id: org!.id, templateId: template!.id, configs };
  };
  /** Queues one message per recipient on `config`, due `agoSeconds` ago (so their order is known). */
  const queue = async (org: { id: string; templateId: string }, config: string, recipients: string[], agoSeconds = 0) => {
    const rows = await sql<{ id: string }[]>`
      insert into whatsapp_queue (organization_id, config_id, template_id, template_name, template_language, category, parameters,
                                  recipient, idempotency_key, next_attempt_at)
      select ${org.id}, ${config}, ${org.templateId}, 'event_reminder', 'en', 'UTILITY', '["Asha"]', r, ${randomUUID()} || ':' || r,
             now() - make_interval(secs => ${agoSeconds})
      from unnest(${recipients}::text[]) as r
      returning id`;
    return rows.map((r) => r.id);
  };
  const claim = (db: postgres.Sql, worker: string, rows: number, burst = '1 hour', pairGap = '6 seconds') =>
    db<ClaimedRow[]>`select id, config_id, recipient, not_before
                     from claim_whatsapp_messages(${worker}, ${rows}, ${burst}::interval, ${pairGap}::interval)`;
  const statusOf = async (ids: string[]) =>
    (await sql<{ status: string }[]>`select status from whatsapp_queue where id = any(${ids}::uuid[])`).map((r) => r.status);

  beforeAll(async () => {
    database = await startDatabase();
    await bootstrapSupabase(database.url);
    await applyMigrations(database.url);
    sql = postgres(database.url, { max: 10, onnotice: () => {} });
  }, 120_000);
  // The claim serves every number of the database: each test claims only for its own.
  beforeEach(async () => {
    await sql`update whatsapp_config set status = 'paused', paused_reason = 'an earlier test' where status = 'active'`;
  });
  afterAll(async () => {
    await sql?.end();
    await database?.stop();
  });

  it('eight claims at once over three numbers hand out every due row exactly once', async () => {
    const org = await organisation(3);
    const ids = (await Promise.all(org.configs.map((c) => queue(org, c, Array.from({ length: 400 }, nextPhone))))).flat();
    const handedOut: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let round = 0; round < 200; round++) {
          const rows = await claim(sql, `w${worker}`, 60);
          handedOut.push(...rows.map((r) => r.id));
          if (rows.length === 0 && (await statusOf(ids)).every((s) => s === 'sending')) return;
        }
      }),
    );
    expect(handedOut).toHaveLength(ids.length);
    expect(new Set(handedOut)).toEqual(new Set(ids));
    expect((await statusOf(ids)).every((s) => s === 'sending')).toBe(true);
  });

  it("holds each number's throughput across concurrent claims: no two of its send slots are closer than 1/throughput", async () => {
    const org = await organisation(2, { mps: 50 });
    for (const c of org.configs) await queue(org, c, Array.from({ length: 200 }, nextPhone));
    const claimed: ClaimedRow[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let round = 0; round < 10; round++) claimed.push(...(await claim(sql, `w${worker}`, 500, '1 second')));
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    for (const config of org.configs) {
      const slots = claimed
        .filter((r) => r.config_id === config)
        .map((r) => r.not_before.getTime())
        .sort((a, b) => a - b);
      expect(slots.length).toBeGreaterThan(0);
      // One second of slots ahead at most, plus what the time spent claiming allowed.
      expect(slots.length).toBeLessThanOrEqual(Math.ceil(50 * (1 + elapsed)) + 1);
      const closest = Math.min(...slots.slice(1).map((t, i) => t - slots[i]!));
      expect(closest).toBeGreaterThanOrEqual(20 - 0.01);
    }
  });

  it("an organisation's messaging limit holds across its numbers claimed together", async () => {
    const org = await organisation(2, { limit: 3 });
    for (const c of org.configs) await queue(org, c, [nextPhone(), nextPhone(), nextPhone()]);
    const rows = await claim(sql, 'w', 100);
    expect(rows).toHaveLength(3);
    const [held] = await sql<{ n: number }[]>`
      select count(*)::int as n from whatsapp_queue
      where organization_id = ${org.id} and status = 'queued' and error_message = 'Waiting: the daily limit of 3 recipients is reached'
        and next_attempt_at > now() + interval '23 hours'`;
    expect(held!.n).toBe(3);
  });

  it("a recipient's messages are claimed one per claim, in the queue's order, while others go together", async () => {
    const org = await organisation(1);
    const [config] = org.configs;
    const person = nextPhone();
    const first = await queue(org, config!, [person], 30);
    const second = await queue(org, config!, [person], 20);
    const third = await queue(org, config!, [person], 10);
    const others = await queue(org, config!, [nextPhone(), nextPhone()], 5);
    const order: string[][] = [];
    for (let round = 0; round < 3; round++) order.push((await claim(sql, 'w', 100, '1 hour', '0 seconds')).map((r) => r.id));
    expect(order[0]!.sort()).toEqual([...first, ...others].sort());
    expect(order.slice(1)).toEqual([second, third]);
  });

  it('a claim whose transaction never commits leaves its rows to the next claim; a committed claim past its lease is marked unknown, never claimed again', async () => {
    const org = await organisation(1);
    const ids = await queue(org, org.configs[0]!, Array.from({ length: 5 }, nextPhone));
    const dying = postgres(database.url, { max: 1, onnotice: () => {} });
    const lost = await dying
      .begin(async (tx) => {
        expect((await claim(tx as unknown as postgres.Sql, 'dies', 100)).map((r) => r.id).sort()).toEqual([...ids].sort());
        throw new Error('the processor died before committing');
      })
      .catch((error: Error) => error.message);
    await dying.end();
    expect(lost).toBe('the processor died before committing');
    expect(await statusOf(ids)).toEqual(ids.map(() => 'queued'));

    const taken = await claim(sql, 'lives', 100);
    expect(taken.map((r) => r.id).sort()).toEqual([...ids].sort());
    await sql`update whatsapp_queue set claimed_at = now() - interval '1 hour' where id = any(${ids}::uuid[])`;
    const [expired] = await sql<{ n: number }[]>`select expire_whatsapp_claims(interval '2 minutes') as n`;
    expect(expired!.n).toBeGreaterThanOrEqual(5);
    expect(await statusOf(ids)).toEqual(ids.map(() => 'unknown'));
    expect((await claim(sql, 'next', 100)).filter((r) => ids.includes(r.id))).toEqual([]);
  });
});
