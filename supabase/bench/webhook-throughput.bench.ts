/**
 * Sustained inbound throughput of whatsapp-webhook on this machine: real Deno serving
 * the function, real Postgres, replies going to the local fake Graph API, load from
 * autocannon over loopback. For each concurrency it reports how fast Meta's deliveries
 * are acknowledged (the HTTP figures Meta sees) and how fast they are fully processed
 * (command run, reply sent and logged), then checks nothing was lost or duplicated.
 *
 * "refused" counts 503s: deliveries turned away, unstored, because the processing backlog
 * was full (Meta retries them); "processed msg/s" is acknowledged messages over the time
 * until their replies were logged, the sustained rate (an acknowledged rate above it only
 * grows the backlog), and "reply p50/p99" is each message's time from its receipt to its
 * reply being logged. The goal is judged on both rates and the acknowledgement p99. The baseline, measured in the same run, is the same
 * function answering a badly signed delivery (401 before any parsing or database work): the
 * cost of Deno, the router and loopback HTTP alone. Each drain has a deadline, so a lost
 * reply is reported instead of hanging the run.
 *
 * By default each connection sends its next delivery as soon as the last is acknowledged (closed
 * loop): the most the function acknowledges, which outruns processing, so the backlog grows and
 * the reply latency with it. BENCH_RATE caps the offered rate instead, shared by the connections
 * (autocannon's overallRate: each connection still sends on the last answer, until its share of
 * the second is used, then waits for the next second), as Meta's deliveries arrive at the rate
 * customers write: whether the function keeps up with that rate, acknowledging and processing it
 * in step, and at what acknowledgement and reply latency.
 *
 * Run: node --import tsx supabase/bench/webhook-throughput.bench.ts
 * Env: BENCH_DURATION (seconds per concurrency, default 10), BENCH_CONNECTIONS (default 1,10,50),
 * BENCH_RATE (deliveries a second offered by all connections together; default: uncapped),
 * PROCESS_CONCURRENCY (the function's background processing concurrency, default 32).
 */
import { createHmac } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { startLocalStack } from '../dev/local-stack';
import { cpuMeter, describeSplit } from './cpu-split';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,10,50').split(',').map(Number);
// Enough distinct customers that none reaches the 30-a-minute limit.
const CUSTOMERS = 20_000;
const COMMANDS = ['HELP', 'CART', 'ADD MUG 1', 'STATUS'];
const PHONE_NUMBER_ID = '100000000042';
// Every acknowledged message must be handled within this long after the load stops, or the run reports it lost.
const DRAIN_DEADLINE_MS = Number(process.env.BENCH_DRAIN_DEADLINE_MS ?? 60_000);
const GOAL = { connections: 50, messagesPerSecond: 1_000, p99Ms: 100 };
// Deliveries signed ahead per second of load: above any rate this machine reaches.
const PRESIGNED_PER_SECOND = 3_000;
const RATE = process.env.BENCH_RATE === undefined ? null : Number(process.env.BENCH_RATE);
if (RATE !== null && !(RATE > 0 && RATE <= PRESIGNED_PER_SECOND))
  throw new Error(`BENCH_RATE must be a number of deliveries a second from 1 to ${PRESIGNED_PER_SECOND}`);

// BENCH_PG_STATS=1: also print the statements Postgres spent most time on (pg_stat_statements).
const PG_STATS = process.env.BENCH_PG_STATS === '1';
const stack = await startLocalStack({
  keepGraphMessages: false,
  dbPoolSize: 20,
  ...(PG_STATS ? { clusterSettings: { shared_preload_libraries: 'pg_stat_statements' } } : {}),
  ...(process.env.PROCESS_CONCURRENCY ? { processConcurrency: Number(process.env.PROCESS_CONCURRENCY) } : {}),
});
const sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });

async function shutdown() {
  await sql.end();
  await stack.stop();
}
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));

