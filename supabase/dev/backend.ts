/**
 * `npm run backend`: the hosted backend on this machine — throwaway Postgres with the
 * migrations applied, the edge functions in Deno, and a fake Graph API that prints the
 * replies instead of sending them. Ctrl-C removes everything again.
 *
 * Environment (all optional): DATABASE_URL (use that server instead of a throwaway
 * cluster), WHATSAPP_APP_SECRET, GRAPH_API_TOKEN, GRAPH_API_BASE_URL (a real Graph API
 * instead of the fake), PUBLIC_SITE_URL, FUNCTIONS_PORT, SEED_DEMO_STORE=0 to skip the
 * demo store.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { startLocalStack } from './local-stack';

async function seedDemoStore(databaseUrl: string): Promise<{ phoneNumberId: string; verifyToken: string }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const phoneNumberId = '100000000001';
  const verifyToken = `demo-${randomUUID()}`;
  try {
    await sql.begin(async (tx) => {
      const [user] = await tx<
        { id: string }[]
      >`insert into auth.users (id, email) values (gen_random_uuid(), 'owner@demo.test') returning id`;
      const [store] = await tx<{ id: string }[]>`
        insert into store_settings (user_id, store_name, store_slug, currency) values (${user!.id}, 'Demo Duka', 'demo-duka', 'UGX') returning id`;
      await tx`insert into business_channel_settings (store_id, wa_phone_number_id, webhook_verify_token)
               values (${store!.id}, ${phoneNumberId}, ${verifyToken})`;
      await tx`insert into store_payment_settings (store_id, api_version, country_code, default_network)
               values (${store!.id}, 'v4', 'UG', 'MTN')`;
      await tx`insert into products (store_id, sku, name, price, stock_quantity) values
               (${store!.id}, 'TSHIRT-M', 'T-shirt (M)', 25000, 20),
               (${store!.id}, 'MUG', 'Mug', 7500, null),
               (${store!.id}, 'CAP', 'Cap', 12000, 0)`;
    });
  } finally {
    await sql.end();
  }
  return { phoneNumberId, verifyToken };
}

const stack = await startLocalStack({
  appSecret: process.env.WHATSAPP_APP_SECRET || 'local-app-secret',
  graphApiToken: process.env.GRAPH_API_TOKEN || 'local-graph-token',
  ...(process.env.PUBLIC_SITE_URL ? { publicSiteUrl: process.env.PUBLIC_SITE_URL } : { publicSiteUrl: 'http://localhost:3000' }),
  ...(process.env.GRAPH_API_BASE_URL ? { graphApiBaseUrl: process.env.GRAPH_API_BASE_URL } : {}),
  ...(process.env.FUNCTIONS_PORT ? { functionsPort: Number(process.env.FUNCTIONS_PORT) } : {}),
  flutterwaveSecretHash: process.env.FLUTTERWAVE_WEBHOOK_SECRET_HASH || 'local-flutterwave-hash',
  reconcileSecret: process.env.RECONCILE_PAYMENTS_SECRET || 'local-reconcile-secret',
  quiet: false,
  onSignInCode: (email, code) => console.log(`→ sign-in code for ${email}: ${code}`),
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the backend…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const demo = process.env.SEED_DEMO_STORE === '0' ? null : await seedDemoStore(stack.databaseUrl);
const coordinator = await seedCoordinator();

/** A coordinator who can sign in from the console (password or emailed code) and owns an organisation. */
async function seedCoordinator(): Promise<{ email: string; password: string }> {
  const email = 'coordinator@demo.test';
  const password = 'demo-password';
  const user = await stack.gotrue.createUser(email, password);
  const sql = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      const [org] = await tx<
        { id: string }[]
      >`insert into organizations (name, default_country) values ('Demo Workshops', 'IN') returning id`;
      await tx`insert into organization_members (organization_id, user_id, role) values (${org!.id}, ${user.id}, 'owner')`;
    });
  } finally {
    await sql.end();
  }
  return { email, password };
}
const lines = [
  'Backend running.',
  `  Functions:  ${stack.functionsUrl}   (webhook: ${stack.functionsUrl}/whatsapp-webhook)`,
  `  Database:   ${stack.databaseUrl}`,
  `  Project URL: ${stack.projectUrl}   (for the console's Settings → Hosted backend; /auth/v1 is a fake GoTrue, /functions/v1 the functions)`,
  `  Publishable key: ${stack.publishableKey}   — create a user: POST ${stack.projectUrl}/auth/v1/otp {"email": …}, the code is printed below`,
  `  Graph API:  ${stack.graph ? `${stack.graph.baseUrl} (fake: replies are printed below)` : process.env.GRAPH_API_BASE_URL}`,
  `  App secret: ${process.env.WHATSAPP_APP_SECRET ? '(from WHATSAPP_APP_SECRET)' : 'local-app-secret'}  — sign POST bodies with it (X-Hub-Signature-256)`,
];
lines.push(
  `  Flutterwave: ${stack.flutterwave?.baseUrl} (fake; approve a charge with POST ${stack.flutterwave?.baseUrl}/_fake/charges/<charge id>/succeeded)`,
);
lines.push(
  `  Payments:   ${stack.functionsUrl}/process-payment, webhook secret hash ${process.env.FLUTTERWAVE_WEBHOOK_SECRET_HASH ? '(from FLUTTERWAVE_WEBHOOK_SECRET_HASH)' : 'local-flutterwave-hash'}, reconcile secret ${process.env.RECONCILE_PAYMENTS_SECRET ? '(from RECONCILE_PAYMENTS_SECRET)' : 'local-reconcile-secret'}`,
);
lines.push(`  Sign in:    ${coordinator.email} / ${coordinator.password} (owner of "Demo Workshops"), or any email with a code`);
if (demo) lines.push(`  Demo store: phone_number_id ${demo.phoneNumberId}, verify token ${demo.verifyToken}, SKUs TSHIRT-M, MUG, CAP`);
lines.push('Press Ctrl-C to stop.');
console.log(lines.join('\n'));

if (stack.graph) {
  const graph = stack.graph;
  let printed = 0;
  setInterval(() => {
    for (const message of graph.sent.slice(printed)) console.log(`→ reply to ${message.to}: ${message.body.replace(/\n/g, ' ⏎ ')}`);
    printed = graph.sent.length;
  }, 250).unref();
}
