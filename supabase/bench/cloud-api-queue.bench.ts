/**
 * Draining the Cloud API template queue on this machine: real Deno serving
 * process-whatsapp-queue, real Postgres, the fake Graph API enforcing Meta's throughput
 * (a bucket of 80 messages a second per number, 130429 beyond it).
 *
 *   1. one number: BENCH_ONE messages (default 800). Sustained messages/s against the cap,
 *      idle time (gaps between sends longer than two send intervals, beyond one interval),
 *      the most sends in any one second, and 130429 refusals (must be 0).
 *   2. 13 numbers at once: BENCH_PER_NUMBER messages each (default 240); messages/s overall
 *      (over the arrivals, and from the first send's slot to the last arrival, which a late
 *      first send cannot flatter), after an unreported warm-up, alternating twice between the
 *      13 numbers in one organisation (their queue writes share the organisation's
 *      sync-version lock) and in 13 organisations. For each: CPU per message of Deno, Postgres
 *      and this process (load generator + fake Graph API), which hardly depends on the
 *      machine's load, the 2-core ceiling it implies, and how many Postgres backends were
 *      waiting on a lock on average (sampled every 5 ms).
 *   3. claim cost: claim_whatsapp_messages in batches of 500 on a number allowed 1,000/s
 *      with a burst large enough that only the claim's own work is timed, per message, against
 *      the previous claim (a plpgsql loop per number and per row, loaded from its migration)
 *      and the plainest claim (FOR UPDATE SKIP LOCKED + UPDATE, no limits), the three
 *      alternating batch by batch in the same run.
 * Each phase checks that every message was sent exactly once. Every wait has a deadline.
 *
 * Run: node --import tsx supabase/bench/cloud-api-queue.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';
import { encryptToken, importTokenKey } from '../functions/_shared/cloud-api-token.ts';
import { startLocalStack } from '../dev/local-stack';
import { cpuMeter, type CpuSplit, describeSplit } from './cpu-split';

const ONE = Number(process.env.BENCH_ONE ?? 800);
const PER_NUMBER = Number(process.env.BENCH_PER_NUMBER ?? 240);
const NUMBERS = 13;
const CLAIM_ROWS = 5000;

const stack = await startLocalStack({ cloudApiSendConcurrency: 3000, cloudApiDbPoolSize: 8 });
const sql = postgres(stack.databaseUrl, { max: 4, onnotice: () => {} });
const graph = stack.graph!;
const key = await importTokenKey(stack.cloudApiTokenKey);

async function shutdown() {
  await sql.end();
  await stack.stop();
}
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));

let phoneSequence = 0;
const nextPhone = () => `2567${String(10_000_000 + ++phoneSequence).slice(-8)}`;

/** An organisation with one approved template. */
async function organisation() {
  const [org] = await sql<{ id: string }[]>`insert into organizations (name) values ('Bench') returning id`;
  const waba = `waba${randomUUID().slice(0, 8)}`;
  const [template] = await sql<{ id: string }[]>`
    insert into whatsapp_templates (organization_id, business_account_id, name, language, category, status, body, variables)
    values (${org!.id}, ${waba}, 'event_reminder', 'en', 'UTILITY', 'approved', 'Hi {{1}}', '["1"]') returning id`;
  return { org, waba, template };
}

/**
 * `numbers` business numbers with `perNumber` queued messages on each, all in one
 * organisation, or each in its own (`separate`).
 */
async function seed(numbers: number, perNumber: number, mps: number, separate = false) {
  let { org, waba, template } = await organisation();
  const organizationIds = [org!.id];
  const configs: { id: string; phoneNumberId: string }[] = [];
  for (let n = 0; n < numbers; n++) {
    if (separate && n > 0) {
      ({ org, waba, template } = await organisation());
      organizationIds.push(org!.id);
    }
    const phoneNumberId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
    const [config] = await sql<{ id: string }[]>`
      insert into whatsapp_config (organization_id, phone_number_id, business_account_id, access_token_encrypted, webhook_verify_token,
                                   messaging_limit, throughput_mps)
      values (${org!.id}, ${phoneNumberId}, ${waba}, ${await encryptToken(key, `token-${n}`)}, ${`verify-${randomUUID()}`}, null, ${mps})
      returning id`;
    configs.push({ id: config!.id, phoneNumberId });
    const phones = Array.from({ length: perNumber }, nextPhone);
    await sql`
      insert into whatsapp_queue (organization_id, config_id, template_id, template_name, template_language, category, parameters, recipient, idempotency_key)
      select ${org!.id}, ${config!.id}, ${template!.id}, 'event_reminder', 'en', 'UTILITY', '["Asha"]', p, 'bench:' || p
      from unnest(${phones}::text[]) as p`;
  }
  return { organizationIds, configs };
}

