import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { WorkshopQueries, workshopQuerySql } from './workshop-queries.js';

describe('query plans of the workshop page', () => {
  const db = new BetterSqlite3(':memory:');
  migrate(db, migrations);

  it.each(Object.entries(workshopQuerySql))('%s reaches members, leads and events through indexes only', (_name, sql) => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ workshop: 'ws', group: 'g@g.us', after: 0 }) as { detail: string }[]).map(
      (row) => row.detail,
    );
    const fullScans = plan.filter((detail) => /^SCAN (?!CONSTANT ROW)/.test(detail));
    expect(fullScans).toEqual([]);
  });
});

describe('query plans at the size coordinators reach, after ANALYZE', () => {
  // 5,000 leads and ten groups of 300: the statistics that make SQLite pick its plans.
  const db = new BetterSqlite3(':memory:');
  migrate(db, migrations);
  const at = '2026-11-22T08:00:00.000Z';
  db.transaction(() => {
    db.prepare(
      `INSERT INTO workshops (id, name, starts_at, starts_at_local, time_zone, duration_minutes, group_jid, created_at, updated_at)
                VALUES ('ws', 'Big', @at, '2026-11-22T13:30', 'Asia/Kolkata', 60, 'g0@g.us', @at, @at)`,
    ).run({ at });
    const lead = db.prepare('INSERT INTO leads (id, phone, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    const assign = db.prepare("INSERT INTO lead_assignments (workshop_id, lead_id, created_at) VALUES ('ws', ?, ?)");
    for (let i = 1; i <= 5_000; i++) {
      lead.run(i, `9180000${String(i).padStart(5, '0')}`, `Lead ${i}`, at, at);
      assign.run(i, at);
    }
    const member = db.prepare(
      `INSERT INTO workshop_group_members (group_jid, phone, status, joined_at, joined_source, created_at, updated_at) VALUES (?, ?, ?, ?, 'live', ?, ?)`,
    );
    for (let g = 0; g < 10; g++)
      for (let i = 1; i <= 300; i++)
        member.run(`g${g}@g.us`, `9180000${String(i * 7).padStart(5, '0')}`, i % 10 ? 'active' : 'left', at, at, at);
  })();
  db.exec('ANALYZE');

  const plan = (sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ workshop: 'ws', group: 'g0@g.us', after: 0 }) as { detail: string }[]).map(
      (row) => row.detail,
    );

  it.each(Object.entries(workshopQuerySql))('%s reads the group through its indexes, never every member of every group', (_name, sql) => {
    expect(plan(sql).filter((detail) => /^SCAN (?!CONSTANT ROW)/.test(detail))).toEqual([]);
  });

  it('the stats never build the list of every registered phone, nor probe the group once per lead', () => {
    const stats = plan(workshopQuerySql.stats);
    expect(stats.filter((detail) => detail.startsWith('LIST SUBQUERY'))).toEqual([]);
    // Leads are only counted through the workshop's primary-key range; members drive every join.
    expect(stats.filter((detail) => /SEARCH (a|lead_assignments) USING PRIMARY KEY \(workshop_id=\?\)$/.test(detail))).toHaveLength(1);
    expect(stats.filter((detail) => detail.includes('members_group_phone'))).toEqual([]);
  });
});

describe('the stat cards of a workshop', () => {
  const created = '2026-11-22T08:00:00.000Z';
  const before = '2026-11-22T07:40:00.000Z';
  const after = '2026-11-22T08:30:00.000Z';
  const group = 'g@g.us';

  /** With `ownPhone`, the group is linked through that account, which is a member of it too. */
  function seeded({ ownPhone }: { ownPhone?: string } = {}) {
    const db = new BetterSqlite3(':memory:');
    migrate(db, migrations);
    db.prepare(
      `INSERT INTO whatsapp_sessions (id, label, transport, state, phone, created_at, updated_at)
       VALUES ('s1', 'Coordinator', 'simulator', 'open', @phone, @created, @created)`,
    ).run({ phone: ownPhone ?? null, created });
    db.prepare(
      `INSERT INTO workshops (id, name, starts_at, starts_at_local, time_zone, duration_minutes, session_id, group_jid, created_at, updated_at)
       VALUES ('ws', 'Product Design', '2026-11-23T12:30:00.000Z', '2026-11-23T18:00', 'Asia/Kolkata', 120, 's1', @group, @created, @created)`,
    ).run({ group, created });
    const lead = (phone: string) => {
      const id = Number(
        db
          .prepare(`INSERT INTO leads (phone, name, created_at, updated_at) VALUES (?, ?, ?, ?)`)
          .run(phone, `Lead ${phone}`, created, created).lastInsertRowid,
      );
      db.prepare(`INSERT INTO lead_assignments (workshop_id, lead_id, created_at) VALUES ('ws', ?, ?)`).run(id, created);
    };
    const member = (phone: string, status: 'active' | 'left', leftAt: string | null) =>
      db
        .prepare(
          `INSERT INTO workshop_group_members (group_jid, phone, status, joined_at, joined_source, left_at, left_source, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'live', ?, ?, ?, ?)`,
        )
        .run(group, phone, status, before, leftAt, leftAt ? 'live' : null, before, before);
    // Registered: two in the group, one who left after the workshop was created, one who left
    // before it existed, one never seen.
    ['911', '912', '913', '914', '915'].forEach(lead);
    member('911', 'active', null);
    member('912', 'active', null);
    member('913', 'left', after);
    member('914', 'left', before);
    // Not registered: one in the group, one who left after creation, one before.
    member('921', 'active', null);
    member('922', 'left', after);
    member('923', 'left', before);
    if (ownPhone) member(ownPhone, 'active', null);
    return new WorkshopQueries(db);
  }

  it('partition the registered leads: Registered = In Group + Missing + Left, Left only registered leads who left after the workshop was created', () => {
    const queries = seeded();
    const stats = queries.stats('ws', group);
    expect(stats).toMatchObject({ registered: 5, inGroup: 2, left: 1, missing: 2, leftNotRegistered: 1, inGroupNotRegistered: 1 });
    expect(stats.inGroup + stats.missing + stats.left).toBe(stats.registered);
    expect(queries.members('ws', group, 'left').map((row) => row.phone)).toEqual(['913']);
    // Whoever left before the workshop existed is simply not in the group: Missing, to be reminded.
    expect(queries.members('ws', group, 'missing').map((row) => row.phone)).toEqual(['914', '915']);
  });

  it('never count the coordinator’s own account, a member of every group it links, as in the group but not registered', () => {
    const queries = seeded({ ownPhone: '15550100001' });
    expect(queries.stats('ws', group)).toMatchObject({ registered: 5, inGroup: 2, inGroupNotRegistered: 1 });
    expect(queries.members('ws', group, 'not-registered').map((row) => row.phone)).toEqual(['921']);
  });

  it('list the unregistered leavers of the workshop apart, without the ones from before it existed', () => {
    const queries = seeded();
    expect(queries.members('ws', group, 'left-not-registered').map((row) => [row.phone, row.registered])).toEqual([['922', false]]);
  });
});
