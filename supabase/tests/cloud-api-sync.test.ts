import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../app/core/database/open-database';
import { createSilentLogger } from '../../app/core/logging/logger';
import { Outbox } from '../../app/core/sync/outbox';
import { type AppliedChanges, PullApplier } from '../../app/core/sync/pull-applier';
import { SyncStateStore } from '../../app/core/sync/sync-state-store';
import type { TablePage } from '../../shared/sync/sync-protocol';
import type { SyncTableName } from '../../shared/sync/sync-tables';
import { FakeClock } from '../../tests/support/fake-clock';
import { makeTempDir } from '../../tests/support/temp-dir';
import { approved, type CloudHarness, type CloudOrg, newRecipient, startCloudHarness } from './support/cloud-api';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

const cloudTables = ['whatsapp_config', 'whatsapp_templates', 'whatsapp_event_tasks', 'whatsapp_queue'] as const;

interface PullAnswer {
  tables: Partial<Record<SyncTableName, TablePage>>;
  version: number;
}

describe.skipIf(!backend.available)('Cloud API records travel down to the console (desktop-sync over real Deno + Postgres)', () => {
  let h: CloudHarness;
  let org: CloudOrg;
  let dir: ReturnType<typeof makeTempDir>;
  let db: Database;
  let applier: PullApplier;

  const pull = async (o: CloudOrg, cursors: Partial<Record<SyncTableName, number>>) => {
    const response = await fetch(`${h.stack.projectUrl}/functions/v1/desktop-sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.jwt}`, apikey: h.stack.publishableKey, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, kind: 'pull', organization_id: o.organizationId, client_id: randomUUID(), cursors }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return { raw: text, body: JSON.parse(text) as PullAnswer };
  };
  /** Pulls the Cloud API tables from this console's cursors and applies them as the sync loop does. */
  const pullIntoConsole = async (o: CloudOrg) => {
    const cursors = Object.fromEntries(cloudTables.map((t) => [t, applier.cursor(t)]));
    const answer = await pull(o, cursors);
    const into: AppliedChanges = { tables: new Set(), workshopIds: new Set(), rows: 0 };
    for (const table of cloudTables) applier.applyPage(table, answer.body.tables[table]!, into);
    return answer;
  };

  beforeAll(async () => {
    h = await startCloudHarness();
    org = await h.organization({
      templates: [approved('event_reminder', 'Hi {{1}}, {{2}} starts {{3}}.'), approved('promo', 'Sale {{1}}', { category: 'MARKETING' })],
    });
    await h.syncTemplates();
    dir = makeTempDir();
    db = openDatabase({ path: join(dir.path, 'console.sqlite') }).db;
    const state = new SyncStateStore(db);
    applier = new PullApplier({ db, outbox: new Outbox(db, state), state, logger: createSilentLogger(), clock: new FakeClock() });
  }, 120_000);
  afterAll(async () => {
    db?.close();
    dir?.remove();
    await h?.stop();
  });

  it("the organisation's number, templates and queued sends reach the console's SQLite, and a send's later outcome follows", async () => {
    const recipient = newRecipient();
    const queued = await h.queue(org, {
      template_id: await h.templateId(org, 'event_reminder'),
      campaign: { id: randomUUID(), name: 'Nudge the Missing' },
      recipients: [{ phone: `+${recipient}`, name: 'Asha', values: ['Asha', 'Baking 101', 'Mon 09:00'] }],
    });
    expect(queued.status, JSON.stringify(queued.body)).toBe(200);

    await pullIntoConsole(org);
    expect(db.prepare('SELECT phone_number_id, business_account_id, status, throughput_mps FROM whatsapp_config').all()).toEqual([
      { phone_number_id: org.phoneNumberId, business_account_id: org.businessAccountId, status: 'active', throughput_mps: 80 },
    ]);
    const templates = db.prepare('SELECT name, category, status, body, variables FROM whatsapp_templates ORDER BY name').all() as {
      name: string;
      variables: string;
    }[];
    expect(templates).toEqual([
      {
        name: 'event_reminder',
        category: 'UTILITY',
        status: 'approved',
        body: 'Hi {{1}}, {{2}} starts {{3}}.',
        variables: '["1","2","3"]',
      },
      { name: 'promo', category: 'MARKETING', status: 'approved', body: 'Sale {{1}}', variables: '["1"]' },
    ]);
    const local = () =>
      db.prepare('SELECT recipient, recipient_name, campaign_name, status, parameters, wamid FROM whatsapp_queue').all() as {
        status: string;
        wamid: string | null;
      }[];
    expect(local()).toEqual([
      {
        recipient,
        recipient_name: 'Asha',
        campaign_name: 'Nudge the Missing',
        status: 'queued',
        parameters: '["Asha","Baking 101","Mon 09:00"]',
        wamid: null,
      },
    ]);

    await h.process();
    await pullIntoConsole(org);
    expect(local()).toEqual([expect.objectContaining({ status: 'sent', wamid: expect.stringMatching(/^wamid\./) })]);
  });

  it('never carries the access token or the verify token, not even sealed', async () => {
    const [secrets] = await h.sql<{ access_token_encrypted: string; webhook_verify_token: string }[]>`
      select access_token_encrypted, webhook_verify_token from whatsapp_config where id = ${org.configId}`;
    const { raw, body } = await pull(org, { whatsapp_config: 0 });
    const page = body.tables.whatsapp_config as Extract<TablePage, { status: 'changes' }>;
    expect(page.changes).toHaveLength(1);
    expect(raw).not.toContain(secrets!.access_token_encrypted);
    expect(raw).not.toContain(secrets!.webhook_verify_token);
    expect(raw).not.toContain(org.accessToken);
    expect(Object.keys((page.changes[0] as { row: Record<string, unknown> }).row)).not.toContain('access_token_encrypted');
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('whatsapp_config');
    expect(columns).not.toContain('access_token_encrypted');
    expect(columns).not.toContain('webhook_verify_token');
  });

  it("a member of another organisation pulls none of this organisation's numbers, templates or sends", async () => {
    const other = await h.organization({ templates: [] });
    const { body } = await pull(other, Object.fromEntries(cloudTables.map((t) => [t, 0])));
    const rows = cloudTables.flatMap((t) =>
      (body.tables[t] as Extract<TablePage, { status: 'changes' }>).changes.map((c) => (c.op === 'upsert' ? c.row : c.key)),
    );
    // Their own number only.
    expect(rows.map((r) => r.id)).toEqual([other.configId]);
  });
});