let lastDrainStarted = 0;
async function drain(deadlineSeconds: number) {
  const started = Date.now();
  lastDrainStarted = started;
  const response = await fetch(`${stack.functionsUrl}/process-whatsapp-queue`, {
    method: 'POST',
    headers: { 'x-cron-secret': stack.cloudApiCronSecret, 'content-type': 'application/json' },
    body: JSON.stringify({ until_empty: true, max_seconds: deadlineSeconds, batch: 500 }),
    signal: AbortSignal.timeout((deadlineSeconds + 30) * 1000),
  });
  if (response.status !== 200) throw new Error(`process-whatsapp-queue answered ${response.status}: ${await response.text()}`);
  return { seconds: (Date.now() - started) / 1000, counts: (await response.json()) as Record<string, number> };
}

async function checkExactlyOnce(organizationIds: string[], expected: number, phoneNumberIds: string[]) {
  const [row] = await sql<{ sent: number; other: number }[]>`
    select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status <> 'sent')::int as other
    from whatsapp_queue where organization_id = any(${organizationIds}::uuid[])`;
  const ids = new Set(phoneNumberIds);
  const recorded = graph.sent.filter((m) => ids.has(m.phoneNumberId) && m.wamid);
  const distinct = new Set(recorded.map((m) => `${m.phoneNumberId}:${m.to}`)).size;
  if (row!.sent !== expected || row!.other !== 0 || recorded.length !== expected || distinct !== expected) {
    throw new Error(
      `expected ${expected} messages each sent once: ${row!.sent} rows sent, ${row!.other} not, ${recorded.length} sends recorded (${distinct} distinct)`,
    );
  }
  return recorded;
}

