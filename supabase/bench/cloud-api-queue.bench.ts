/**
 * Draining the Cloud API template queue on this machine: real Deno serving
 * process-whatsapp-queue, real Postgres, the fake Graph API enforcing Meta's throughput
 * (a bucket of 80 messages a second per number, 130429 beyond it).
 *
 *   1. one number: BENCH_ONE messages (default 800). Sustained messages/s against the cap,
 *      idle time (gaps between sends longer than two send intervals, beyond one interval),
 *      the most sends in any one second, and 130429 refusals (must be 0).
 *   2. 13 numbers at once: BENCH_PER_NUMBER messages each (default 240); messages/s overall.
 *   3. claim cost: claim_whatsapp_messages in batches of 500 on a number allowed 1,000/s
 *      with a burst large enough that only the claim's own work is timed, per message, against
 *      the plainest claim (FOR UPDATE SKIP LOCKED + UPDATE, no limits) in the same run.
 * Each phase checks that every message was sent exactly once. Every wait has a deadline.
 *
 * Run: node --import tsx supabase/bench/cloud-api-queue.bench.ts
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { encryptToken, importTokenKey } from '../functions/_shared/cloud-api-token.ts';
import { startLocalStack } from '../dev/local-stack';

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

/** An organisation with `numbers` business numbers, one approved template, and `perNumber` queued messages on each. */
async function seed(numbers: number, perNumber: number, mps: number) {
  const [org] = await sql<{ id: string }[]>`insert into organizations (name) values ('Bench') returning id`;
  const waba = `waba${randomUUID().slice(0, 8)}`;
  const [template] = await sql<{ id: string }[]>`
    insert into whatsapp_templates (organization_id, business_account_id, name, language, category, status, body, variables)
    values (${org!.id}, ${waba}, 'event_reminder', 'en', 'UTILITY', 'approved', 'Hi {{1}}', '["1"]') returning id`;
  const configs: { id: string; phoneNumberId: string }[] = [];
  for (let n = 0; n < numbers; n++) {
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
  return { organizationId: org!.id, configs };
}

async function drain(deadlineSeconds: number) {
  const started = Date.now();
  const response = await fetch(`${stack.functionsUrl}/process-whatsapp-queue`, {
    method: 'POST',
    headers: { 'x-cron-secret': stack.cloudApiCronSecret, 'content-type': 'application/json' },
    body: JSON.stringify({ until_empty: true, max_seconds: deadlineSeconds, batch: 500 }),
    signal: AbortSignal.timeout((deadlineSeconds + 30) * 1000),
  });
  if (response.status !== 200) throw new Error(`process-whatsapp-queue answered ${response.status}: ${await response.text()}`);
  return { seconds: (Date.now() - started) / 1000, counts: (await response.json()) as Record<string, number> };
}

async function checkExactlyOnce(organizationId: string, expected: number, phoneNumberIds: string[]) {
  const [row] = await sql<{ sent: number; other: number }[]>`
    select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status <> 'sent')::int as other
    from whatsapp_queue where organization_id = ${organizationId}`;
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
    `cloud-api queue drain — ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), loopback, fake Graph API enforcing 80 msg/s per number`,
  );
  graph.setLimits({ throughputMps: 80 });

  // 1. One number at its cap.
  const one = await seed(1, ONE, 80);
  const refusedBefore = graph.refusedByLimits().throughput;
  const run1 = await drain(120);
  const sends = (await checkExactlyOnce(one.organizationId, ONE, [one.configs[0]!.phoneNumberId]))
    .map((m) => m.receivedAt)
    .sort((a, b) => a - b);
  const span = (sends.at(-1)! - sends[0]!) / 1000;
  const step = 1000 / 80;
  let idle = 0;
  for (let i = 1; i < sends.length; i++) {
    const gap = sends[i]! - sends[i - 1]!;
    if (gap > 2 * step) idle += gap - step;
  }
  let busiest = 0;
  for (let i = 0, j = 0; i < sends.length; i++) {
    while (sends[j]! <= sends[i]! - 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  console.log(
    `one number: ${ONE} messages in ${span.toFixed(2)} s of sending (${run1.seconds.toFixed(2)} s for the whole call) = ${((ONE - 1) / span).toFixed(1)} msg/s against a cap of 80; ` +
      `idle ${((idle / 1000 / span) * 100).toFixed(1)}% (goal < 5%); busiest second ${busiest}; 130429 refusals ${graph.refusedByLimits().throughput - refusedBefore}`,
  );

  // 2. Thirteen numbers at once.
  const many = await seed(NUMBERS, PER_NUMBER, 80);
  const refusedBefore2 = graph.refusedByLimits().throughput;
  const run2 = await drain(120);
  const manySends = (
    await checkExactlyOnce(
      many.organizationId,
      NUMBERS * PER_NUMBER,
      many.configs.map((c) => c.phoneNumberId),
    )
  ).map((m) => m.receivedAt);
  const manySpan = (Math.max(...manySends) - Math.min(...manySends)) / 1000;
  console.log(
    `${NUMBERS} numbers: ${NUMBERS * PER_NUMBER} messages in ${manySpan.toFixed(2)} s of sending = ${((NUMBERS * PER_NUMBER - 1) / manySpan).toFixed(0)} msg/s ` +
      `(cap ${NUMBERS * 80}; goal ≥ 1000); whole call ${run2.seconds.toFixed(2)} s; 130429 refusals ${graph.refusedByLimits().throughput - refusedBefore2}`,
  );

  // 3. Claim cost per message, straight against Postgres.
  await seed(1, CLAIM_ROWS, 1000);
  const plainOrg = await seed(1, CLAIM_ROWS, 1000);
  // Only the claim's own number is active while it is timed.
  await sql`update whatsapp_config set status = 'paused', paused_reason = 'bench' where id = ${plainOrg.configs[0]!.id}`;
  let claimed = 0;
  const t0 = process.hrtime.bigint();
  for (let round = 0; round < 100 && claimed < CLAIM_ROWS; round++) {
    const rows = await sql`select id from claim_whatsapp_messages('bench', 500, interval '1 hour')`;
    claimed += rows.length;
  }
  const claimNs = Number(process.hrtime.bigint() - t0);
  let plain = 0;
  const t1 = process.hrtime.bigint();
  for (let round = 0; round < 100 && plain < CLAIM_ROWS; round++) {
    const rows = await sql`
      with c as (select id from whatsapp_queue where config_id = ${plainOrg.configs[0]!.id} and status = 'queued'
                 order by priority desc, next_attempt_at, id limit 500 for update skip locked)
      update whatsapp_queue q set status = 'sending', claimed_at = now(), claimed_by = 'bench' from c where q.id = c.id returning q.id`;
    plain += rows.length;
  }
  const plainNs = Number(process.hrtime.bigint() - t1);
  if (claimed !== CLAIM_ROWS || plain !== CLAIM_ROWS) throw new Error(`claimed ${claimed} and ${plain} of ${CLAIM_ROWS}`);
  console.log(
    `claim cost: ${(claimNs / claimed / 1000).toFixed(1)} µs per message with throughput, messaging limit and pair-rate checks; ` +
      `${(plainNs / plain / 1000).toFixed(1)} µs for the plainest SKIP LOCKED claim; ratio ${(claimNs / claimed / (plainNs / plain)).toFixed(1)}×`,
  );
} finally {
  await shutdown();
}