try {
  await sql.begin(async (tx) => {
    const [user] = await tx<
      { id: string }[]
    >`insert into auth.users (id, email) values (gen_random_uuid(), 'bench@example.test') returning id`;
    const [store] = await tx<
      { id: string }[]
    >`insert into store_settings (user_id, store_name, store_slug) values (${user!.id}, 'Bench', 'bench') returning id`;
    await tx`insert into business_channel_settings (store_id, wa_phone_number_id, webhook_verify_token) values (${store!.id}, ${PHONE_NUMBER_ID}, 'bench')`;
    await tx`insert into products (store_id, sku, name, price) values (${store!.id}, 'MUG', 'Mug', 7500)`;
  });

  let sequence = 0;
  const nextDelivery = () => {
    sequence += 1;
    const from = String(256_700_000_000 + (sequence % CUSTOMERS));
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name: 'Bench' }, wa_id: from }],
                messages: [
                  {
                    from,
                    id: `wamid.bench.${sequence}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: COMMANDS[sequence % COMMANDS.length] },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    return { body, signature: `sha256=${createHmac('sha256', stack.appSecret).update(body).digest('hex')}` };
  };
  // Signed before the load starts, so the generator's CPU under load is autocannon's alone: every delivery is
  // still distinct (its own wamid) and correctly signed. A run that outlasts the pool signs on the fly.
  const signedAhead = (count: number) =>
    Array.from({ length: count }, () => {
      const { body, signature } = nextDelivery();
      return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
    });

  /** Counts what the functions' active backends wait on (CPU when nothing), until the deadline. */
  const sampleWaits = async (into: Map<string, number>, until: number) => {
    while (Date.now() < until) {
      const rows = await sql<{ what: string; n: number }[]>`
        select coalesce(wait_event_type || ':' || wait_event, 'on CPU') || '  ' || left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) as what,
          count(*)::int as n from pg_stat_activity
        where application_name = 'edge-functions' and state = 'active' group by 1`;
      for (const row of rows) into.set(row.what, (into.get(row.what) ?? 0) + row.n);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  // Handled = no longer `received`: one statement marks it processed and logs its reply (the final check counts the
  // replies). Read through the partial index of received inbound rows, so polling costs Postgres next to nothing
  // inside the measured window.
  const pendingCount = async () =>
    (await sql<{ n: number }[]>`select count(*)::int as n from messaging_log where status = 'received' and message_type = 'inbound'`)[0]!.n;

  console.log(
    `whatsapp-webhook throughput — ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), load average ${os.loadavg()[0]!.toFixed(1)}, ${DURATION} s per run, loopback, ` +
      (RATE === null ? 'uncapped (each connection sends on the last answer)' : `at most ${RATE} deliveries a second from all connections`),
  );
  const baseline = await autocannon({
    url: `${stack.functionsUrl}/whatsapp-webhook`,
    connections: Math.max(...CONNECTIONS),
    duration: Math.min(DURATION, 5),
    timeout: 30,
    requests: [
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' }, body: nextDelivery().body },
    ],
  });
  // Every one of them must be refused: a badly signed delivery is never accepted.
  const baselineAccepted = baseline['2xx'];
  console.log(
    `baseline: badly signed deliveries (refused before parsing or any database work), ${Math.max(...CONNECTIONS)} conns: ${(baseline.non2xx / baseline.duration).toFixed(0)} req/s, p50 ${baseline.latency.p50} ms, p99 ${baseline.latency.p99} ms`,
  );
  /**
   * Receipt to reply logged, for the inbound rows stored since `since` (a Postgres timestamp): the inbound row's
   * created_at is its acknowledgement transaction's start, the reply's is its finish transaction's start, both on
   * Postgres's clock. Read after the drain, outside the measured window.
   */
  const replyLatency = async (since: Date) =>
    (
      await sql<{ p50: number | null; p99: number | null }[]>`
        select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.99) within group (order by ms) as p99
        from (
          select extract(epoch from (reply.created_at - inbound.created_at)) * 1000 as ms
          from messaging_log inbound
          join messaging_log reply
            on reply.message_type = 'outbound_text' and reply.message_payload ->> 'in_reply_to' = inbound.whatsapp_message_id
          where inbound.message_type = 'inbound' and inbound.created_at >= ${since}
        ) latencies`
    )[0]!;
  const postgresNow = async () => (await sql<{ now: Date }[]>`select now() as now`)[0]!.now;

  // "processed msg/s" is the sustained rate: acknowledged messages over the time until the last of their replies was
  // logged. An acknowledged rate above it is only a backlog growing, which a longer run meets as 503s.
  console.log(
    'conns | acked msg/s | p50 ms | p99 ms | max ms | refused | errors | processed msg/s | drain s | reply p50 ms | reply p99 ms',
  );
  const rows: string[] = [];
  const splits: string[] = [];
  const drainProblems: string[] = [];
  const goal: string[] = [];
  let acknowledged = 0;
  const meter = await cpuMeter(sql);
  const waits = new Map<string, number>();
  for (const connections of CONNECTIONS) {
    const ahead = signedAhead(DURATION * PRESIGNED_PER_SECOND);
    let used = 0;
    const since = await postgresNow();
    meter?.take();
    const started = Date.now();
    const sampling = PG_STATS ? sampleWaits(waits, started + DURATION * 1000) : null;
    const result = await autocannon({
      url: `${stack.functionsUrl}/whatsapp-webhook`,
      connections,
      duration: DURATION,
      timeout: 30,
      ...(RATE === null ? {} : { overallRate: RATE }),
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const signed = ahead[used++];
            if (signed) return { ...request, ...signed };
            const { body, signature } = nextDelivery();
            return { ...request, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
          },
        },
      ],
    });
    const loadEnded = Date.now();
    await sampling;
    let pending = await pendingCount();
    while (pending > 0 && Date.now() - loadEnded < DRAIN_DEADLINE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      pending = await pendingCount();
    }
    if (pending > 0)
      drainProblems.push(
        `${connections} connections: ${pending} acknowledged messages still unhandled ${DRAIN_DEADLINE_MS / 1000} s after the load stopped`,
      );
    const drained = Date.now();
    const cpu = meter?.take();
    if (cpu) {
      const perMessageMs = (1000 * (cpu.deno + cpu.postgres + cpu.bench)) / Math.max(1, result['2xx']);
      splits.push(
        `${String(connections).padStart(5)} | ${describeSplit(cpu, (drained - started) / 1000, result['2xx'])} | ` +
          `all ${perMessageMs.toFixed(2)} ms/msg: at most ${((1000 * os.cpus().length) / perMessageMs).toFixed(0)} msg/s fully processed on ${os.cpus().length} idle cores`,
      );
    }
    acknowledged += result['2xx'];
    const reply = await replyLatency(since);
    const processedRate = result['2xx'] / ((drained - started) / 1000);
    const row = [
      String(connections).padStart(5),
      // Only 2xx count as delivered: a 503 (backlog full) is a delivery Meta will retry.
      (result['2xx'] / result.duration).toFixed(0).padStart(11),
      String(result.latency.p50).padStart(6),
      String(result.latency.p99).padStart(6),
      String(result.latency.max).padStart(6),
      String(result.non2xx).padStart(7),
      String(result.errors + result.timeouts).padStart(6),
      processedRate.toFixed(0).padStart(15),
      ((drained - loadEnded) / 1000).toFixed(1).padStart(7),
      (reply.p50 ?? NaN).toFixed(0).padStart(12),
      (reply.p99 ?? NaN).toFixed(0).padStart(12),
    ].join(' | ');
    rows.push(row);
    console.log(row);
    if (connections === GOAL.connections) {
      const rate = result['2xx'] / result.duration;
      const met = processedRate >= GOAL.messagesPerSecond && rate >= GOAL.messagesPerSecond && result.latency.p99 < GOAL.p99Ms;
      goal.push(
        `goal at ${GOAL.connections} connections${RATE === null ? '' : `, ${RATE}/s offered`}: ≥ ${GOAL.messagesPerSecond} msg/s sustained (processed, reply logged) and acknowledged, ` +
          `acknowledgement p99 < ${GOAL.p99Ms} ms — ${met ? 'met' : 'NOT met'} (sustained ${processedRate.toFixed(0)} msg/s, ` +
          `reply p99 ${(reply.p99 ?? NaN).toFixed(0)} ms; acknowledged ${rate.toFixed(0)} msg/s, p99 ${result.latency.p99} ms)`,
      );
    }
  }
  if (splits.length > 0) {
    console.log(
      `\nCPU from the start of the load until every message was handled (cores busy on average, of ${os.cpus().length}; CPU ms per acknowledged message):\n${splits.join('\n')}`,
    );
  }
  if (goal.length > 0) console.log(`\n${goal.join('\n')}`);

  if (PG_STATS) {
    const samples = [...waits.values()].reduce((a, b) => a + b, 0);
    console.log(`\nWhat the functions' busy Postgres backends were doing, sampled every 20 ms under load (${samples} samples):`);
    const byWait = new Map<string, number>();
    for (const [what, n] of waits) byWait.set(what.split('  ')[0]!, (byWait.get(what.split('  ')[0]!) ?? 0) + n);
    for (const [what, n] of [...byWait.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6))
      console.log(`${((100 * n) / samples).toFixed(1).padStart(6)} %  ${what}`);
    console.log('  by statement (wait, statement text):');
    for (const [what, n] of [...waits.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10))
      console.log(`${((100 * n) / samples).toFixed(1).padStart(6)} %  ${what}`);
    await sql`create extension if not exists pg_stat_statements`;
    const top = await sql<{ calls: number; ms: number; query: string }[]>`
      select calls::int, round(total_exec_time + total_plan_time)::int as ms, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) as query
      from pg_stat_statements order by total_exec_time + total_plan_time desc limit 12`;
    const [all] = await sql<
      { calls: number; ms: number }[]
    >`select sum(calls)::int as calls, round(sum(total_exec_time + total_plan_time))::int as ms from pg_stat_statements`;
    console.log(`\nPostgres time by statement (exec + plan); all statements: ${all!.calls} calls, ${all!.ms} ms:`);
    for (const row of top) console.log(`${String(row.ms).padStart(7)} ms ${String(row.calls).padStart(7)} calls  ${row.query}`);
    // What each messaging_log row costs besides its heap tuple: every index it is entered in (and whether any query
    // of the run read it), every trigger that fires on it, and how many of its updates were HOT (no index entries).
    const indexes = await sql<{ name: string; scans: number; definition: string }[]>`
      select s.indexrelname as name, s.idx_scan::int as scans, pg_get_indexdef(s.indexrelid) as definition
      from pg_stat_user_indexes s where s.relname = 'messaging_log' order by s.idx_scan desc`;
    console.log('\nmessaging_log indexes (scans during the run, definition):');
    for (const index of indexes)
      console.log(
        `${String(index.scans).padStart(8)}  ${index.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON public\.messaging_log USING /, '$1')}`,
      );
    // Whole-table reads grow with the log: a statement whose kept plan scans it costs more with every message.
    const [table] = await sql<{ inserted: number; updated: number; hot: number; seq_scans: number; seq_read: number }[]>`
      select n_tup_ins::int as inserted, n_tup_upd::int as updated, n_tup_hot_upd::int as hot,
        seq_scan::int as seq_scans, seq_tup_read::int as seq_read
      from pg_stat_user_tables where relname = 'messaging_log'`;
    console.log(
      `messaging_log rows: ${table!.inserted} inserted, ${table!.updated} updated, of them ${table!.hot} HOT; ` +
        `${table!.seq_scans} whole-table scans read ${table!.seq_read} rows`,
    );
    const triggers = await sql<{ name: string; definition: string }[]>`
      select tgname as name, pg_get_triggerdef(oid) as definition from pg_trigger
      where tgrelid = 'public.messaging_log'::regclass and not tgisinternal order by tgname`;
    console.log('messaging_log triggers:');
    for (const trigger of triggers) console.log(`  ${trigger.definition.replace(/^CREATE TRIGGER /, '')}`);
  }

  const [counts] = await sql<
    { inbound: number; distinct_inbound: number; processed: number; outbound: number; replied_to: number; failed: number }[]
  >`
    select count(*) filter (where message_type = 'inbound')::int as inbound,
           count(distinct whatsapp_message_id) filter (where message_type = 'inbound')::int as distinct_inbound,
           count(*) filter (where message_type = 'inbound' and status = 'processed')::int as processed,
           count(*) filter (where message_type = 'outbound_text')::int as outbound,
           count(distinct message_payload ->> 'in_reply_to') filter (where message_type = 'outbound_text')::int as replied_to,
           count(*) filter (where message_type = 'outbound_text' and status = 'failed')::int as failed
    from messaging_log`;
  const c = counts!;
  console.log(
    `\nacknowledged (2xx): ${acknowledged}; inbound rows: ${c.inbound} (${c.distinct_inbound} distinct wamids); processed: ${c.processed}; replies: ${c.outbound} to ${c.replied_to} messages (${c.failed} failed sends)`,
  );
  const problems = [
    ...drainProblems,
    baselineAccepted > 0 && `${baselineAccepted} badly signed deliveries were accepted`,
    c.inbound < acknowledged && `${acknowledged - c.inbound} acknowledged messages missing from messaging_log`,
    c.distinct_inbound !== c.inbound && `${c.inbound - c.distinct_inbound} duplicated inbound rows`,
    c.processed !== c.inbound && `${c.inbound - c.processed} inbound messages not processed`,
    c.outbound !== c.replied_to && `${c.outbound - c.replied_to} duplicate replies`,
    c.replied_to !== c.inbound && `${c.inbound - c.replied_to} messages without a reply`,
  ].filter(Boolean);
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' / ')} (1 / 5 / 15 min)`,
  );
  console.log(problems.length === 0 ? 'OK: no message lost or duplicated.' : `PROBLEMS:\n- ${problems.join('\n- ')}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
} finally {
  await shutdown();
}
