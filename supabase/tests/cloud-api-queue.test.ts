import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { change, delivery, status } from './support/meta';
import { approved, type CloudHarness, type CloudOrg, newRecipient, startCloudHarness } from './support/cloud-api';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

interface Row {
  id: string;
  recipient: string;
  status: string;
  attempts: number;
  error_code: number | null;
  error_message: string | null;
  wamid: string | null;
  next_attempt_at: Date;
}

describe.skipIf(!backend.available)('WhatsApp Cloud API template queue (real Deno, Postgres and the fake Graph API)', () => {
  let h: CloudHarness;
  let org: CloudOrg;
  let templateId: string;

  const rows = (o: CloudOrg) =>
    h.sql<Row[]>`select id, recipient, status, attempts, error_code, error_message, wamid, next_attempt_at
                 from whatsapp_queue where organization_id = ${o.organizationId} order by created_at, recipient`;
  const recipients = (n: number) =>
    Array.from({ length: n }, () => ({ phone: `+${newRecipient()}`, values: ['Asha', 'Baking 101', 'Mon 09:00'] }));
  const sentTo = (phone: string) => h.stack.graph!.sentTo(phone.replace('+', ''));

  beforeAll(async () => {
    h = await startCloudHarness({ cloudApiSendConcurrency: 400 });
    org = await h.organization();
    await h.syncTemplates();
    templateId = await h.templateId(org, 'event_reminder');
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  describe('templates from Meta', () => {
    it('syncs every page of a business account, keeps Meta status, and marks a template Meta no longer lists as deleted', async () => {
      const many = Array.from({ length: 130 }, (_, i) => approved(`bulk_${i}`, 'Hello {{1}}'));
      const o = await h.organization({
        templates: [
          ...many,
          approved('paused_one', 'Hi {{1}}', { status: 'PAUSED' }),
          approved('promo', 'Sale {{1}}', { category: 'MARKETING', status: 'REJECTED' }),
        ],
      });
      await h.syncTemplates();
      const stored = await h.sql<{ name: string; status: string; variables: string[] }[]>`
        select name, status, variables from whatsapp_templates where organization_id = ${o.organizationId} order by name`;
      expect(stored).toHaveLength(132);
      expect(stored.find((t) => t.name === 'paused_one')).toEqual({ name: 'paused_one', status: 'paused', variables: ['1'] });
      expect(stored.find((t) => t.name === 'promo')?.status).toBe('rejected');
      h.stack.graph!.setTemplates(o.businessAccountId, [o.phoneNumberId], many);
      await h.syncTemplates();
      const [gone] = await h.sql<
        { status: string }[]
      >`select status from whatsapp_templates where organization_id = ${o.organizationId} and name = 'promo'`;
      expect(gone!.status).toBe('deleted');
    });

    it('a template paused by Meta holds its queued messages; approved again, they are sent; disabled, they fail', async () => {
      const o = await h.organization({ templates: [approved('class_update', 'Update: {{1}}')] });
      await h.syncTemplates();
      const id = await h.templateId(o, 'class_update');
      const update = (event: string) =>
        h.postWebhook({
          object: 'whatsapp_business_account',
          entry: [
            {
              id: o.businessAccountId,
              time: 1,
              changes: [
                {
                  field: 'message_template_status_update',
                  value: { event, message_template_name: 'class_update', message_template_language: 'en', reason: 'NONE' },
                },
              ],
            },
          ],
        });
      const [first, second] = [newRecipient(), newRecipient()];
      const queued = await h.queue(o, { template_id: id, recipients: [{ phone: first, values: ['Room 4'] }] });
      expect(queued.body.queued).toHaveLength(1);
      expect((await update('PAUSED')).status).toBe(200);
      await h.process();
      expect((await rows(o))[0]).toMatchObject({ status: 'queued', error_message: 'Waiting: the template is paused at Meta' });
      expect(h.stack.graph!.sentTo(first)).toHaveLength(0);

      await update('APPROVED');
      await h.process();
      expect((await rows(o))[0]!.status).toBe('sent');
      expect(h.stack.graph!.sentTo(first)).toHaveLength(1);

      expect((await h.queue(o, { template_id: id, recipients: [{ phone: second, values: ['Room 5'] }] })).body.queued).toHaveLength(1);
      await update('DISABLED');
      expect((await rows(o)).find((r) => r.recipient === second)).toMatchObject({
        status: 'failed',
        error_message: 'The template is disabled at Meta; nothing was sent',
      });
    });
  });

  describe('queue-whatsapp', () => {
    it('queues approved templates for valid numbers and refuses, with the reason, bad numbers, wrong values and opted-out recipients', async () => {
      const o = await h.organization();
      await h.syncTemplates();
      const id = await h.templateId(o, 'event_reminder');
      const optedOut = newRecipient();
      const [store] = await h.sql<{ id: string }[]>`
        insert into store_settings (user_id, organization_id, store_name, store_slug) values (${o.userId}, ${o.organizationId}, 'S', ${`s-${randomUUID().slice(0, 8)}`}) returning id`;
      await h.sql`insert into customer_channel_opt_in (store_id, customer_phone, is_opted_in) values (${store!.id}, ${optedOut}, false)`;
      const good = newRecipient();
      const answer = await h.queue(o, {
        template_id: id,
        recipients: [
          { phone: `0${good.slice(3)}`, values: ['Asha', 'Baking', 'Mon'] },
          { phone: '12345', values: ['Asha', 'Baking', 'Mon'] },
          { phone: newRecipient(), values: ['Asha', 'Baking'] },
          { phone: newRecipient(), values: ['Asha', 'Baking\nclass', 'Mon'] },
          { phone: optedOut, values: ['Asha', 'Baking', 'Mon'] },
        ],
      });
      expect(answer.status).toBe(200);
      expect(answer.body.queued.map((q) => q.phone)).toEqual([good]);
      expect(answer.body.refused.map((r) => r.reason)).toEqual([
        '"12345" is not a valid phone number for UG or with a country code',
        'The template has 3 variable(s) but 2 value(s) were given',
        'Value 2 contains a new line, a tab or more than four spaces in a row, which Meta refuses',
        'The recipient opted out of WhatsApp messages',
      ]);
    });

    it('the same request sent twice (same idempotency key) queues each recipient once', async () => {
      const list = recipients(3);
      const key = `campaign-${randomUUID()}`;
      const first = await h.queue(org, { template_id: templateId, idempotency_key: key, recipients: list });
      const again = await h.queue(org, { template_id: templateId, idempotency_key: key, recipients: list });
      expect(first.body.queued).toHaveLength(3);
      expect(again.body.queued).toHaveLength(0);
      expect(again.body.already_queued).toHaveLength(3);
    });

    it("refuses a template that is not approved, another organisation's template, a viewer, and a request without a valid sign-in", async () => {
      const o = await h.organization({ templates: [approved('draft', 'Hi {{1}}', { status: 'PENDING' })] });
      await h.syncTemplates();
      const draft = await h.queue(o, {
        template_id: await h.templateId(o, 'draft'),
        recipients: [{ phone: newRecipient(), values: ['x'] }],
      });
      expect(draft).toMatchObject({
        status: 422,
        body: { error: 'The template "draft" is pending at Meta; only approved templates can be sent' },
      });
      const foreign = await h.queue(o, { template_id: templateId, recipients: [{ phone: newRecipient(), values: ['a', 'b', 'c'] }] });
      expect(foreign.status).toBe(404);
      const viewer = await h.organization({ role: 'viewer' });
      expect(
        (await h.queue(viewer, { template_id: templateId, recipients: [{ phone: newRecipient(), values: ['a', 'b', 'c'] }] })).status,
      ).toBe(403);
      expect(
        (await h.queue(org, { template_id: templateId, recipients: [{ phone: newRecipient(), values: ['a', 'b', 'c'] }] }, 'not-a-jwt'))
          .status,
      ).toBe(401);
      const garbage = await h.queue(org, { template_id: 'nope', recipients: [] });
      expect(garbage.status).toBe(400);
    });
  });

  describe('process-whatsapp-queue', () => {
    it('refuses a caller without the cron secret', async () => {
      const response = await fetch(`${h.stack.functionsUrl}/process-whatsapp-queue`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(401);
    });

    it('sends the template with the decrypted token, and the token at rest is not the token', async () => {
      const [to] = recipients(1);
      await h.queue(org, { template_id: templateId, recipients: [to] });
      await h.process();
      const [message] = sentTo(to!.phone);
      expect(message).toMatchObject({
        authorization: `Bearer ${org.accessToken}`,
        template: { name: 'event_reminder', language: 'en', parameters: ['Asha', 'Baking 101', 'Mon 09:00'] },
      });
      const [stored] = await h.sql<{ t: string }[]>`select access_token_encrypted as t from whatsapp_config where id = ${org.configId}`;
      expect(stored!.t).not.toContain(org.accessToken);
    });

    it('two processors running at once never send one row twice', async () => {
      const o = await h.organization();
      await h.syncTemplates();
      const list = recipients(300);
      await h.queue(o, { template_id: await h.templateId(o, 'event_reminder'), recipients: list });
      const runs = await Promise.all([
        h.process({ until_empty: true, max_seconds: 30 }),
        h.process({ until_empty: true, max_seconds: 30 }),
      ]);
      expect(runs.map((r) => r.status)).toEqual([200, 200]);
      expect(runs.every((r) => r.body.claimed! > 0)).toBe(true);
      expect(list.map((r) => sentTo(r.phone).length)).toEqual(list.map(() => 1));
      expect((await rows(o)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    });

    it('two processors draining thirteen organisations at once send every message once and both finish (no deadlock between their writes)', async () => {
      const orgs = await Promise.all(Array.from({ length: 13 }, () => h.organization()));
      await h.syncTemplates();
      const lists = await Promise.all(
        orgs.map(async (o) => {
          const list = recipients(160);
          await h.queue(o, { template_id: await h.templateId(o, 'event_reminder'), recipients: list });
          return list;
        }),
      );
      const runs = await Promise.all([
        h.process({ until_empty: true, max_seconds: 60, batch: 500 }),
        h.process({ until_empty: true, max_seconds: 60, batch: 500 }),
      ]);
      expect(runs.map((r) => r.status)).toEqual([200, 200]);
      expect(lists.flat().map((r) => sentTo(r.phone).length)).toEqual(lists.flat().map(() => 1));
      for (const o of orgs) expect((await rows(o)).map((r) => r.status)).toEqual(Array.from({ length: 160 }, () => 'sent'));
    });

    it("holds one number to Meta's throughput of 80 messages a second: no send is refused with 130429, each goes on its first attempt", async () => {
      h.stack.graph!.setLimits({ throughputMps: 80 });
      try {
        const o = await h.organization();
        await h.syncTemplates();
        await h.queue(o, { template_id: await h.templateId(o, 'event_reminder'), recipients: recipients(240) });
        const before = h.stack.graph!.refusedByLimits().throughput;
        await h.process({ until_empty: true, max_seconds: 30 });
        expect(h.stack.graph!.sent.filter((m) => m.phoneNumberId === o.phoneNumberId)).toHaveLength(240);
        expect(h.stack.graph!.refusedByLimits().throughput).toBe(before);
        expect((await rows(o)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      } finally {
        h.stack.graph!.setLimits({ throughputMps: null });
      }
    });

    it('a messaging limit of 5 recipients a day sends to 5 and holds the rest until the oldest of them is 24 h old', async () => {
      const o = await h.organization({ messagingLimit: 5 });
      await h.syncTemplates();
      await h.queue(o, { template_id: await h.templateId(o, 'event_reminder'), recipients: recipients(8) });
      await h.process();
      const all = await rows(o);
      expect(all.filter((r) => r.status === 'sent')).toHaveLength(5);
      const held = all.filter((r) => r.status === 'queued');
      expect(held).toHaveLength(3);
      expect(held.every((r) => r.error_message === 'Waiting: the daily limit of 5 recipients is reached')).toBe(true);
      expect(held.every((r) => r.next_attempt_at.getTime() > Date.now() + 23 * 3600_000)).toBe(true);
    });

    it('two messages to one recipient are spaced by the pair rate: the second waits 6 s instead of drawing 131056', async () => {
      h.stack.graph!.setLimits({ pairGapMs: 6000 });
      try {
        const o = await h.organization();
        await h.syncTemplates();
        const id = await h.templateId(o, 'event_reminder');
        const [to] = recipients(1);
        await h.queue(o, { template_id: id, recipients: [to] });
        await h.queue(o, { template_id: id, recipients: [to] });
        const pairBefore = h.stack.graph!.refusedByLimits().pair;
        await h.process();
        const all = await rows(o);
        expect(all.map((r) => r.status).sort()).toEqual(['queued', 'sent']);
        const first = sentTo(to!.phone)[0]!.receivedAt;
        expect(all.find((r) => r.status === 'queued')!.next_attempt_at.getTime()).toBeGreaterThanOrEqual(first + 5000);
        expect(h.stack.graph!.refusedByLimits().pair).toBe(pairBefore);
      } finally {
        h.stack.graph!.setLimits({ pairGapMs: 0 });
      }
    });
  });

  describe('the error-code policy', () => {
    const cases: {
      code: number;
      status: number;
      expect: { status: string; paused?: boolean; attempts?: number; retryAfterSeconds?: number };
      what: string;
    }[] = [
      { code: 130429, status: 400, expect: { status: 'queued', attempts: 0 }, what: 'throughput: retried soon, the attempt not counted' },
      {
        code: 131056,
        status: 400,
        expect: { status: 'queued', attempts: 1, retryAfterSeconds: 6 },
        what: 'pair rate: this recipient retried after at least 6 s',
      },
      { code: 131000, status: 500, expect: { status: 'queued', attempts: 1 }, what: 'something went wrong at Meta: retried with backoff' },
      { code: 80007, status: 400, expect: { status: 'queued', attempts: 1 }, what: 'business account rate limit: retried with backoff' },
      {
        code: 131049,
        status: 400,
        expect: { status: 'queued', attempts: 0, retryAfterSeconds: 23 * 3600 },
        what: 'healthy-ecosystem limit: rescheduled a day later',
      },
      { code: 131026, status: 400, expect: { status: 'failed' }, what: 'undeliverable: failed for good' },
      { code: 131047, status: 400, expect: { status: 'failed' }, what: 're-engagement window: failed (a template should not draw it)' },
      { code: 132000, status: 400, expect: { status: 'failed' }, what: 'parameter count mismatch: failed' },
      { code: 132001, status: 404, expect: { status: 'failed' }, what: 'template does not exist: failed' },
      {
        code: 368,
        status: 400,
        expect: { status: 'queued', paused: true, attempts: 0 },
        what: 'policy block: the number is paused, the row waits',
      },
      {
        code: 190,
        status: 401,
        expect: { status: 'queued', paused: true, attempts: 0 },
        what: 'expired token: the number is paused, the row waits',
      },
      {
        code: 131048,
        status: 400,
        expect: { status: 'queued', paused: true, attempts: 0 },
        what: 'spam rate limit: the number is paused, the row waits',
      },
    ];

    for (const c of cases) {
      it(`${c.code} (${c.what})`, async () => {
        const o = await h.organization();
        await h.syncTemplates();
        const [to] = recipients(1);
        h.stack.graph!.failNextFor(to!.phone.slice(1), { status: c.status, code: c.code, message: `fake ${c.code}` });
        await h.queue(o, { template_id: await h.templateId(o, 'event_reminder'), recipients: [to] });
        await h.process();
        const [row] = await rows(o);
        expect(row).toMatchObject({ status: c.expect.status, error_code: c.code });
        expect(sentTo(to!.phone)).toHaveLength(1);
        if (c.expect.attempts !== undefined) expect(row!.attempts).toBe(c.expect.attempts);
        if (c.expect.retryAfterSeconds !== undefined)
          expect(row!.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + (c.expect.retryAfterSeconds - 1) * 1000);
        const [config] = await h.sql<
          { status: string; paused_reason: string | null }[]
        >`select status, paused_reason from whatsapp_config where id = ${o.configId}`;
        expect(config!.status).toBe(c.expect.paused ? 'paused' : 'active');
        if (c.expect.paused) expect(config!.paused_reason).toContain(`(#${c.code})`);
      });
    }

    it('a temporary error is retried until it succeeds, and gives up after five attempts', async () => {
      const o = await h.organization();
      await h.syncTemplates();
      const [to] = recipients(1);
      h.stack.graph!.failNextFor(to!.phone.slice(1), { status: 500, code: 131000, message: 'Something went wrong' }, 10);
      await h.queue(o, { template_id: await h.templateId(o, 'event_reminder'), recipients: [to] });
      for (let i = 0; i < 5; i++) {
        // As if the backoff and the recipient's 6 s pair gap had passed.
        await h.sql`update whatsapp_queue set next_attempt_at = now() where organization_id = ${o.organizationId} and status = 'queued'`;
        await h.sql`update whatsapp_rate_usage set last_sent_at = null where organization_id = ${o.organizationId}`;
        await h.process();
      }
      const [row] = await rows(o);
      expect(row).toMatchObject({ status: 'failed', attempts: 5, error_code: 131000 });
      expect(sentTo(to!.phone)).toHaveLength(5);
    });
  });

  describe('statuses from the webhook', () => {
    const statusDelivery = (o: CloudOrg, statuses: ReturnType<typeof status>[]) => delivery([change(o.phoneNumberId, { statuses })]);

    it('arriving out of order, they end in the most advanced state, each logged once, a late failure after delivery recorded but not applied', async () => {
      const [to] = recipients(1);
      await h.queue(org, { template_id: templateId, recipients: [to] });
      await h.process();
      const row = (await rows(org)).find((r) => r.recipient === to!.phone.slice(1))!;
      const recipient = to!.phone.slice(1);
      // Meta redelivers a status unchanged, timestamp included: the last 'read' below is that
      // redelivery, so it reuses the first one's object rather than a fresh clock reading.
      const read = status(row.wamid!, 'read', recipient);
      for (const s of [read, status(row.wamid!, 'delivered', recipient), status(row.wamid!, 'sent', recipient)]) {
        const response = await h.postWebhook(statusDelivery(org, [s]));
        expect(response.status, h.stack.functions.output().slice(-1500)).toBe(200);
      }
      await h.postWebhook(statusDelivery(org, [status(row.wamid!, 'failed', recipient, { code: 131026, title: 'Message undeliverable' })]));
      await h.postWebhook(statusDelivery(org, [read]));
      const [after] = await h.sql<
        { status: string; read_at: Date | null; delivered_at: Date | null }[]
      >`select status, read_at, delivered_at from whatsapp_queue where id = ${row.id}`;
      expect(after).toMatchObject({ status: 'read' });
      expect(after!.delivered_at).not.toBeNull();
      const logs = await h.sql<{ status: string; applied: boolean }[]>`
        select status, applied from whatsapp_delivery_logs where queue_id = ${row.id} and wamid is not null and status <> 'accepted' order by id`;
      expect(logs).toEqual([
        { status: 'read', applied: true },
        { status: 'delivered', applied: false },
        { status: 'sent', applied: false },
        { status: 'failed', applied: false },
      ]);
    });

    it('a failure before delivery fails the row with its reason; a delivery reported after it still wins', async () => {
      const [to] = recipients(1);
      await h.queue(org, { template_id: templateId, recipients: [to] });
      await h.process();
      const recipient = to!.phone.slice(1);
      const row = (await rows(org)).find((r) => r.recipient === recipient)!;
      await h.postWebhook(
        statusDelivery(org, [
          status(row.wamid!, 'failed', recipient, {
            code: 131049,
            title: 'This message was not delivered to maintain healthy ecosystem engagement.',
          }),
        ]),
      );
      expect((await rows(org)).find((r) => r.id === row.id)).toMatchObject({ status: 'failed', error_code: 131049 });
      await h.postWebhook(statusDelivery(org, [status(row.wamid!, 'delivered', recipient)]));
      expect((await rows(org)).find((r) => r.id === row.id)).toMatchObject({ status: 'delivered', error_message: null });
    });

    it('a processor killed mid-send leaves the row sending; the next run marks it unknown and never resends; the status webhook settles it', async () => {
      const o = await h.organization();
      await h.syncTemplates();
      const [to] = recipients(1);
      const recipient = to!.phone.slice(1);
      h.stack.graph!.swallowFor(recipient);
      await h.queue(o, { template_id: await h.templateId(o, 'event_reminder'), recipients: [to] });
      const run = h.process().catch(() => null);
      const deadline = Date.now() + 15_000;
      while (h.stack.graph!.sentTo(recipient).length === 0) {
        if (Date.now() > deadline) throw new Error('the send never reached the fake Graph API');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await h.stack.restartFunctions();
      await run;
      expect((await rows(o))[0]!.status).toBe('sending');
      // The lease is over (as if two minutes had passed).
      await h.sql`update whatsapp_queue set claimed_at = now() - interval '1 hour' where organization_id = ${o.organizationId}`;
      const next = await h.process();
      expect(next.body.expired).toBeGreaterThanOrEqual(1);
      await h.process();
      expect((await rows(o))[0]).toMatchObject({ status: 'unknown', wamid: null });
      expect(h.stack.graph!.sentTo(recipient)).toHaveLength(1);

      const wamid = h.stack.graph!.sentTo(recipient)[0]!.wamid!;
      await h.postWebhook(delivery([change(o.phoneNumberId, { statuses: [status(wamid, 'delivered', recipient)] })]));
      expect((await rows(o))[0]).toMatchObject({ status: 'delivered', wamid });
      expect(h.stack.graph!.sentTo(recipient)).toHaveLength(1);
    });
  });

  describe('reminders to a workshop’s leads', () => {
    it('queue one message per registered lead exactly once, and move with the workshop', async () => {
      const o = await h.organization();
      await h.syncTemplates();
      const id = await h.templateId(o, 'event_reminder');
      const workshop = `ws_${randomUUID()}`;
      await h.sql`insert into workshops (organization_id, id, name, starts_at, starts_at_local, time_zone, duration_minutes)
                  values (${o.organizationId}, ${workshop}, 'Baking', now() + interval '20 hours', '2030-01-01T10:00', 'Africa/Kampala', 60)`;
      const leads = [newRecipient(), newRecipient()];
      for (const phone of leads) {
        await h.sql`insert into leads (organization_id, phone, name) values (${o.organizationId}, ${phone}, 'Asha')`;
        await h.sql`insert into lead_assignments (organization_id, workshop_id, phone) values (${o.organizationId}, ${workshop}, ${phone})`;
      }
      await h.sql`insert into whatsapp_event_tasks (organization_id, workshop_id, kind, config_id, template_id, parameter_sources)
                  values (${o.organizationId}, ${workshop}, 'reminder_1d', ${o.configId}, ${id}, '{lead_name,workshop_name,start_time}')`;
      await h.process();
      await h.process();
      expect(leads.map((p) => h.stack.graph!.sentTo(p).length)).toEqual([1, 1]);
      expect(h.stack.graph!.sentTo(leads[0]!)[0]!.template!.parameters.slice(0, 2)).toEqual(['Asha', 'Baking']);

      // Moved to next week: the 1-day reminder goes again for the new date, not now.
      await h.sql`update workshops set starts_at = now() + interval '8 days' where organization_id = ${o.organizationId} and id = ${workshop}`;
      const [task] = await h.sql<
        { status: string; scheduled_for: Date }[]
      >`select status, scheduled_for from whatsapp_event_tasks where workshop_id = ${workshop}`;
      expect(task!.status).toBe('pending');
      expect(task!.scheduled_for.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
      await h.process();
      expect(leads.map((p) => h.stack.graph!.sentTo(p).length)).toEqual([1, 1]);
    });
  });
});
