import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/sync/sync-protocol';
import { backendRequirement } from './support/requirements';
import { mutations, rows, type SyncHarness, startSyncHarness } from './support/sync';

const backend = backendRequirement();

type Page = { status: 'changes'; changes: Change[]; cursor: number; has_more: boolean };

describe.skipIf(!backend.available)('desktop-sync pull', () => {
  let h: SyncHarness;
  let other: postgres.Sql;

  beforeAll(async () => {
    h = await startSyncHarness();
    other = postgres(h.stack.databaseUrl, { max: 2, onnotice: () => {} });
  }, 60_000);
  afterAll(async () => {
    await other?.end();
    await h?.stop();
  });

  it('returns pushed rows and deletions in version order, and a pull with the new cursor returns nothing', async () => {
    const desk = await h.organization('Pull order');
    await desk.push(
      mutations(1, [
        { table: 'leads', op: 'upsert', row: rows.lead('919810000001', 'A') },
        { table: 'leads', op: 'upsert', row: rows.lead('919810000002', 'B') },
      ]),
    );
    await desk.push(mutations(3, [{ table: 'leads', op: 'delete', row: { phone: '919810000001' } }]));

    const first = await desk.pull({ leads: 0 });
    expect(first.status).toBe(200);
    const page = first.body.tables.leads as Page;
    expect(page.changes.map((c) => (c.op === 'upsert' ? `upsert ${c.row.phone}` : `delete ${c.key.phone}`))).toEqual([
      'upsert 919810000002',
      'delete 919810000001',
    ]);
    const versions = page.changes.map((c) => c.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(page).toMatchObject({ has_more: false, cursor: first.body.version });
    expect((page.changes[0] as Extract<Change, { op: 'upsert' }>).row).toMatchObject({
      phone: '919810000002',
      name: 'B',
      email: '',
      updated_at: expect.stringMatching(/Z$/),
    });

    const again = await desk.pull({ leads: page.cursor });
    expect(again.body.tables.leads).toEqual({ status: 'changes', changes: [], cursor: page.cursor, has_more: false });
  });

  it('pages with has_more and a cursor that only grows', async () => {
    const desk = await h.organization('Paging');
    await desk.push(
      mutations(
        1,
        Array.from({ length: 7 }, (_, i) => ({ table: 'leads' as const, op: 'upsert' as const, row: rows.lead(`91982000000${i}`) })),
      ),
    );
    const seen: string[] = [];
    let cursor = 0;
    for (let round = 0; round < 10; round += 1) {
      const page = (await desk.pull({ leads: cursor }, 3)).body.tables.leads as Page;
      expect(page.cursor).toBeGreaterThanOrEqual(cursor);
      cursor = page.cursor;
      seen.push(...page.changes.map((c) => String((c as Extract<Change, { op: 'upsert' }>).row.phone)));
      if (!page.has_more) break;
    }
    expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `91982000000${i}`));
  });

  /**
   * Waits (10 s at most) until `done` has settled or the statement naming `marker` is waiting for a
   * lock; the answer tells whether `done` has settled.
   */
  async function committedOrWaiting(done: Promise<unknown>, marker: string): Promise<() => boolean> {
    let committed = false;
    void done.then(() => (committed = true));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [row] = await h.sql<
        { n: number }[]
      >`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like ${`%${marker}%`}`;
      if (committed || row!.n > 0 || Date.now() > deadline) return () => committed;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('misses nothing when two transactions of one organisation commit out of order around a pull, and the cursor never goes back', async () => {
    const desk = await h.organization('Out of order');
    const cursor0 = ((await desk.pull({ leads: 0 })).body.tables.leads as Page).cursor;
    // First writes first; second writes next and asks to commit at once, before first.
    const first = await h.sql.reserve();
    const second = await other.reserve();
    try {
      await first`begin`;
      await first`insert into leads (organization_id, phone, name) values (${desk.organizationId}, '919830000001', 'First')`;
      await second`begin`;
      const secondDone = Promise.all([
        second`insert into leads (organization_id, phone, name) values (${desk.organizationId}, '919830000002', 'Second')`.execute(),
        second`commit`.execute(),
      ]);
      // Either the second commits now (a numbering that ignores commit order) or it waits for the first.
      const secondCommitted = await committedOrWaiting(secondDone, '919830000002');

      const during = (await desk.pull({ leads: cursor0 })).body.tables.leads as Page;
      expect(during.cursor).toBeGreaterThanOrEqual(cursor0);
      await first`commit`;
      await secondDone;
      const after = (await desk.pull({ leads: during.cursor })).body.tables.leads as Page;
      expect(after.cursor).toBeGreaterThanOrEqual(during.cursor);

      const phones = [...during.changes, ...after.changes].map((c) => (c as Extract<Change, { op: 'upsert' }>).row.phone);
      expect(phones.sort()).toEqual(['919830000001', '919830000002']);
      expect(secondCommitted()).toBe(true);
    } finally {
      await first`rollback`.catch(() => {});
      first.release();
      second.release();
    }
  });

  /** A shop of the organisation, as the shop's functions create one. */
  async function storeOf(desk: { organizationId: string; userId: string }): Promise<string> {
    const [store] = await h.sql<{ id: string }[]>`
      insert into store_settings (user_id, organization_id, store_name, store_slug)
      values (${desk.userId}, ${desk.organizationId}, 'Duka', ${`duka-${randomUUID().slice(0, 8)}`}) returning id`;
    return store!.id;
  }
  const message = (storeId: string, phone: string) =>
    h.sql`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status)
          values (${storeId}, ${phone}, 'inbound', '{"text":"Hi"}', 'received')`;

  it("misses none of a store's messages when its writers commit out of order, also after the first undid its first write (a rolled-back savepoint)", async () => {
    const desk = await h.organization('Store out of order');
    const storeId = await storeOf(desk);
    const cursor0 = ((await desk.pull({ messaging_log: 0 })).body.tables.messaging_log as Page).cursor;
    const first = await h.sql.reserve();
    const second = await other.reserve();
    try {
      await first`begin`;
      // The undone write took the organisation's turn and gave it back: the next write must take it again.
      await first`savepoint undone`;
      await first`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status)
                  values (${storeId}, '256700000009', 'inbound', '{"text":"undone"}', 'received')`;
      await first`rollback to savepoint undone`;
      await first`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status)
                  values (${storeId}, '256700000001', 'inbound', '{"text":"first"}', 'received')`;
      await second`begin`;
      const secondDone = Promise.all([
        second`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status)
               values (${storeId}, '256700000002', 'inbound', '{"text":"second"}', 'received')`.execute(),
        second`commit`.execute(),
      ]);
      await committedOrWaiting(secondDone, '256700000002');

      const during = (await desk.pull({ messaging_log: cursor0 })).body.tables.messaging_log as Page;
      await first`commit`;
      await secondDone;
      const after = (await desk.pull({ messaging_log: during.cursor })).body.tables.messaging_log as Page;
      expect(after.cursor).toBeGreaterThanOrEqual(during.cursor);
      const phones = [...during.changes, ...after.changes].map((c) => (c as Extract<Change, { op: 'upsert' }>).row.customer_phone);
      expect(phones.sort()).toEqual(['256700000001', '256700000002']);
    } finally {
      await first`rollback`.catch(() => {});
      first.release();
      second.release();
    }
  });

  /** A message written in an open transaction on `conn`; the caller commits or rolls back. */
  const openWrite = async (conn: postgres.ReservedSql, storeId: string, phone: string) => {
    await conn`begin`;
    await conn`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status)
               values (${storeId}, ${phone}, 'inbound', '{"text":"Hi"}', 'received')`;
  };
  const phonesOf = (...pages: Page[]) =>
    pages.flatMap((p) => p.changes.map((c) => String((c as Extract<Change, { op: 'upsert' }>).row.customer_phone))).sort();

  it("lets a store's later writer commit while an earlier one is still open, and a pull between them holds the later row back until the earlier has committed, so neither is missed or pulled twice", async () => {
    const desk = await h.organization('Writers that do not wait');
    const storeId = await storeOf(desk);
    const cursor0 = ((await desk.pull({ messaging_log: 0 })).body.tables.messaging_log as Page).cursor;
    const first = await h.sql.reserve();
    const second = await other.reserve();
    let settling: Promise<unknown> = Promise.resolve();
    try {
      await openWrite(first, storeId, '256700000021');
      const secondDone = (async () => {
        await openWrite(second, storeId, '256700000022');
        await second`commit`;
      })();
      settling = secondDone.catch(() => {});
      // The later writer commits at once: it waits for no other writer of the organisation.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        secondDone,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the second writer waited for the first')), 10_000))),
      ]).finally(() => clearTimeout(timer));

      const during = (await desk.pull({ messaging_log: cursor0 })).body.tables.messaging_log as Page;
      expect(phonesOf(during)).toEqual([]);
      expect(during.cursor).toBe(cursor0);

      await first`commit`;
      const after = (await desk.pull({ messaging_log: during.cursor })).body.tables.messaging_log as Page;
      expect(phonesOf(during, after)).toEqual(['256700000021', '256700000022']);
      const again = (await desk.pull({ messaging_log: after.cursor })).body.tables.messaging_log as Page;
      expect(again.changes).toEqual([]);
    } finally {
      await first`rollback`.catch(() => {});
      await settling;
      await second`rollback`.catch(() => {});
      first.release();
      second.release();
    }
  });

  it('answers a row held back by an open writer at the next pull once that writer rolls back', async () => {
    const desk = await h.organization('Writer that gives up');
    const storeId = await storeOf(desk);
    const cursor0 = ((await desk.pull({ messaging_log: 0 })).body.tables.messaging_log as Page).cursor;
    const first = await h.sql.reserve();
    const second = await other.reserve();
    try {
      await openWrite(first, storeId, '256700000031');
      await openWrite(second, storeId, '256700000032');
      await second`commit`;
      const during = (await desk.pull({ messaging_log: cursor0 })).body.tables.messaging_log as Page;
      await first`rollback`;
      const after = (await desk.pull({ messaging_log: during.cursor })).body.tables.messaging_log as Page;
      expect(phonesOf(during, after)).toEqual(['256700000032']);
    } finally {
      await first`rollback`.catch(() => {});
      first.release();
      second.release();
    }
  });

  it('keeps the version of a row an update did not change, so desktops do not download it again, and gives a changed one a new version', async () => {
    const desk = await h.organization('Unchanged rows');
    const storeId = await storeOf(desk);
    await message(storeId, '256700000011');
    await message(storeId, '256700000012');
    const start = (await desk.pull({ messaging_log: 0 })).body.tables.messaging_log as Page;
    expect(start.changes).toHaveLength(2);

    // The webhook writes the same status and payload again (a redelivery), and the touch trigger moves updated_at.
    await h.sql`update messaging_log set status = 'received', message_payload = '{"text":"Hi"}' where store_id = ${storeId}`;
    const unchanged = (await desk.pull({ messaging_log: start.cursor })).body.tables.messaging_log as Page;
    expect(unchanged.changes).toEqual([]);
    const [kept] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from messaging_log where store_id = ${storeId} and updated_at = created_at`;
    expect(kept!.n).toBe(2);

    await h.sql`update messaging_log set message_payload = '{"text":"Hi again"}' where store_id = ${storeId} and customer_phone = '256700000012'`;
    await h.sql`update messaging_log set status = 'processed' where store_id = ${storeId} and customer_phone = '256700000011'`;
    const changed = (await desk.pull({ messaging_log: start.cursor })).body.tables.messaging_log as Page;
    expect(changed.changes.map((c) => (c as Extract<Change, { op: 'upsert' }>).row.customer_phone)).toEqual([
      '256700000012',
      '256700000011',
    ]);
    expect(changed.changes.every((c) => c.version > start.cursor)).toBe(true);
  });

  it('shows why: the same interleaving read through an updated_at cursor loses the row that committed late', async () => {
    await h.sql`create table if not exists updated_at_cursor_demo (id text primary key, updated_at timestamptz not null default now())`;
    const early = await other.reserve();
    const late = await h.sql.reserve();
    try {
      await early`begin`;
      await early`insert into updated_at_cursor_demo (id) values (${`b-${randomUUID()}`})`;
      await late`begin`;
      await late`insert into updated_at_cursor_demo (id) values (${`a-${randomUUID()}`})`;
      await late`commit`;
      const [{ cursor } = { cursor: '' }] = await h.sql<
        { cursor: string }[]
      >`select max(updated_at)::text as cursor from updated_at_cursor_demo`;
      await early`commit`;
      const missed = await h.sql`select id from updated_at_cursor_demo where updated_at > ${cursor}::text::timestamptz`;
      const total = await h.sql`select id from updated_at_cursor_demo`;
      expect(total.length).toBe(2);
      // B committed after the pull but carries a timestamp from before A: a cursor on updated_at never sees it.
      expect(missed.length).toBe(0);
    } finally {
      early.release();
      late.release();
      await h.sql`drop table updated_at_cursor_demo`;
    }
  });

  it('answers reset when the cursor is older than the deletions still kept, or ahead of the organisation', async () => {
    const desk = await h.organization('Reset');
    await desk.push(
      mutations(1, [
        { table: 'leads', op: 'upsert', row: rows.lead('919840000001') },
        { table: 'leads', op: 'upsert', row: rows.lead('919840000002') },
      ]),
    );
    const cursor = ((await desk.pull({ leads: 0 })).body.tables.leads as Page).cursor;
    await desk.push(mutations(3, [{ table: 'leads', op: 'delete', row: { phone: '919840000001' } }]));
    await desk.push(mutations(4, [{ table: 'leads', op: 'upsert', row: rows.lead('919840000003') }]));
    await h.sql`select purge_sync_tombstones(interval '0 seconds')`;

    const stale = await desk.pull({ leads: cursor - 1, workshops: 0 });
    expect(stale.body.tables.leads).toMatchObject({ status: 'reset' });
    expect(stale.body.tables.workshops).toMatchObject({ status: 'changes' });
    const ahead = await desk.pull({ leads: 1e12 });
    expect(ahead.body.tables.leads).toMatchObject({ status: 'reset' });
    const fresh = (await desk.pull({ leads: 0 })).body.tables.leads as Page;
    expect(fresh.changes.map((c) => (c as Extract<Change, { op: 'upsert' }>).row.phone).sort()).toEqual(['919840000002', '919840000003']);
  });

  it('walks a table downloading again after a reset to the end, page by page, and starts it over only when more deletions are forgotten meanwhile', async () => {
    const desk = await h.organization('Reset download');
    const phones = ['919850000001', '919850000002', '919850000003', '919850000004'];
    await desk.push(
      mutations(
        1,
        phones.map((phone) => ({ table: 'leads' as const, op: 'upsert' as const, row: rows.lead(phone) })),
      ),
    );
    const old = ((await desk.pull({ leads: 0 })).body.tables.leads as Page).cursor;
    await desk.push(mutations(5, [{ table: 'leads', op: 'delete', row: { phone: phones[0]! } }]));
    await h.sql`select purge_sync_tombstones(interval '0 seconds')`;

    const reset = (await desk.pull({ leads: old })).body.tables.leads as { status: 'reset'; purged_through: number };
    expect(reset.status).toBe('reset');
    // One lead per page: every cursor on the way up is older than the forgotten deletion.
    const seen: string[] = [];
    let cursor = 0;
    let purgedMeanwhile = false;
    for (let more = true; more;) {
      const page = (await desk.pull({ leads: cursor }, 1, { leads: reset.purged_through })).body.tables.leads as Page;
      expect(page.status).toBe('changes');
      for (const change of page.changes) if (change.op === 'upsert') seen.push(String(change.row.phone));
      if (!purgedMeanwhile) {
        purgedMeanwhile = true;
        // Half-way, the nightly purge forgets a deletion made after the download began.
        await desk.push(mutations(6, [{ table: 'leads', op: 'delete', row: { phone: phones[1]! } }]));
        await h.sql`select purge_sync_tombstones(interval '0 seconds')`;
        const again = (await desk.pull({ leads: page.cursor }, 1, { leads: reset.purged_through })).body.tables.leads;
        expect(again).toMatchObject({ status: 'reset' });
        const restart = again as { purged_through: number };
        expect(restart.purged_through).toBeGreaterThan(reset.purged_through);
        reset.purged_through = restart.purged_through;
        seen.length = 0;
        cursor = 0;
        continue;
      }
      cursor = page.cursor;
      more = page.has_more;
    }
    expect(seen.sort()).toEqual(phones.slice(2));
  });

  it("gives a member of organisation B nothing of A's, even when they name A's organisation or A's ids", async () => {
    const a = await h.organization('Tenant A');
    const sessionId = `wa_${randomUUID()}`;
    const workshop = rows.workshop(null);
    await a.push(
      mutations(1, [
        { table: 'whatsapp_sessions', op: 'upsert', row: rows.session(sessionId) },
        { table: 'workshops', op: 'upsert', row: workshop },
        { table: 'leads', op: 'upsert', row: rows.lead('919850000001', 'Secret') },
      ]),
    );
    const b = await h.organization('Tenant B');

    const named = await b.call({
      protocol: 1,
      kind: 'pull',
      organization_id: a.organizationId,
      client_id: b.clientId,
      cursors: { leads: 0 },
    });
    expect(named.status).toBe(403);
    const pushedIntoA = await b.call({
      protocol: 1,
      kind: 'push',
      organization_id: a.organizationId,
      client_id: b.clientId,
      mutations: [{ seq: 1, table: 'leads', op: 'upsert', row: rows.lead('919850000001', 'Hijack') }],
    });
    expect(pushedIntoA.status).toBe(403);

    // Naming A's ids from B's own organisation writes into B only.
    const own = await b.push(
      mutations(1, [
        { table: 'workshops', op: 'upsert', row: { ...workshop, name: 'Overwritten?' } },
        { table: 'leads', op: 'upsert', row: rows.lead('919850000001', 'Hijack') },
        { table: 'leads', op: 'delete', row: { phone: '919850000001' } },
        { table: 'whatsapp_groups', op: 'upsert', row: { session_id: sessionId, group_jid: '120363999999999999@g.us' } },
      ]),
    );
    expect(own.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'rejected']);
    const [aLead] = await h.sql`select name from leads where organization_id = ${a.organizationId} and phone = '919850000001'`;
    const [aWorkshop] = await h.sql`select name from workshops where organization_id = ${a.organizationId} and id = ${workshop.id}`;
    expect([aLead?.name, aWorkshop?.name]).toEqual(['Secret', workshop.name]);

    const all = await b.pull({ leads: 0, workshops: 0, whatsapp_sessions: 0, whatsapp_groups: 0 });
    const text = JSON.stringify(all.body);
    expect(text).not.toContain('Secret');
    expect(text).not.toContain(sessionId);
    expect(all.body.organization_id).toBe(b.organizationId);
  });
});