try {
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' / ',
      )}; cloud-api queue drain — ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), loopback, fake Graph API enforcing 80 msg/s per number`,
  );
  graph.setLimits({ throughputMps: 80 });

  // 1. One number at its cap.
  const one = await seed(1, ONE, 80);
  const refusedBefore = graph.refusedByLimits().throughput;
  const run1 = await drain(120);
  const sends = (await checkExactlyOnce(one.organizationIds, ONE, [one.configs[0]!.phoneNumberId]))
    .map((m) => m.receivedAt)
    .sort((a, b) => a - b);
  const span = (sends.at(-1)! - sends[0]!) / 1000;
  const step = 1000 / 80;
  const idleIn = (times: number[]) => {
    let idle = 0;
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      if (gap > 2 * step) idle += gap - step;
    }
    return idle;
  };
  const idle = idleIn(sends);
  // The same measure over the send slots the claims handed out: idle there is the claims'
  // (the plan ran dry), idle only in the arrivals is sends going out later than planned.
  const slots = (
    await sql<{ t: Date }[]>`select not_before as t from whatsapp_queue where organization_id = ${one.organizationIds[0]!} order by 1`
  ).map((r) => r.t.getTime());
  const planIdle = idleIn(slots);
  const late = sends.map((t, i) => t - slots[i]!).sort((a, b) => a - b);
  // From the moment the first send was due to the last arrival: a late first send cannot shorten it.
  const sustained = (ONE - 1) / ((sends.at(-1)! - slots[0]!) / 1000);
  let busiest = 0;
  for (let i = 0, j = 0; i < sends.length; i++) {
    while (sends[j]! <= sends[i]! - 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  console.log(
    `one number: ${ONE} messages in ${span.toFixed(2)} s of sending (${run1.seconds.toFixed(2)} s for the whole call) = ${((ONE - 1) / span).toFixed(1)} msg/s against a cap of 80; ` +
      `${sustained.toFixed(1)} msg/s from the first slot to the last arrival; idle ${((idle / 1000 / span) * 100).toFixed(1)}% (goal < 5%), of which in the claims' slot plan ${((planIdle / 1000 / span) * 100).toFixed(1)}%; ` +
      `sends after their slot by ${late[Math.floor(late.length / 2)]!.toFixed(0)} ms (median), ${late[Math.floor(late.length * 0.99)]!.toFixed(0)} ms (p99); busiest second ${busiest}; 130429 refusals ${graph.refusedByLimits().throughput - refusedBefore}`,
  );

  // 2. Thirteen numbers at once, in one organisation and in thirteen.
  const meter = await cpuMeter(sql);
  const manyRun = async (separate: boolean, perNumber = PER_NUMBER, report = true) => {
    const many = await seed(NUMBERS, perNumber, 80, separate);
    const refusedBefore2 = graph.refusedByLimits().throughput;
    meter?.take();
    let sampling = true;
    let samples = 0;
    let waiting = 0;
    const sampler = (async () => {
      const stopAt = Date.now() + 150_000;
      while (sampling && Date.now() < stopAt) {
        const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`;
        samples += 1;
        waiting += row!.n;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const run2 = await drain(120);
    sampling = false;
    await sampler;
    const cpu: CpuSplit | null = meter?.take() ?? null;
    const manySends = (
      await checkExactlyOnce(
        many.organizationIds,
        NUMBERS * perNumber,
        many.configs.map((c) => c.phoneNumberId),
      )
    ).map((m) => m.receivedAt);
    const manySpan = (Math.max(...manySends) - Math.min(...manySends)) / 1000;
    const [firstSlot] = await sql<{ t: Date }[]>`
      select min(not_before) as t from whatsapp_queue where organization_id = any(${many.organizationIds}::uuid[])`;
    const fromFirstSlot = (Math.max(...manySends) - firstSlot!.t.getTime()) / 1000;
    const firstAfter = (Math.min(...manySends) - lastDrainStarted) / 1000;
    const messages = NUMBERS * perNumber;
    if (!report) return;
    const label = separate ? `${NUMBERS} organisations` : 'one organisation';
    console.log(
      `${NUMBERS} numbers (${label}): ${messages} messages in ${manySpan.toFixed(2)} s of sending = ${((messages - 1) / manySpan).toFixed(0)} msg/s, ` +
        `${((messages - 1) / fromFirstSlot).toFixed(0)} msg/s from the first slot to the last arrival (cap ${NUMBERS * 80}; goal ≥ 1000); whole call ${run2.seconds.toFixed(2)} s, the first send ${firstAfter.toFixed(2)} s into it; 130429 refusals ${graph.refusedByLimits().throughput - refusedBefore2}; ` +
        `backends waiting on a lock ${(waiting / Math.max(1, samples)).toFixed(2)} on average`,
    );
    if (cpu) {
      const total = cpu.deno + cpu.postgres + cpu.bench;
      console.log(`  CPU: ${describeSplit(cpu, run2.seconds, messages)}`);
      console.log(
        `  CPU per message ${((1000 * total) / messages).toFixed(2)} ms in all (Deno + Postgres ${((1000 * (cpu.deno + cpu.postgres)) / messages).toFixed(2)} ms): ` +
          `2-core ceiling ${((2 * messages) / total).toFixed(0)} msg/s with the fake Graph API on the same cores, ` +
          `${((2 * messages) / (cpu.deno + cpu.postgres)).toFixed(0)} msg/s without it`,
      );
    }
  };
  // Each variant twice, alternating, after a warm-up run that is not reported (the first
  // multi-number drain pays for connections and compilation the later ones do not).
  await manyRun(true, 24, false);
  for (let round = 0; round < 2; round++) {
    await manyRun(false);
    await manyRun(true);
  }

  // 3. Claim cost per message, straight against Postgres: the claim, the previous claim and
  // the plainest one take turns, each on a number of its own that is the only active one
  // while it is timed.
  const previous = readFileSync(new URL('../migrations/20261201004000_whatsapp_cloud_api.sql', import.meta.url), 'utf8').match(
    /create function public\.claim_whatsapp_messages\([\s\S]*?\n\$\$;\n/,
  );
  if (!previous) throw new Error('the previous claim was not found in its migration');
  await sql.unsafe(previous[0].replace('public.claim_whatsapp_messages(', 'public.bench_claim_row_loop('));
  const claimSets = [await seed(1, CLAIM_ROWS, 1000), await seed(1, CLAIM_ROWS, 1000), await seed(1, CLAIM_ROWS, 1000)];
  const only = (i: number) => sql`
    update whatsapp_config set status = case when id = ${claimSets[i]!.configs[0]!.id} then 'active' else 'paused' end,
      paused_reason = case when id = ${claimSets[i]!.configs[0]!.id} then null else 'bench' end`;
  const ways = [
    () => sql`select id from claim_whatsapp_messages('bench', 500, interval '1 hour')`,
    () => sql`select id from bench_claim_row_loop('bench', 500, interval '1 hour')`,
    () => sql`
      with c as (select id from whatsapp_queue where config_id = ${claimSets[2]!.configs[0]!.id} and status = 'queued'
                 order by priority desc, next_attempt_at, id limit 500 for update skip locked)
      update whatsapp_queue q set status = 'sending', claimed_at = now(), claimed_by = 'bench' from c where q.id = c.id returning q.id`,
  ];
  const claimedBy = [0, 0, 0];
  const nsBy = [0, 0, 0];
  for (let round = 0; round < 100 && claimedBy.some((n) => n < CLAIM_ROWS); round++) {
    for (let i = 0; i < ways.length; i++) {
      if (claimedBy[i]! >= CLAIM_ROWS) continue;
      await only(i);
      const t0 = process.hrtime.bigint();
      const rows = await ways[i]!();
      nsBy[i]! += Number(process.hrtime.bigint() - t0);
      claimedBy[i]! += rows.length;
    }
  }
  if (claimedBy.some((n) => n !== CLAIM_ROWS)) throw new Error(`claimed ${claimedBy.join(', ')} of ${CLAIM_ROWS} each`);
  const [setBased, rowLoop, plainest] = nsBy.map((ns) => ns / CLAIM_ROWS / 1000) as [number, number, number];
  console.log(
    `claim cost: ${setBased.toFixed(1)} µs per message (one statement for every number, with throughput, messaging limit and pair-rate checks); ` +
      `previous claim (a loop per number and row) ${rowLoop.toFixed(1)} µs; plainest SKIP LOCKED claim ${plainest.toFixed(1)} µs; ` +
      `ratios ${(setBased / plainest).toFixed(1)}× the plainest, ${(rowLoop / setBased).toFixed(1)}× faster than the previous`,
  );
  console.log(
    `load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  );
} finally {
  await shutdown();
}
