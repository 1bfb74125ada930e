import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdLock } from './support/held-lock';
import { backendRequirement } from './support/requirements';
import { type Desk, mutations, rows, type SyncHarness, startSyncHarness } from './support/sync';

const backend = backendRequirement();

describe.skipIf(!backend.available)('desktop-sync push', () => {
  let h: SyncHarness;

  beforeAll(async () => {
    h = await startSyncHarness();
  }, 60_000);
  afterAll(async () => {
    if (process.env.SYNC_DEBUG) console.log(h?.stack.functions.output().slice(-6000));
    await h?.stop();
  });

  const count = async (table: string, organizationId: string) =>
    (await h.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table} where organization_id = $1`, [organizationId]))[0]!.n;

  async function seedSession(desk: Desk): Promise<string> {
    const session = rows.session();
    const answer = await desk.push(mutations(1, [{ table: 'whatsapp_sessions', op: 'upsert', row: session }]));
    expect(answer.body.results).toEqual([{ seq: 1, status: 'applied', version: expect.any(Number) }]);
    return session.id;
  }

  it('applies a batch in order and, when the answer is lost after the commit, answers the replay "duplicate" with every count unchanged', async () => {
    const desk = await h.organization('Replay');
    const sessionId = await seedSession(desk);
    const groupJid = '120363111111111111@g.us';
    const batch = mutations(2, [
      {
        table: 'whatsapp_groups',
        op: 'upsert',
        row: {
          session_id: sessionId,
          group_jid: groupJid,
          subject: 'Pottery',
          size: 2,
          is_admin: true,
          invite_link: null,
          addressing_mode: 'pn',
          synced_at: null,
        },
      },
      ...['919811111111', '919822222222'].flatMap((phone, i) => [
        { table: 'workshop_group_members' as const, op: 'upsert' as const, row: rows.member(groupJid, phone) },
        { table: 'membership_events' as const, op: 'upsert' as const, row: rows.event(`${desk.clientId}:${i + 1}`, groupJid, phone) },
      ]),
    ]);

    desk.dropNextAnswer();
    await expect(desk.push(batch)).rejects.toThrow();
    const committed = {
      members: await count('workshop_group_members', desk.organizationId),
      events: await count('membership_events', desk.organizationId),
    };
    expect(committed).toEqual({ members: 2, events: 2 });

    const replay = await desk.push(batch);
    expect(replay.status).toBe(200);
    expect(replay.body.last_seq).toBe(6);
    expect(replay.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect({
      members: await count('workshop_group_members', desk.organizationId),
      events: await count('membership_events', desk.organizationId),
    }).toEqual(committed);
    const [client] = await h.sql`select last_seq from sync_clients where client_id = ${desk.clientId}`;
    expect(Number(client!.last_seq)).toBe(6);
  });

  it('applies a large batch as one desktop would have in order: a member who joins, leaves and rejoins ends active, and a LID learnt later joins the same row', async () => {
    const desk = await h.organization('Churn');
    const groupJid = '120363222222222222@g.us';
    const churn = (i: number) => [
      {
        table: 'workshop_group_members' as const,
        op: 'upsert' as const,
        row: rows.member(groupJid, `9198700000${String(i).padStart(2, '0')}`, 'active'),
      },
      {
        table: 'workshop_group_members' as const,
        op: 'upsert' as const,
        row: rows.member(groupJid, `9198700000${String(i).padStart(2, '0')}`, 'left'),
      },
      {
        table: 'membership_events' as const,
        op: 'upsert' as const,
        row: rows.event(`${desk.clientId}:${i}:left`, groupJid, `9198700000${String(i).padStart(2, '0')}`, 'left'),
      },
    ];
    const batch = mutations(1, [
      ...Array.from({ length: 50 }, (_, i) => churn(i)).flat(),
      { table: 'workshop_group_members', op: 'upsert', row: rows.member(groupJid, '919870000007', 'active') },
    ]);
    const answer = await desk.push(batch);
    expect(answer.body.results.every((r) => r.status === 'applied')).toBe(true);
    const statuses =
      await h.sql`select phone, status from workshop_group_members where organization_id = ${desk.organizationId} order by phone`;
    expect(statuses.length).toBe(50);
    expect(statuses.filter((m) => m.status === 'left').length).toBe(49);
    expect(statuses.find((m) => m.phone === '919870000007')?.status).toBe('active');
    expect(await count('membership_events', desk.organizationId)).toBe(50);

    const later = await desk.push(
      mutations(batch.length + 1, [
        { table: 'workshop_group_members', op: 'upsert', row: { ...rows.member(groupJid, '919870000007', 'active'), lid: '99887766@lid' } },
        { table: 'workshop_group_members', op: 'upsert', row: { ...rows.member(groupJid, '919870000008', 'active'), lid: '99887767@lid' } },
      ]),
    );
    expect(later.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const [known] =
      await h.sql`select lid, status from workshop_group_members where organization_id = ${desk.organizationId} and phone = '919870000007'`;
    expect(known).toEqual({ lid: '99887766@lid', status: 'active' });
    expect(await count('workshop_group_members', desk.organizationId)).toBe(50);
  });

  it('rejects a mutation that breaks a unique key, a foreign key or a policy, with its reason, and applies the ones after it', async () => {
    const owner = await h.organization('Rejections');
    const sessionId = await seedSession(owner);
    const workshop = rows.workshop(sessionId);
    expect(
      (
        await owner.push(
          mutations(2, [
            { table: 'workshops', op: 'upsert', row: workshop },
            { table: 'leads', op: 'upsert', row: rows.lead('919833333333') },
          ]),
        )
      ).body.results.every((r) => r.status === 'applied'),
    ).toBe(true);

    // A coordinator with the member role: may edit workshop data, may not delete leads.
    const member = await h.member(owner.organizationId, 'member');
    const message = (id: string) => ({
      id,
      workshop_id: workshop.id,
      rule_key: '1h-before',
      idempotency_key: `${workshop.id}:1h-before`,
      session_id: sessionId,
      group_jid: workshop.group_jid,
      kind: 'text',
      body: 'Starts in 1 hour',
      media_mimetype: null,
      file_name: null,
      scheduled_for: '2030-03-01T12:00:00.000Z',
      grace_minutes: 15,
      status: 'pending',
      cancelled_by: null,
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      message_id: null,
      sent_at: null,
      receipt: null,
      edited_at: null,
    });
    const answer = await member.push(
      mutations(1, [
        { table: 'scheduled_whatsapp_messages', op: 'upsert', row: message(`msg_${randomUUID()}`) },
        { table: 'scheduled_whatsapp_messages', op: 'upsert', row: message(`msg_${randomUUID()}`) },
        { table: 'workshops', op: 'upsert', row: rows.workshop(`wa_${randomUUID()}`) },
        { table: 'leads', op: 'delete', row: { phone: '919833333333' } },
        { table: 'leads', op: 'upsert', row: { phone: '919844444444', name: 'Ravi', surname: 'x' } },
        { table: 'leads', op: 'upsert', row: rows.lead('919855555555', 'Meera') },
      ]),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { seq: 1, status: 'applied', version: expect.any(Number) },
      { seq: 2, status: 'rejected', code: 'constraint', reason: expect.stringMatching(/already has these values/) },
      { seq: 3, status: 'rejected', code: 'missing_reference', reason: expect.stringMatching(/does not exist/) },
      { seq: 4, status: 'rejected', code: 'forbidden', reason: expect.stringMatching(/may not delete leads/) },
      { seq: 5, status: 'rejected', code: 'invalid', reason: expect.stringMatching(/no column "surname"/) },
      { seq: 6, status: 'applied', version: expect.any(Number) },
    ]);
    expect(answer.body.last_seq).toBe(6);
    const leads = await h.sql`select phone from leads where organization_id = ${owner.organizationId} order by phone`;
    expect(leads.map((l) => l.phone)).toEqual(['919833333333', '919855555555']);
    const rejected = await h.sql`select seq, code from sync_rejections where client_id = ${member.clientId} order by seq`;
    expect(rejected.map((r) => [Number(r.seq), r.code])).toEqual([
      [2, 'constraint'],
      [3, 'missing_reference'],
      [4, 'forbidden'],
      [5, 'invalid'],
    ]);

    // The owner may delete the lead.
    const deleted = await owner.push(mutations(4, [{ table: 'leads', op: 'delete', row: { phone: '919833333333' } }]));
    expect(deleted.body.results).toEqual([{ seq: 4, status: 'applied', version: null }]);
    expect(await count('leads', owner.organizationId)).toBe(1);
  });

  it('never lets a late receipt replace a better one, while the rest of the message row follows the desktop', async () => {
    const desk = await h.organization('Receipts');
    const sessionId = await seedSession(desk);
    const workshop = rows.workshop(sessionId);
    const message = (receipt: string, lastError: string | null) => ({
      id: 'msg_00000000-0000-4000-8000-000000000001',
      workshop_id: workshop.id,
      rule_key: 'live-now',
      idempotency_key: `${workshop.id}:live-now`,
      session_id: sessionId,
      group_jid: workshop.group_jid,
      kind: 'text',
      body: 'We are live',
      media_mimetype: null,
      file_name: null,
      scheduled_for: '2030-03-01T13:00:00.000Z',
      grace_minutes: 15,
      status: 'sent',
      cancelled_by: null,
      attempts: 1,
      next_attempt_at: null,
      last_error: lastError,
      message_id: '3EB0AAAA',
      sent_at: '2030-03-01T13:00:01.000Z',
      receipt,
      edited_at: null,
    });
    await desk.push(
      mutations(2, [
        { table: 'workshops', op: 'upsert', row: workshop },
        { table: 'scheduled_whatsapp_messages', op: 'upsert', row: message('read', null) },
      ]),
    );
    const late = await desk.push(
      mutations(4, [{ table: 'scheduled_whatsapp_messages', op: 'upsert', row: message('delivered', 'noted') }]),
    );
    expect(late.body.results[0]).toMatchObject({ status: 'applied' });
    const [row] = await h.sql`select receipt, last_error from scheduled_whatsapp_messages where organization_id = ${desk.organizationId}`;
    expect(row).toEqual({ receipt: 'read', last_error: 'noted' });
  });

  it('stores booleans, numbers and times as sent, on every path (a batch, one by one, and the membership ingest)', async () => {
    const desk = await h.organization('Values');
    const session = rows.session();
    const group = (jid: string) => ({
      session_id: session.id,
      group_jid: jid,
      subject: 'S',
      size: 3,
      is_admin: true,
      invite_link: null,
      addressing_mode: 'lid',
      synced_at: '2030-01-02T03:04:05.678Z',
    });
    const admin = (jid: string) => ({ ...rows.member(jid, '919890000001'), is_admin: true });
    // Batched: parents first, plain upserts.
    await desk.push(
      mutations(1, [
        { table: 'whatsapp_sessions', op: 'upsert', row: session },
        { table: 'whatsapp_groups', op: 'upsert', row: group('120363000000000101@g.us') },
        { table: 'workshop_group_members', op: 'upsert', row: admin('120363000000000101@g.us') },
      ]),
    );
    // One by one: a delete in the batch rules the fast paths out.
    await desk.push(
      mutations(4, [
        { table: 'whatsapp_groups', op: 'upsert', row: group('120363000000000102@g.us') },
        { table: 'workshop_group_members', op: 'upsert', row: admin('120363000000000102@g.us') },
        { table: 'leads', op: 'delete', row: { phone: '919890000009' } },
      ]),
    );
    const groups =
      await h.sql`select group_jid, is_admin, size, addressing_mode, synced_at from whatsapp_groups where organization_id = ${desk.organizationId} order by group_jid`;
    expect(groups.map((g) => [g.is_admin, g.size, g.addressing_mode, (g.synced_at as Date).toISOString()])).toEqual([
      [true, 3, 'lid', '2030-01-02T03:04:05.678Z'],
      [true, 3, 'lid', '2030-01-02T03:04:05.678Z'],
    ]);
    const members = await h.sql`select is_admin from workshop_group_members where organization_id = ${desk.organizationId}`;
    expect(members.map((m) => m.is_admin)).toEqual([true, true]);
  });

  it('refuses a push that skips seqs with the seq to send from, and changes nothing', async () => {
    const desk = await h.organization('Gap');
    await seedSession(desk);
    const answer = await desk.push(mutations(5, [{ table: 'leads', op: 'upsert', row: rows.lead('919866666666') }]));
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: 'seq_gap', expected_seq: 2 });
    expect(await count('leads', desk.organizationId)).toBe(0);
  });

  it('answers 503 and applies nothing when the database fails mid-push; the same push then applies once', async () => {
    const desk = await h.organization('Transient');
    await seedSession(desk);
    const batch = mutations(2, [
      { table: 'leads', op: 'upsert', row: rows.lead('919877777771') },
      { table: 'leads', op: 'upsert', row: rows.lead('919877777772') },
    ]);
    // Hold the organisation's write lock so the push waits inside its transaction, then kill its connection.
    const lock = await holdLock(
      h.stack.databaseUrl,
      (tx) => tx`select 1 from organization_sync_state where organization_id = ${desk.organizationId} for update`,
    );
    try {
      const pushing = desk.push(batch);
      const deadline = Date.now() + 10_000;
      let killed = 0;
      while (!killed && Date.now() < deadline) {
        const [row] = await h.sql<{ n: number }[]>`
          select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where application_name = 'edge-functions' and wait_event_type = 'Lock' and query like '%begin_sync_write%'`;
        killed = row!.n;
        if (!killed) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(killed).toBe(1);
      const answer = await pushing;
      expect(answer.status).toBe(503);
      expect(answer.body.error).toBe('unavailable');
    } finally {
      await lock.release();
    }
    expect(await count('leads', desk.organizationId)).toBe(0);

    const retry = await desk.push(batch);
    expect(retry.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(await count('leads', desk.organizationId)).toBe(2);
  });

  it("refuses a viewer's push with 403 and changes nothing", async () => {
    const owner = await h.organization('Viewers');
    const viewer = await h.member(owner.organizationId, 'viewer');
    const answer = await viewer.push(mutations(1, [{ table: 'leads', op: 'upsert', row: rows.lead('919888888888') }]));
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('read_only');
    expect(await count('leads', owner.organizationId)).toBe(0);
  });

  it("rejects a desktop edit made on an older version of a CRM-edited row as a conflict and returns the server's row", async () => {
    const desk = await h.organization('Conflicts');
    const lead = rows.lead('919899999999', 'Asha');
    const created = await desk.push(mutations(1, [{ table: 'leads', op: 'upsert', row: lead, base_version: 0 }]));
    expect(created.body.results[0]).toMatchObject({ status: 'applied' });
    const seen = (created.body.results[0] as { version: number }).version;
    // The CRM renames the lead.
    await h.sql`update leads set name = 'Asha K.' where organization_id = ${desk.organizationId} and phone = ${lead.phone}`;
    const stale = await desk.push(
      mutations(2, [{ table: 'leads', op: 'upsert', row: { ...lead, name: 'Asha (desk)' }, base_version: seen }]),
    );
    expect(stale.body.results[0]).toMatchObject({
      status: 'rejected',
      code: 'conflict',
      server_row: { phone: lead.phone, name: 'Asha K.', version: expect.any(Number) },
    });
    const [row] = await h.sql`select name from leads where organization_id = ${desk.organizationId} and phone = ${lead.phone}`;
    expect(row!.name).toBe('Asha K.');
  });

  it('answers a replay of refused mutations whose answer was lost with the same refusals, a conflict with the server row as it is now', async () => {
    const desk = await h.organization('Lost refusals');
    const lead = rows.lead('919877777777', 'Kiran');
    const created = await desk.push(mutations(1, [{ table: 'leads', op: 'upsert', row: lead, base_version: 0 }]));
    const seen = (created.body.results[0] as { version: number }).version;
    await h.sql`update leads set name = 'Kiran (CRM)' where organization_id = ${desk.organizationId} and phone = ${lead.phone}`;
    const batch = mutations(2, [
      { table: 'leads', op: 'upsert', row: { ...lead, name: 'Kiran (desk)' }, base_version: seen },
      { table: 'lead_assignments', op: 'upsert', row: { workshop_id: `wa_${randomUUID()}`, phone: lead.phone }, base_version: 0 },
      { table: 'leads', op: 'upsert', row: rows.lead('919866666666', 'Devi'), base_version: 0 },
    ]);

    desk.dropNextAnswer();
    await expect(desk.push(batch)).rejects.toThrow();
    await h.sql`update leads set name = 'Kiran K.' where organization_id = ${desk.organizationId} and phone = ${lead.phone}`;

    const replay = await desk.push(batch);
    expect(replay.status).toBe(200);
    expect(replay.body.results).toEqual([
      {
        seq: 2,
        status: 'rejected',
        code: 'conflict',
        reason: expect.stringMatching(/changed on the server/),
        server_row: expect.objectContaining({ phone: lead.phone, name: 'Kiran K.', version: expect.any(Number) }),
      },
      { seq: 3, status: 'rejected', code: 'missing_reference', reason: expect.stringMatching(/does not exist/) },
      { seq: 4, status: 'duplicate' },
    ]);
    expect(await count('leads', desk.organizationId)).toBe(2);
    const recorded = await h.sql`select seq from sync_rejections where client_id = ${desk.clientId} order by seq`;
    expect(recorded.map((r) => Number(r.seq))).toEqual([2, 3]);
  });

  it('applies a default template or rule sent as a seed only where the organisation has none like it, and answers the rest with its row', async () => {
    const first = await h.organization('Seeds');
    const template = { id: `tpl_${randomUUID()}`, name: 'We are live', body: 'We are live! Join {workshop_name} now: {join_link}' };
    const rule = (templateId: string) => ({
      workshop_id: null,
      rule_key: 'live-now',
      enabled: true,
      template_id: templateId,
      local_time: null,
      minutes_before: 0,
      grace_minutes: 10,
    });
    await first.push(mutations(1, [{ table: 'message_templates', op: 'upsert', row: template, base_version: 0 }]));

    // Another desktop's copy of the same default template, under its own id, and a rule pointing at it.
    const second = await h.member(first.organizationId, 'member');
    const copy = { ...template, id: `tpl_${randomUUID()}` };
    const answer = await second.push(
      mutations(1, [
        { table: 'message_templates', op: 'upsert', row: copy, base_version: 0, seed: true },
        { table: 'workshop_automation_config', op: 'upsert', row: rule(copy.id), base_version: 0, seed: true },
        { table: 'workshop_automation_config', op: 'upsert', row: { ...rule(copy.id), minutes_before: 5 }, base_version: 0, seed: true },
      ]),
    );
    expect(answer.body.results).toEqual([
      { seq: 1, status: 'existing', server_row: expect.objectContaining({ id: template.id, version: expect.any(Number) }) },
      { seq: 2, status: 'applied', version: expect.any(Number) },
      { seq: 3, status: 'existing', server_row: expect.objectContaining({ template_id: template.id, minutes_before: 0 }) },
    ]);
    expect(await count('message_templates', first.organizationId)).toBe(1);
    const rules =
      await h.sql`select template_id, minutes_before from workshop_automation_config where organization_id = ${first.organizationId}`;
    expect(rules).toEqual([{ template_id: template.id, minutes_before: 0 }]);
  });
});
