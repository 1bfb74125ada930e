/**
 * flutterwave-webhook latency under concurrent deliveries on this machine: real Deno
 * serving the function, real Postgres, the fake Flutterwave answering the re-fetch of
 * each charge, the fake Graph API receiving the confirmations, autocannon over loopback.
 *
 * BENCH_PAYMENTS pending payments (default 2000) are created, then:
 *   1. first deliveries: one signed v4 `charge.completed` per payment, BENCH_CONNECTIONS
 *      at a time (default 50) — each re-fetches the charge and settles it;
 *   2. replays: every delivery again — each must change nothing.
 * Afterwards it checks every payment was credited exactly once (ledger, balance, order,
 * one confirmation each) and prints the Flutterwave calls made per settled payment.
 * The payments are inserted as pending rows, so the bench sees only the webhook's re-fetch
 * of each charge, not the calls that created it; and the fake Flutterwave answers on
 * loopback, so the latencies exclude Flutterwave's real round trip. The baseline, in the
 * same run, is the function refusing badly signed deliveries (no parsing, no database).
 * Bounded by request count, not time; loopback only.
 *
 * Run: node --import tsx supabase/bench/payment-webhook.bench.ts
 * Env: BENCH_PAYMENTS (2000), BENCH_CONNECTIONS (50), PAYMENTS_DB_POOL_SIZE (the function's pool, default 8).
 */
import { createHmac } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { startLocalStack } from '../dev/local-stack';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const AMOUNT = '7500.50';

const stack = await startLocalStack({
  keepGraphMessages: false,
  ...(process.env.PAYMENTS_DB_POOL_SIZE ? { paymentsDbPoolSize: Number(process.env.PAYMENTS_DB_POOL_SIZE) } : {}),
});
const sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
const flw = stack.flutterwave!;

async function shutdown() {
  await sql.end();
  await stack.stop();
}
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));

