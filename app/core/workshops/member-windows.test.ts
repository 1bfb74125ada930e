import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { foldForSearch } from '../../../shared/search/search-terms.js';
import type { MemberRow, MemberSort, MemberTab } from '../../../shared/workshops/workshop-schemas.js';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { INDEX_WALK_FROM, MemberWindows, memberWindowSql } from './member-windows.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { WorkshopQueries } from './workshop-queries.js';

const created = '2026-11-22T08:00:00.000Z';
const group = 'g@g.us';

/** Names typed with the letters of their language: lead 9 stays Missing, lead 21 is in the group. */
const accented: Record<number, string> = { 9: 'Ayşe Ağaoğlu', 21: 'Çağla Öztürk' };

/**
 * A workshop of `size` leads (a few unnamed, names in mixed case), a second workshop whose
 * leads share the table, and a group where every 7th lead is a member and every 11th left.
 */
function seeded(size: number) {
  const db = new BetterSqlite3(':memory:');
  migrate(db, migrations);
  db.transaction(() => {
    const workshop = db.prepare(
      `INSERT INTO workshops (id, name, starts_at, starts_at_local, time_zone, duration_minutes, group_jid, created_at, updated_at)
       VALUES (?, 'W', '2026-11-23T12:30:00.000Z', '2026-11-23T18:00', 'Asia/Kolkata', 60, ?, @created, @created)`,
    );
    workshop.run('ws', group, { created });
    workshop.run('other', null, { created });
    const lead = db.prepare('INSERT INTO leads (id, phone, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    const assign = db.prepare('INSERT INTO lead_assignments (workshop_id, lead_id, created_at) VALUES (?, ?, ?)');
    const member = db.prepare(
      `INSERT INTO workshop_group_members (group_jid, phone, status, joined_at, joined_source, left_at, left_source, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'live', ?, ?, ?, ?)`,
    );
    for (let i = 1; i <= size * 2; i++) {
      const phone = `9170${String((i * 7919) % 1_000_000).padStart(8, '0')}`;
      const name =
        accented[i] ??
        (i % 97 === 0 ? '' : `${i % 3 ? 'lead' : 'Lead'} ${String((i * 31) % 500).padStart(3, '0')}${i === 5 ? ' 50%_off' : ''}`);
      lead.run(i, phone, name, created, created);
      assign.run(i % 2 ? 'ws' : 'other', i, created);
      if (i % 7 === 0)
        member.run(group, phone, 'active', `2026-11-22T09:${String(i % 60).padStart(2, '0')}:00.000Z`, null, null, created, created);
      else if (i % 11 === 0) member.run(group, phone, 'left', created, '2026-11-22T10:00:00.000Z', 'live', created, created);
    }
    member.run(group, '919818861043', 'active', '2026-11-22T09:00:00.000Z', null, null, created, created);
  })();
  db.exec('ANALYZE');
  const queries = new WorkshopQueries(db);
  return { db, queries, windows: new MemberWindows(db, queries) };
}

function sortValue(row: MemberRow, sort: MemberSort): string | null {
  return { name: row.name?.toLowerCase() ?? null, phone: row.phone, joined: row.joinedAt, left: row.leftAt }[sort.key];
}

/** What the tab shows in the given order, computed here from the whole list. */
function expected(all: MemberRow[], search: string, sort: MemberSort): MemberRow[] {
  const text = search.trim().toLowerCase();
  const digits = /\p{L}/u.test(text) ? '' : text.replace(/\D/g, '').replace(/^0+/, '');
  const found = all.filter(
    (row) =>
      text === '' ||
      foldForSearch(row.name ?? '').includes(foldForSearch(text)) ||
      (row.lid ?? '').includes(text) ||
      (digits !== '' && ((row.phone ?? '').includes(digits) || (row.lid ?? '').includes(digits))),
  );
  const value = (row: MemberRow) => sortValue(row, sort);
  const sign = sort.direction === 'asc' ? 1 : -1;
  const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  return found.sort((a, b) => sign * (compare(value(a), value(b)) || compare(a.phone, b.phone) || (a.key < b.key ? -1 : 1)));
}

describe.each([
  ['a small workshop, sorted in SQLite', 300],
  ['a workshop large enough to walk the leads indexes', INDEX_WALK_FROM + 100],
])('windows of %s', (_label, size) => {
  const { db, windows, queries } = seeded(size);

  it.each([
    ['missing', '', { key: 'name', direction: 'asc' }],
    ['missing', '', { key: 'name', direction: 'desc' }],
    ['missing', 'LEAD 04', { key: 'phone', direction: 'asc' }],
    ['missing', '7 0', { key: 'phone', direction: 'desc' }],
    ['missing', '50%_', { key: 'name', direction: 'asc' }],
    ['in-group', 'lead 1', { key: 'name', direction: 'asc' }],
    ['left', '', { key: 'left', direction: 'desc' }],
    ['not-registered', '098188 61043', { key: 'joined', direction: 'desc' }],
    ['missing', 'agaoglu', { key: 'name', direction: 'asc' }],
    ['missing', 'AĞAOĞLU', { key: 'phone', direction: 'desc' }],
    ['in-group', 'cagla ozturk', { key: 'name', direction: 'asc' }],
  ] as [MemberTab, string, MemberSort][])(
    '%s searched for "%s", sorted %o: pages put together are the whole filtered, sorted tab',
    (tab, search, sort) => {
      const all = queries.members('ws', group, tab);
      const want = expected(all, search, sort);
      const pages: MemberRow[] = [];
      for (let offset = 0; ; offset += 97) {
        const page = windows.window('ws', group, { tab, search, sort, offset, limit: 97 });
        expect(page).toMatchObject({ total: all.length, matching: want.length, offset });
        if (page.rows.length === 0) break;
        pages.push(...page.rows);
      }
      // Rows that tie on the sort column (the same time) may come in either order; the rest must match.
      const order = (rows: MemberRow[]) => rows.map((row) => [sortValue(row, sort), sort.key === 'name' ? row.phone : null]);
      expect(pages.map((row) => row.key).sort()).toEqual(want.map((row) => row.key).sort());
      expect(order(pages)).toEqual(order(want));
      expect(want.length).toBeGreaterThan(0);
    },
  );

  it('finds a name without its accents, and with them typed in capitals: "agaoglu" and "AĞAOĞLU" find "Ayşe Ağaoğlu"', () => {
    for (const search of ['agaoglu', 'AĞAOĞLU', 'ayse'])
      expect(windows.window('ws', group, { tab: 'missing', search, sort: null, offset: 0, limit: 10 }).rows.map((row) => row.name)).toEqual(
        ['Ayşe Ağaoğlu'],
      );
    expect(
      windows.window('ws', group, { tab: 'in-group', search: 'ÇAĞLA', sort: null, offset: 0, limit: 10 }).rows.map((row) => row.name),
    ).toEqual(['Çağla Öztürk']);
  });

  it('finds a person by the new name once renamed by any writer (here plain SQL, as a pull from another desktop writes it)', () => {
    db.prepare("UPDATE leads SET name = 'Şükrü Çelik' WHERE id = 9").run();
    const search = (text: string) =>
      windows.window('ws', group, { tab: 'missing', search: text, sort: null, offset: 0, limit: 10 }).rows.map((row) => row.name);
    expect(search('sukru celik')).toEqual(['Şükrü Çelik']);
    expect(search('agaoglu')).toEqual([]);
    db.prepare("UPDATE leads SET name = 'Ayşe Ağaoğlu' WHERE id = 9").run();
  });

  it('a tab size follows a join and a leave written after its last window by any writer (plain SQL here), never a stale card', () => {
    const size = (tab: MemberTab) => windows.window('ws', group, { tab, search: '', sort: null, offset: 0, limit: 1 }).total;
    const [missing, inGroup] = [size('missing'), size('in-group')];
    const lead = db.prepare('SELECT phone FROM leads WHERE id = 9').get() as { phone: string };
    db.prepare(
      `INSERT INTO workshop_group_members (group_jid, phone, status, joined_at, joined_source, created_at, updated_at)
       VALUES (?, ?, 'active', @created, 'live', @created, @created)`,
    ).run(group, lead.phone, { created });
    expect([size('missing'), size('in-group')]).toEqual([missing - 1, inGroup + 1]);
    db.prepare('DELETE FROM workshop_group_members WHERE group_jid = ? AND phone = ?').run(group, lead.phone);
    expect([size('missing'), size('in-group')]).toEqual([missing, inGroup]);
  });

  it('Missing without a sort is by name, unnamed people last, and its size is the card', () => {
    const page = windows.window('ws', group, { tab: 'missing', search: '', sort: null, offset: 0, limit: 5 });
    expect(page.total).toBe(queries.stats('ws', group).missing);
    expect(page.rows.map((row) => row.name)).toEqual(
      expected(queries.members('ws', group, 'missing'), '', { key: 'name', direction: 'asc' })
        .slice(0, 5)
        .map((row) => row.name),
    );
    const last = windows.window('ws', group, { tab: 'missing', search: '', sort: null, offset: page.total - 1, limit: 5 });
    expect(last.rows.map((row) => row.name)).toEqual([null]);
  });
});

describe('the size of a tab when another connection writes', () => {
  it('follows a join committed by another connection to the same database file after the last window', () => {
    const dir = makeTempDir('member-windows-');
    try {
      seeded(300).db.exec(`VACUUM INTO '${join(dir.path, 'console.db')}'`);
      const db = new BetterSqlite3(join(dir.path, 'console.db'));
      const other = new BetterSqlite3(join(dir.path, 'console.db'));
      const windows = new MemberWindows(db, new WorkshopQueries(db));
      const missing = () => windows.window('ws', group, { tab: 'missing', search: '', sort: null, offset: 0, limit: 1 }).total;
      const before = missing();
      const lead = db.prepare('SELECT phone FROM leads WHERE id = 9').get() as { phone: string };
      other
        .prepare(
          `INSERT INTO workshop_group_members (group_jid, phone, status, joined_at, joined_source, created_at, updated_at)
           VALUES (?, ?, 'active', @created, 'live', @created, @created)`,
        )
        .run(group, lead.phone, { created });
      expect(missing()).toBe(before - 1);
      other.close();
      db.close();
    } finally {
      dir.remove();
    }
  });
});

describe('plans of the Missing window of a large workshop', () => {
  const { db } = seeded(INDEX_WALK_FROM + 100);
  const plan = (sql: string) =>
    (
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ workshop: 'ws', group, text: '', folded: '', digits: '', limit: 200, offset: 0 }) as {
        detail: string;
      }[]
    ).map((row) => row.detail);

  it.each([
    [{ key: 'name', direction: 'asc' }],
    [{ key: 'name', direction: 'desc' }],
    [{ key: 'phone', direction: 'asc' }],
    [{ key: 'phone', direction: 'desc' }],
  ] as [MemberSort][])('sorted %o: read in index order, stopping after the window, nothing sorted', (sort) => {
    for (const searching of [false, true]) {
      const steps = plan(memberWindowSql('missing', sort, searching, true).rows);
      expect(steps.filter((step) => step.includes('TEMP B-TREE'))).toEqual([]);
      expect(steps.some((step) => /^SCAN t USING (COVERING )?INDEX (leads_name_order|sqlite_autoindex_leads_1)/.test(step))).toBe(true);
      expect(steps.filter((step) => /lead_assignments|^(SEARCH|SCAN) a /.test(step))).toEqual([
        expect.stringMatching(
          /^SEARCH a USING (PRIMARY KEY|COVERING INDEX lead_assignments_lead) \((workshop_id=\? AND lead_id=\?|lead_id=\? AND workshop_id=\?)\)$/,
        ),
      ]);
    }
  });

  it('counts the matches of a search from the name index and the members of the group, with no probe of the group per lead', () => {
    const steps = plan(memberWindowSql('missing', null, true, true).count);
    expect(steps.filter((step) => /^SCAN (?!CONSTANT ROW|t USING COVERING INDEX leads_name_order)/.test(step))).toEqual([]);
    expect(steps.filter((step) => step.startsWith('CORRELATED'))).toEqual([]);
    expect(steps).toContain('SCAN t USING COVERING INDEX leads_name_order');
  });
});
