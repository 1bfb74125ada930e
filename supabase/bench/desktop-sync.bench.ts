/**
 * desktop-sync throughput on this machine: real Deno serving the function, real Postgres,
 * tokens from the fake GoTrue verified by the function, one desktop calling over loopback
 * (the function's own URL, not through the test gateway).
 *
 *   1. push BENCH_CHANGES membership changes (default 10,000: half member rows, half their
 *      join events) in requests of 500, one after another as one desktop's outbox drains;
 *   2. pull BENCH_CHANGES messaging_log rows (written by the shop beforehand, not timed)
 *      from cursor 0 in pages of 2,000 until has_more is false.
 * Baselines in the same run: the same rows written, and read, by plain SQL from this
 * process in one transaction (no HTTP, no JSON, no RLS, no version trigger on the read),
 * so the ratio is the cost of the protocol. Each result is checked (every mutation
 * applied, row counts, every pulled id distinct). Goals: push ≥ 5,000 rows/s, pull
 * ≥ 10,000 rows/s on 2 cores. Every request has a deadline.
 *
 * Run: node --import tsx supabase/bench/desktop-sync.bench.ts   Env: BENCH_CHANGES (10000);
 * BENCH_PG_STATS=1 also prints where Postgres spent the push's time (pg_stat_statements),
 * and how much of each request's wall time was Postgres at all. On Linux each operation also
 * prints its CPU per row in Deno, Postgres and this process (from /proc), the figure that a
 * loaded machine barely changes, and the rates that cost allows.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import type { Mutation, PullResponse, PushResponse } from '../../shared/sync/sync-protocol';
import { startLocalStack } from '../dev/local-stack';
import { cpuMeter, type CpuSplit } from './cpu-split';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 10_000);
const PUSH_BATCH = 500;
const PULL_PAGE = 2_000;
const REQUEST_DEADLINE_MS = 30_000;

const PG_STATS = process.env.BENCH_PG_STATS === '1';
const stack = await startLocalStack({
  quiet: true,
  ...(PG_STATS
    ? {
        clusterSettings: {
          shared_preload_libraries: process.env.BENCH_EXPLAIN ? 'pg_stat_statements,auto_explain' : 'pg_stat_statements',
          ...(process.env.BENCH_EXPLAIN
            ? { 'auto_explain.log_min_duration': '300', 'auto_explain.log_analyze': 'on', 'auto_explain.log_nested_statements': 'on' }
            : {}),
        },
      }
    : {}),
});
const sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
let failed = false;
const check = (ok: boolean, what: string) => {
  if (!ok) {
    failed = true;
    console.error(`CHECK FAILED: ${what}`);
  }
};

try {
  const user = await stack.gotrue.createUser(`bench-${randomUUID().slice(0, 8)}@example.test`, 'bench-password');
  const [org] = await sql<{ id: string }[]>`insert into organizations (name) values ('Bench') returning id`;
  await sql`insert into organization_members (organization_id, user_id, role) values (${org!.id}, ${user.id}, 'owner')`;
  const token = await stack.gotrue.issueAccessToken(user.id, { expiresInSeconds: 3600 });
  const call = async <T>(body: unknown): Promise<T> => {
    const response = await fetch(`${stack.functionsUrl}/desktop-sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
    });
    if (!response.ok) throw new Error(`desktop-sync answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };

  // Warm-up: the function's pool, column types and JWKS, off the clock.
  const clientId = randomUUID();
  await call({ protocol: 1, kind: 'whoami' });

  const groupJid = '120363000000000777@g.us';
  const phone = (i: number) => `9198${String(i).padStart(8, '0')}`;
  const all: Mutation[] = [];
  for (let i = 0; all.length < CHANGES; i += 1) {
    all.push({
      seq: all.length + 1,
      table: 'workshop_group_members',
      op: 'upsert',
      row: {
        group_jid: groupJid,
        lid: null,
        phone: phone(i),
        status: 'active',
        joined_at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
        joined_source: 'live',
        left_at: null,
        left_source: null,
        is_admin: false,
      },
    });
    if (all.length < CHANGES)
      all.push({
        seq: all.length + 1,
        table: 'membership_events',
        op: 'upsert',
        row: {
          event_id: `${clientId}:${i + 1}`,
          group_jid: groupJid,
          lid: null,
          phone: phone(i),
          action: 'joined',
          source: 'live',
          occurred_at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
        },
      });
  }

  if (PG_STATS) {
    await sql`create extension if not exists pg_stat_statements`;
    await sql`select pg_stat_statements_reset()`;
  }
  const meter = await cpuMeter(sql);
  meter?.take();
  const pushStarted = performance.now();
  let applied = 0;
  for (let start = 0; start < all.length; start += PUSH_BATCH) {
    const answer = await call<PushResponse>({
      protocol: 1,
      kind: 'push',
      client_id: clientId,
      mutations: all.slice(start, start + PUSH_BATCH),
    });
    applied += answer.results.filter((r) => r.status === 'applied').length;
  }
  const pushSeconds = (performance.now() - pushStarted) / 1000;
  const pushCpu = meter?.take();
  if (PG_STATS) {
    const top = await sql<{ calls: number; ms: number; query: string }[]>`
      select calls::int, round(total_exec_time + total_plan_time)::int as ms, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 120) as query
      from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time + total_plan_time desc limit 10`;
    const [all] = await sql<{ calls: number; ms: number }[]>`
      select sum(calls)::int as calls, round(sum(total_exec_time + total_plan_time))::int as ms from pg_stat_statements`;
    console.log(`push: Postgres busy ${all!.ms} ms of ${Math.round(pushSeconds * 1000)} ms wall, ${all!.calls} statements; top:`);
    for (const row of top) console.log(`${String(row.ms).padStart(7)} ms ${String(row.calls).padStart(6)} calls  ${row.query}`);
  }
  const [counts] = await sql<{ members: number; events: number }[]>`
    select (select count(*)::int from workshop_group_members where organization_id = ${org!.id}) as members,
           (select count(*)::int from membership_events where organization_id = ${org!.id}) as events`;
  check(applied === CHANGES, `push applied ${applied} of ${CHANGES}`);
  check(
    counts!.members + counts!.events === CHANGES,
    `Postgres holds ${counts!.members} members + ${counts!.events} events, expected ${CHANGES} rows`,
  );

  // Baseline: the same member rows and events written by plain SQL in one transaction (version trigger included).
  const [baseOrg] = await sql<{ id: string }[]>`insert into organizations (name) values ('Bench baseline') returning id`;
  meter?.take();
  const baseStarted = performance.now();
  await sql.begin(async (tx) => {
    for (let start = 0; start < all.length; start += PUSH_BATCH) {
      const batch = all.slice(start, start + PUSH_BATCH);
      const members = batch.filter((m) => m.table === 'workshop_group_members').map((m) => m.row);
      const events = batch.filter((m) => m.table === 'membership_events').map((m) => m.row);
      await tx`insert into workshop_group_members ${tx(members.map((r) => ({ organization_id: baseOrg!.id, group_jid: r.group_jid as string, phone: r.phone as string, status: 'active', joined_at: r.joined_at as string, joined_source: 'live' })))}`;
      if (events.length)
        await tx`insert into membership_events ${tx(events.map((r) => ({ organization_id: baseOrg!.id, event_id: r.event_id as string, group_jid: r.group_jid as string, phone: r.phone as string, action: 'joined', source: 'live', occurred_at: r.occurred_at as string })))}`;
    }
  });
  const baseSeconds = (performance.now() - baseStarted) / 1000;
  const baseCpu = meter?.take();

  // The shop's log, written as the webhook would (one store of the organisation), not timed.
  const [store] = await sql<{ id: string }[]>`
    insert into store_settings (user_id, organization_id, store_name, store_slug) values (${user.id}, ${org!.id}, 'Bench store', ${`bench-${randomUUID().slice(0, 8)}`}) returning id`;
  await sql`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id)
            select ${store!.id}, '2567' || lpad(g::text, 8, '0'), 'inbound', jsonb_build_object('text', 'Hello ' || g), 'processed', 'wamid.bench.' || g
            from generate_series(1, ${CHANGES}) g`;

  meter?.take();
  const pullStarted = performance.now();
  const ids = new Set<string>();
  let cursor = 0;
  let pages = 0;
  for (;;) {
    const answer = await call<PullResponse>({
      protocol: 1,
      kind: 'pull',
      client_id: clientId,
      cursors: { messaging_log: cursor },
      limit: PULL_PAGE,
    });
    const page = answer.tables.messaging_log;
    if (!page || page.status !== 'changes') throw new Error('pull answered no page for messaging_log');
    for (const change of page.changes) if (change.op === 'upsert') ids.add(String(change.row.id));
    check(page.cursor >= cursor, 'cursor went back');
    cursor = page.cursor;
    pages += 1;
    if (!page.has_more || pages > CHANGES / PULL_PAGE + 5) break;
  }
  const pullSeconds = (performance.now() - pullStarted) / 1000;
  const pullCpu = meter?.take();
  check(ids.size === CHANGES, `pulled ${ids.size} distinct messaging_log rows of ${CHANGES}`);

  meter?.take();
  const readStarted = performance.now();
  const raw =
    await sql`select id, store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id, template_name, template_language, error_message, updated_at, sync_version
                        from messaging_log where store_id = ${store!.id} order by sync_version`;
  const readSeconds = (performance.now() - readStarted) / 1000;
  const readCpu = meter?.take();
  check(raw.length === CHANGES, `baseline read ${raw.length} rows`);

  const rate = (n: number, s: number) => Math.round(n / s);
  console.log(`desktop-sync on ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}, ${CHANGES} rows each`);
  console.log(
    `  push membership changes: ${pushSeconds.toFixed(2)} s = ${rate(CHANGES, pushSeconds)} rows/s in ${Math.ceil(CHANGES / PUSH_BATCH)} requests (goal ≥ 5000)`,
  );
  console.log(
    `    baseline, plain SQL insert: ${baseSeconds.toFixed(2)} s = ${rate(CHANGES, baseSeconds)} rows/s; protocol costs ×${(pushSeconds / baseSeconds).toFixed(1)}`,
  );
  console.log(
    `  pull messaging_log: ${pullSeconds.toFixed(2)} s = ${rate(CHANGES, pullSeconds)} rows/s in ${pages} requests (goal ≥ 10000)`,
  );
  console.log(
    `    baseline, plain SQL select: ${readSeconds.toFixed(2)} s = ${rate(CHANGES, readSeconds)} rows/s; protocol costs ×${(pullSeconds / readSeconds).toFixed(1)}`,
  );
  if (pushCpu && baseCpu && pullCpu && readCpu) {
    console.log('  CPU per row (nearly load-independent; /proc ticks are 10 ms, so ±1 µs/row at 10,000 rows):');
    for (const [name, cpu] of [
      ['push', pushCpu],
      ['push baseline', baseCpu],
      ['pull', pullCpu],
      ['pull baseline', readCpu],
    ] as const)
      console.log(`    ${name.padEnd(14)} ${describeCpu(cpu)}`);
  }
} catch (error) {
  failed = true;
  console.error(error);
  console.error(stack.functions.output().slice(-3000));
} finally {
  await sql.end();
  await stack.stop();
}
process.exit(failed ? 1 : 0);

/**
 * µs of CPU per row in each process, and the rates that cost implies with nothing else
 * running: the server's (Deno + Postgres) on 2 cores when several desktops call at once, and
 * one desktop's, whose requests wait for each other (every process in turn).
 */
function describeCpu(cpu: CpuSplit): string {
  const perRow = (seconds: number) => ((1e6 * seconds) / CHANGES).toFixed(1);
  const server = cpu.deno + cpu.postgres;
  const all = server + cpu.bench;
  return (
    `Deno ${perRow(cpu.deno)} + Postgres ${perRow(cpu.postgres)} + bench process ${perRow(cpu.bench)} = ${perRow(all)} µs/row; ` +
    `ceiling: server on 2 cores ${Math.round((2 * CHANGES) / server)} rows/s, one desktop ${Math.round(CHANGES / all)} rows/s`
  );
}