try {
  const storeId = await sql.begin(async (tx) => {
    const [user] = await tx<
      { id: string }[]
    >`insert into auth.users (id, email) values (gen_random_uuid(), 'bench@example.test') returning id`;
    const [store] = await tx<
      { id: string }[]
    >`insert into store_settings (user_id, store_name, store_slug) values (${user!.id}, 'Bench', 'bench') returning id`;
    await tx`insert into business_channel_settings (store_id, wa_phone_number_id, webhook_verify_token) values (${store!.id}, '100000000043', 'bench')`;
    await tx`insert into store_payment_settings (store_id, country_code) values (${store!.id}, 'UG')`;
    await tx`
      with o as (
        insert into orders (store_id, customer_phone, items, subtotal_amount, total_amount, currency)
        select ${store!.id}, (256700000000 + i)::text, '[{"sku":"MUG","quantity":1}]', ${AMOUNT}, ${AMOUNT}, 'UGX'
        from generate_series(1, ${PAYMENTS}) as i
        returning id, customer_phone
      )
      insert into payment_transactions (store_id, order_id, reference, flw_charge_id, amount, currency, status, customer_phone)
      select ${store!.id}, o.id, 'BENCH-' || (o.customer_phone::bigint - 256700000000), 'chg_bench_' || (o.customer_phone::bigint - 256700000000),
             ${AMOUNT}, 'UGX', 'pending', o.customer_phone
      from o`;
    return store!.id;
  });
  // The customers approved on their phones: Flutterwave reports every charge succeeded.
  for (let i = 1; i <= PAYMENTS; i++) {
    flw.charges.set(`chg_bench_${i}`, {
      id: `chg_bench_${i}`,
      version: 'v4',
      reference: `BENCH-${i}`,
      amount: Number(AMOUNT),
      currency: 'UGX',
      status: 'succeeded',
      reason: null,
      phone: String(256700000000 + i),
      network: 'MTN',
      reported: {},
    });
  }
  flw.resetCounters();

  const delivery = (i: number) => {
    const body = JSON.stringify({
      webhook_id: `wbk_${i}`,
      timestamp: Date.now(),
      type: 'charge.completed',
      data: { id: `chg_bench_${i}`, reference: `BENCH-${i}`, amount: Number(AMOUNT), currency: 'UGX', status: 'succeeded' },
    });
    return { body, signature: createHmac('sha256', stack.flutterwaveSecretHash).update(body).digest('base64') };
  };

  console.log(
    `flutterwave-webhook latency — ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${PAYMENTS} payments, ${CONNECTIONS} concurrent, loopback`,
  );
  const baseline = await autocannon({
    url: `${stack.functionsUrl}/flutterwave-webhook`,
    connections: CONNECTIONS,
    amount: PAYMENTS,
    timeout: 30,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', 'flutterwave-signature': 'bad' }, body: delivery(1).body }],
  });
  const baselineAccepted = baseline['2xx'];
  console.log(
    `baseline: ${PAYMENTS} badly signed deliveries (refused before parsing or any database work): ${(baseline.non2xx / baseline.duration).toFixed(0)} req/s, p50 ${baseline.latency.p50} ms, p99 ${baseline.latency.p99} ms`,
  );
  console.log('phase            | req/s | p50 ms | p99 ms | max ms | non-2xx | errors');
  for (const phase of ['first delivery', 'replay']) {
    let next = 0;
    const result = await autocannon({
      url: `${stack.functionsUrl}/flutterwave-webhook`,
      connections: CONNECTIONS,
      amount: PAYMENTS,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            next += 1;
            const { body, signature } = delivery(next);
            return { ...request, body, headers: { 'content-type': 'application/json', 'flutterwave-signature': signature } };
          },
        },
      ],
    });
    console.log(
      [
        phase.padEnd(16),
        (result['2xx'] / result.duration).toFixed(0).padStart(5),
        String(result.latency.p50).padStart(6),
        String(result.latency.p99).padStart(6),
        String(result.latency.max).padStart(6),
        String(result.non2xx).padStart(7),
        String(result.errors + result.timeouts).padStart(6),
      ].join(' | '),
    );
  }

  // Confirmations are sent after each commit; wait until none is still queued.
  const deadline = Date.now() + 60_000;
  while (
    (await sql<{ n: number }[]>`select count(*)::int as n from messaging_log where status = 'queued'`)[0]!.n > 0 &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [c] = await sql<
    { succeeded: number; processing: number; ledger: number; ledger_sum: string; balance: string; notices: number; sent: number }[]
  >`
    select (select count(*) from payment_transactions where store_id = ${storeId} and status = 'succeeded')::int as succeeded,
           (select count(*) from orders where store_id = ${storeId} and status = 'processing')::int as processing,
           (select count(*) from store_ledger_entries where store_id = ${storeId})::int as ledger,
           (select coalesce(sum(amount), 0)::text from store_ledger_entries where store_id = ${storeId}) as ledger_sum,
           (select coalesce(available_balance, 0)::text from store_balances where store_id = ${storeId} and currency = 'UGX') as balance,
           (select count(*) from messaging_log where store_id = ${storeId} and message_payload ? 'payment_notice')::int as notices,
           (select count(*) from messaging_log where store_id = ${storeId} and message_payload ? 'payment_notice'
              and status = 'accepted' and whatsapp_message_id is not null)::int as sent`;
  const expectedSum = (Number(AMOUNT) * PAYMENTS).toFixed(2);
  console.log(
    `\nsettled: ${c!.succeeded}/${PAYMENTS}; orders processing: ${c!.processing}; ledger entries: ${c!.ledger} (sum ${c!.ledger_sum}); balance ${c!.balance}; confirmations logged ${c!.notices}, sent ${c!.sent}`,
  );
  console.log(
    `Flutterwave calls during ${PAYMENTS * 2} deliveries: ${flw.totalCalls()} ${JSON.stringify(flw.calls)} → ${(flw.totalCalls() / PAYMENTS).toFixed(2)} per settled payment: the webhook's re-fetch only (payments were inserted as pending, so creating them cost nothing here; replays of settled payments call nothing)`,
  );
  const problems = [
    baselineAccepted > 0 && `${baselineAccepted} badly signed deliveries were accepted`,
    c!.succeeded !== PAYMENTS && `${PAYMENTS - c!.succeeded} payments not settled`,
    c!.processing !== PAYMENTS && `${PAYMENTS - c!.processing} orders not processing`,
    c!.ledger !== PAYMENTS && `${c!.ledger} ledger entries for ${PAYMENTS} payments`,
    c!.ledger_sum !== expectedSum && `ledger sum ${c!.ledger_sum} instead of ${expectedSum}`,
    c!.balance !== expectedSum && `balance ${c!.balance} instead of ${expectedSum}`,
    c!.notices !== PAYMENTS && `${c!.notices} confirmations for ${PAYMENTS} payments`,
    c!.sent !== PAYMENTS && `${PAYMENTS - c!.sent} confirmations not sent`,
  ].filter(Boolean);
  console.log(problems.length === 0 ? 'OK: every payment credited exactly once.' : `PROBLEMS:\n- ${problems.join('\n- ')}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
} finally {
  await shutdown();
}
