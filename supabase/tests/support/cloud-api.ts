import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { encryptToken, importTokenKey } from '../../functions/_shared/cloud-api-token.ts';
import type { FakeTemplate } from '../../dev/fake-graph-api';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../dev/local-stack';
import { sign } from './meta';

/**
 * Template messaging as an organisation meets it: a business number whose token is sealed
 * with the functions' key, templates at the fake Graph API, a signed-in editor calling
 * queue-whatsapp, the processor started as pg_cron starts it, and Meta's webhooks signed
 * with the app secret.
 */

export interface CloudOrg {
  organizationId: string;
  userId: string;
  configId: string;
  phoneNumberId: string;
  businessAccountId: string;
  accessToken: string;
  /** A bearer token of the signed-in editor. */
  jwt: string;
}

export interface CloudHarness {
  stack: LocalStack;
  sql: postgres.Sql;
  organization(options?: {
    messagingLimit?: number | null;
    templates?: FakeTemplate[];
    role?: 'owner' | 'member' | 'viewer';
  }): Promise<CloudOrg>;
  /** Runs sync-whatsapp-templates as pg_cron does. */
  syncTemplates(): Promise<unknown>;
  templateId(org: CloudOrg, name: string): Promise<string>;
  queue(org: CloudOrg, body: Record<string, unknown>, jwt?: string): Promise<{ status: number; body: QueueAnswer }>;
  process(body?: Record<string, unknown>): Promise<{ status: number; body: Record<string, number> }>;
  postWebhook(body: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export interface QueueAnswer {
  queued: { phone: string; id: string }[];
  already_queued: { phone: string }[];
  refused: { phone: string; reason: string }[];
  error?: string;
}

export const approved = (name: string, body: string, extra: Partial<FakeTemplate> = {}): FakeTemplate => ({
  id: String(Math.floor(Math.random() * 1e15)),
  name,
  language: 'en',
  category: 'UTILITY',
  status: 'APPROVED',
  components: [{ type: 'BODY', text: body }],
  ...extra,
});

let phoneSequence = 0;
/** A valid Ugandan mobile number, new for each call. */
export function newRecipient(): string {
  phoneSequence += 1;
  return `2567${String(process.pid % 100).padStart(2, '0')}${String(phoneSequence).padStart(6, '0')}`;
}

export async function startCloudHarness(options: LocalStackOptions = {}): Promise<CloudHarness> {
  const stack = await startLocalStack(options);
  const sql = postgres(stack.databaseUrl, { max: 4, onnotice: () => {} });
  const key = await importTokenKey(stack.cloudApiTokenKey);
  const graph = stack.graph!;
  // Through the gateway, which follows the functions across a restart.
  const fn = (name: string) => `${stack.projectUrl}/functions/v1/${name}`;

  return {
    stack,
    sql,
    async organization(o = {}) {
      const [org] = await sql<
        { id: string }[]
      >`insert into organizations (name, default_country) values (${`Org ${randomUUID().slice(0, 6)}`}, 'UG') returning id`;
      const user = await stack.gotrue.createUser(`editor-${randomUUID().slice(0, 8)}@example.test`, `pw-${randomUUID()}`);
      await sql`insert into organization_members (organization_id, user_id, role) values (${org!.id}, ${user.id}, ${o.role ?? 'owner'})`;
      const phoneNumberId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
      const businessAccountId = `waba${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const accessToken = `EAAG-${randomUUID()}`;
      const [config] = await sql<{ id: string }[]>`
        insert into whatsapp_config (organization_id, phone_number_id, business_account_id, access_token_encrypted, webhook_verify_token, messaging_limit)
        values (${org!.id}, ${phoneNumberId}, ${businessAccountId}, ${await encryptToken(key, accessToken)}, ${`verify-${randomUUID()}`},
                ${o.messagingLimit === undefined ? null : o.messagingLimit}) returning id`;
      graph.setTemplates(businessAccountId, [phoneNumberId], o.templates ?? [approved('event_reminder', 'Hi {{1}}, {{2}} starts {{3}}.')]);
      return {
        organizationId: org!.id,
        userId: user.id,
        configId: config!.id,
        phoneNumberId,
        businessAccountId,
        accessToken,
        jwt: await stack.gotrue.issueAccessToken(user.id),
      };
    },
    async syncTemplates() {
      const response = await fetch(fn('sync-whatsapp-templates'), {
        method: 'POST',
        headers: { 'x-cron-secret': stack.cloudApiCronSecret },
      });
      const body = (await response.json()) as { accounts?: { error?: string }[] };
      const failed = body.accounts?.filter((a) => a.error) ?? [];
      if (response.status !== 200 || failed.length > 0)
        throw new Error(`template sync failed: ${response.status} ${JSON.stringify(body)}\n${stack.functions.output().slice(-2000)}`);
      return body;
    },
    async templateId(org, name) {
      const [row] = await sql<
        { id: string }[]
      >`select id from whatsapp_templates where organization_id = ${org.organizationId} and name = ${name}`;
      if (!row) throw new Error(`template ${name} not synced`);
      return row.id;
    },
    async queue(org, body, jwt) {
      const response = await fetch(fn('queue-whatsapp'), {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt ?? org.jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          organization_id: org.organizationId,
          config_id: org.configId,
          idempotency_key: `req-${randomUUID()}`,
          ...body,
        }),
      });
      const answer = { status: response.status, body: (await response.json()) as QueueAnswer };
      if (answer.status >= 500) throw new Error(`queue-whatsapp failed:\n${stack.functions.output().slice(-3000)}`);
      return answer;
    },
    async process(body = { until_empty: false, max_seconds: 20 }) {
      const response = await fetch(fn('process-whatsapp-queue'), {
        method: 'POST',
        headers: { 'x-cron-secret': stack.cloudApiCronSecret, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch((error: unknown) => {
        throw new Error(`process-whatsapp-queue did not answer (${String(error)}):\n${stack.functions.output().slice(-3000)}`);
      });
      return { status: response.status, body: (await response.json()) as Record<string, number> };
    },
    postWebhook(body) {
      const raw = JSON.stringify(body);
      return fetch(fn('whatsapp-webhook'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, stack.appSecret) },
        body: raw,
      });
    },
    async stop() {
      await sql.end();
      await stack.stop();
    },
  };
}
