import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { WorkshopQueries, workshopQuerySql } from './workshop-queries.js';

describe('query plans of the workshop page', () => {
  const db = new BetterSqlite3(':memory:');
  migrate(db, migrations);

  it.each(Object.entries(workshopQuerySql))('%s reaches members, leads and events through indexes only', (_name, sql) => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ workshop: 'ws', group: 'g@g.us' }) as { detail: string }[]).map((row) => row.detail);
    const fullScans = plan.filter((detail) => /^SCAN (?!CONSTANT ROW)/.test(detail));
    expect(fullScans).toEqual([]);
  });
});

describe('the stat cards of a workshop', () => {
  const created = '2026-11-22T08:00:00.000Z';
  const before = '2026-11-22T07:40:00.000Z';
  const after = '2026-11-22T08:30:00.000Z';
  const group = 'g@g.us';

  function seeded() {
    const db = new BetterSqlite3(':memory:');
    migrate(db, migrations);
    db.prepare(
      `INSERT INTO workshops (id, name, starts_at, starts_at_local, time_zone, duration_minutes, group_jid, created_at, updated_at)
       VALUES ('ws', 'Product Design', '2026-11-23T12:30:00.000Z', '2026-11-23T18:00', 'Asia/Kolkata', 120, @group, @created, @created)`,
    ).run({ group, created });
    const lead = (phone: string) => {
      const id = Number(db.prepare(`INSERT INTO leads (phone, name, created_at, updated_at) VALUES (?, ?, ?, ?)`).run(phone, `Lead ${phone}`, created, created).lastInsertRowid);
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

  it('list the unregistered leavers of the workshop apart, without the ones from before it existed', () => {
    const queries = seeded();
    expect(queries.members('ws', group, 'left-not-registered').map((row) => [row.phone, row.registered])).toEqual([['922', false]]);
  });
});
