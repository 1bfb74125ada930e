import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approved, type CloudHarness, type CloudOrg, newRecipient, startCloudHarness } from './support/cloud-api';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)("reminders to a workshop's registered leads (set-whatsapp-reminders, real Deno + Postgres)", () => {
  let h: CloudHarness;
  let org: CloudOrg;
  let templateId: string;

  const set = async (o: CloudOrg, body: Record<string, unknown>, jwt = o.jwt) => {
    const response = await fetch(`${h.stack.projectUrl}/functions/v1/set-whatsapp-reminders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        organization_id: o.organizationId,
        config_id: o.configId,
        template_id: templateId,
        parameter_sources: ['lead_name', 'workshop_name', 'start_time'],
        ...body,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** A workshop starting on the half hour about `hours` from now with the given registered leads, written as the CRM would. */
  const workshopWith = async (hours: number, leads: string[]) => {
    const id = `ws_${randomUUID()}`;
    await h.sql`insert into workshops (organization_id, id, name, starts_at, starts_at_local, time_zone, duration_minutes)
                values (${org.organizationId}, ${id}, 'Baking', date_trunc('hour', now() + ${`${hours} hours`}::interval) + interval '30 minutes',
                        '2030-01-01T10:00', 'Africa/Kampala', 60)`;
    for (const phone of leads) {
      await h.sql`insert into leads (organization_id, phone, name) values (${org.organizationId}, ${phone}, 'Asha') on conflict do nothing`;
      await h.sql`insert into lead_assignments (organization_id, workshop_id, phone) values (${org.organizationId}, ${id}, ${phone})`;
    }
    return id;
  };
  /** One processor run with the number paused: due reminders queue their messages, and nothing is sent yet. */
  const runDue = async () => {
    await h.sql`update whatsapp_config set status = 'paused', paused_at = now(), paused_reason = 'held by the test' where id = ${org.configId}`;
    try {
      const run = await h.process();
      expect(run.status, JSON.stringify(run.body) + h.stack.functions.output().slice(-1500)).toBe(200);
    } finally {
      await h.sql`update whatsapp_config set status = 'active', paused_at = null, paused_reason = null where id = ${org.configId}`;
    }
  };
  const queued = (workshopId: string) =>
    h.sql<{ recipient: string; status: string; error_message: string | null }[]>`
      select recipient, status, error_message from whatsapp_queue where workshop_id = ${workshopId} order by recipient`;

  beforeAll(async () => {
    h = await startCloudHarness();
    org = await h.organization({ templates: [approved('event_reminder', 'Hi {{1}}, {{2}} starts {{3}}.')] });
    await h.syncTemplates();
    templateId = await h.templateId(org, 'event_reminder');
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('switched on for 1 day before: scheduled from the workshop, queues one message per lead once however often it runs', async () => {
    const leads = [newRecipient(), newRecipient()];
    const workshopId = await workshopWith(20, leads);
    const answer = await set(org, { workshop_id: workshopId, enabled: ['reminder_1d'] });
    expect(answer.status).toBe(200);
    const tasks = await h.sql<{ kind: string; status: string; due: boolean }[]>`
      select kind, status, scheduled_for <= now() as due from whatsapp_event_tasks where workshop_id = ${workshopId} order by kind`;
    expect(tasks).toEqual([
      { kind: 'reminder_1d', status: 'pending', due: true },
      { kind: 'reminder_7d', status: 'cancelled', due: true },
      { kind: 'reminder_day_of', status: 'cancelled', due: expect.any(Boolean) },
    ]);
    await runDue();
    await runDue();
    expect((await queued(workshopId)).map((r) => r.recipient)).toEqual([...leads].sort());
    // Switched on again after it ran: it stays done and queues nothing more.
    await set(org, { workshop_id: workshopId, enabled: ['reminder_1d'] });
    await runDue();
    expect(await queued(workshopId)).toHaveLength(2);
  });

  it('fills the start time as campaigns word it ("6:30 PM EAT", in the workshop\'s zone), not in a format of its own', async () => {
    const lead = newRecipient();
    const workshopId = await workshopWith(20, [lead]);
    expect((await set(org, { workshop_id: workshopId, enabled: ['reminder_1d'] })).status).toBe(200);
    await h.process();
    const [workshop] = await h.sql<{ starts_at: Date }[]>`select starts_at from workshops where id = ${workshopId}`;
    const local = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'Africa/Kampala' }).format(
      workshop!.starts_at,
    );
    expect(local).toMatch(/^\d{1,2}:30 [AP]M$/);
    expect(h.stack.graph!.sentTo(lead).map((m) => m.template!.parameters)).toEqual([['Asha', 'Baking', `${local} EAT`]]);
  });

  it('a lead removed from the workshop, or one who opts out, is not sent the reminder already queued', async () => {
    const [stays, removed, optsOut] = [newRecipient(), newRecipient(), newRecipient()];
    const workshopId = await workshopWith(20, [stays, removed, optsOut]);
    await set(org, { workshop_id: workshopId, enabled: ['reminder_1d'] });
    await runDue();
    await h.sql`delete from lead_assignments where organization_id = ${org.organizationId} and workshop_id = ${workshopId} and phone = ${removed}`;
    const [store] = await h.sql<{ id: string }[]>`
      insert into store_settings (user_id, organization_id, store_name, store_slug)
      values (${org.userId}, ${org.organizationId}, 'S', ${`s-${randomUUID().slice(0, 8)}`}) returning id`;
    await h.sql`insert into customer_channel_opt_in (store_id, customer_phone, is_opted_in) values (${store!.id}, ${optsOut}, false)`;
    await h.process();
    const rows = Object.fromEntries((await queued(workshopId)).map((r) => [r.recipient, r]));
    expect(rows[removed]).toMatchObject({ status: 'cancelled', error_message: 'The lead was removed from the workshop' });
    expect(rows[optsOut]).toMatchObject({ status: 'cancelled', error_message: 'The recipient opted out; nothing was sent' });
    expect(rows[stays]!.status).toBe('sent');
    expect(h.stack.graph!.sentTo(removed)).toHaveLength(0);
    expect(h.stack.graph!.sentTo(optsOut)).toHaveLength(0);
  });

  it('switched off before it goes out, the messages it queued are cancelled', async () => {
    const lead = newRecipient();
    const workshopId = await workshopWith(20, [lead]);
    await set(org, { workshop_id: workshopId, enabled: ['reminder_1d'] });
    await runDue();
    const off = await set(org, { workshop_id: workshopId, enabled: [] });
    expect(off.body.cancelled_messages).toBe(1);
    expect(await queued(workshopId)).toEqual([{ recipient: lead, status: 'cancelled', error_message: 'The reminder was switched off' }]);
  });

  it("refuses a viewer, another organisation's template, a workshop not synced yet and a value count that does not fit, changing nothing", async () => {
    const workshopId = await workshopWith(48, [newRecipient()]);
    const viewer = await h.stack.gotrue.createUser(`viewer-${randomUUID().slice(0, 8)}@example.test`, `pw-${randomUUID()}`);
    await h.sql`insert into organization_members (organization_id, user_id, role) values (${org.organizationId}, ${viewer.id}, 'viewer')`;
    const asViewer = await set(
      org,
      { workshop_id: workshopId, enabled: ['reminder_1d'] },
      await h.stack.gotrue.issueAccessToken(viewer.id),
    );
    expect(asViewer.status).toBe(403);
    const other = await h.organization({ templates: [approved('other_one', 'Hi {{1}}')] });
    await h.syncTemplates();
    const foreign = await set(org, {
      workshop_id: workshopId,
      enabled: ['reminder_1d'],
      template_id: await h.templateId(other, 'other_one'),
    });
    expect(foreign).toEqual({ status: 404, body: { error: 'No such approved template for this number in this organisation' } });
    expect((await set(org, { workshop_id: 'not-synced', enabled: ['reminder_1d'] })).status).toBe(409);
    const count = await set(org, { workshop_id: workshopId, enabled: ['reminder_1d'], parameter_sources: ['lead_name'] });
    expect(count).toEqual({ status: 422, body: { error: 'The template has 3 variable(s); choose a value for each' } });
    expect(await h.sql`select 1 from whatsapp_event_tasks where workshop_id = ${workshopId}`).toHaveLength(0);
  });
});
