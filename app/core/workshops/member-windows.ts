import type { Statement } from 'better-sqlite3';
import { searchTerms } from '../../../shared/search/search-terms.js';
import type { MemberSort, MemberTab, MemberWindow, MemberWindowQuery, WorkshopStats } from '../../../shared/workshops/workshop-schemas.js';
import type { Database } from '../database/open-database.js';
import { mapRows, num, sqlRow, textOf } from '../database/row-reader.js';
import { LeadNameFolds } from './lead-name-folds.js';
import { accountedFor, memberRow, memberTabSource, rawMemberRow, type WorkshopQueries } from './workshop-queries.js';

/**
 * From this many registrations on, Missing pages through the leads' own order indexes
 * (`leads_name_order`, the phone index) and stops after the window, instead of sorting
 * every registration of the workshop for each page.
 */
export const INDEX_WALK_FROM = 2_000;

/** Each tab's order when the coordinator has not picked one: names for Missing, latest first elsewhere. */
const tabOrder: Record<MemberTab, MemberSort> = {
  missing: { key: 'name', direction: 'asc' },
  left: { key: 'left', direction: 'desc' },
  'left-not-registered': { key: 'left', direction: 'desc' },
  'in-group': { key: 'joined', direction: 'desc' },
  'not-registered': { key: 'joined', direction: 'desc' },
};

/**
 * Descending is the exact reverse of ascending: rows without the value (unnamed people,
 * members known only by LID) come last going up and first going down.
 */
function orderSql(sort: MemberSort): string {
  const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
  switch (sort.key) {
    case 'name':
      return `(t.name IS NULL OR t.name = '') ${dir}, t.name COLLATE NOCASE ${dir}, t.phone ${dir}, t.id ${dir}`;
    case 'phone':
      return `t.phone IS NULL ${dir}, t.phone ${dir}, t.id ${dir}`;
    case 'joined':
      return `t.joined_at IS NULL ${dir}, t.joined_at ${dir}, t.id ${dir}`;
    case 'left':
      return `t.left_at IS NULL ${dir}, t.left_at ${dir}, t.id ${dir}`;
  }
}

/** The name without accents or case, a LID, or (for a number) the phone contains what was typed. */
const matchesSearch = `(t.name_folded LIKE @folded ESCAPE '\\' OR t.lid LIKE @text ESCAPE '\\'
  OR (@digits <> '' AND (t.phone LIKE @digits ESCAPE '\\' OR t.lid LIKE @digits ESCAPE '\\')))`;

/** Missing's search, on columns the leads' name index holds: the folded name, and the phone for a number. */
const missingSearch = `(t.name_folded LIKE @folded ESCAPE '\\' OR (@digits <> '' AND t.phone LIKE @digits ESCAPE '\\'))`;

/**
 * Missing in a large workshop, walked in the order of a leads index: each page reads its
 * own rows (plus the accounted-for ones it skips) and every other workshop's leads it
 * passes, never all 50,000 registrations. The search is tested on the index entry first, so
 * only a lead that matches costs the probes of its assignment and its group member.
 */
function missingByIndex(sort: MemberSort, searching: boolean): string {
  const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
  const order = sort.key === 'phone' ? `t.phone ${dir}` : `t.name = '' ${dir}, t.name COLLATE NOCASE ${dir}, t.phone ${dir}`;
  return `
    SELECT t.id, NULL AS lid, t.phone, t.name, t.name_folded, 1 AS registered, NULL AS joined_at, NULL AS joined_source,
           NULL AS left_at, NULL AS left_source, NULL AS removed_by, 0 AS is_admin
    FROM leads t ${sort.key === 'phone' ? '' : 'INDEXED BY leads_name_order'} CROSS JOIN lead_assignments a
    WHERE ${searching ? `${missingSearch} AND` : ''} a.workshop_id = @workshop AND a.lead_id = t.id
      AND NOT EXISTS (SELECT 1 FROM workshop_group_members m WHERE ${accountedFor.replaceAll('l.phone', 't.phone')})
    ORDER BY ${order}
    LIMIT @limit OFFSET @offset`;
}

/**
 * How many of a large workshop's Missing match a search: the workshop's matching leads, read
 * from the name index, less the matching ones the group accounts for (one member row each:
 * phones are unique among leads and within a group). Probing the group once per matching lead
 * instead cost 7 ms more CPU for 11,000 matches among 50,000 leads.
 */
const missingMatchingCount = `
  SELECT (SELECT count(*) FROM leads t INDEXED BY leads_name_order CROSS JOIN lead_assignments a
          WHERE ${missingSearch} AND a.workshop_id = @workshop AND a.lead_id = t.id)
       - (SELECT count(*) FROM workshop_group_members m INDEXED BY members_group_status JOIN leads t ON t.phone = m.phone JOIN lead_assignments a ON a.lead_id = t.id
          WHERE ${accountedFor.replaceAll('l.phone', 't.phone')} AND ${missingSearch} AND a.workshop_id = @workshop) AS n`;

/** The statements a window runs, exported so a test can read their plans. */
export function memberWindowSql(tab: MemberTab, sort: MemberSort | null, searching: boolean, large: boolean) {
  const order = sort && (tab !== 'missing' || sort.key === 'name' || sort.key === 'phone') ? sort : tabOrder[tab];
  const source = memberTabSource[tab];
  const where = searching ? `WHERE ${matchesSearch}` : '';
  return {
    rows:
      tab === 'missing' && large
        ? missingByIndex(order, searching)
        : `SELECT * FROM (${source}) t ${where} ORDER BY ${orderSql(order)} LIMIT @limit OFFSET @offset`,
    count: tab === 'missing' && large ? missingMatchingCount : `SELECT count(*) AS n FROM (${source}) t ${where}`,
  };
}

/**
 * Each tab's size is a card the stats already count (the same rows, counted over the group's
 * members), so a window never counts its tab a second time.
 */
const tabSize: Record<MemberTab, (stats: WorkshopStats) => number> = {
  missing: (stats) => stats.missing,
  left: (stats) => stats.left,
  'left-not-registered': (stats) => stats.leftNotRegistered,
  'in-group': (stats) => stats.inGroup,
  'not-registered': (stats) => stats.inGroupNotRegistered,
};

function likeContaining(text: string): string {
  return text === '' ? '' : `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * A window of one tab, searched and sorted in SQLite: the page asks for the rows on screen
 * and gets them with the tab's size and the number matching, so opening, searching and
 * sorting a 50,000-row tab moves a few hundred rows, not 50,000.
 */
export class MemberWindows {
  private readonly statements = new Map<string, Statement>();
  private readonly folds: LeadNameFolds;
  /** Rows this connection changed so far, and the count of other connections' commits. */
  private readonly version: Statement;
  private lastStats: { workshop: string; group: string | null; version: string; stats: WorkshopStats } | null = null;

  constructor(
    private readonly db: Database,
    private readonly queries: WorkshopQueries,
  ) {
    this.folds = new LeadNameFolds(db);
    this.version = db.prepare(`SELECT total_changes() || ':' || data_version FROM pragma_data_version`).pluck();
  }

  /** `stats` are the workshop's cards if the caller read them after the same commit. */
  window(workshop: string, group: string | null, query: Omit<MemberWindowQuery, 'id'>, stats?: WorkshopStats): MemberWindow {
    return this.read(workshop, group, query, stats ?? this.currentStats(workshop, group));
  }

  /**
   * The cards, read again only when something was written since the last read: opening,
   * searching or sorting a tab writes nothing, and re-counting 50,000 registrations was most
   * of a tab open's CPU in the core. The cards are a function of the stored rows alone (no
   * clock), and every write, from this connection or another, moves the version.
   */
  private currentStats(workshop: string, group: string | null): WorkshopStats {
    const version = textOf(this.version.get(), 'version');
    const cached = this.lastStats;
    if (cached && cached.workshop === workshop && cached.group === group && cached.version === version) return cached.stats;
    const stats = this.queries.stats(workshop, group);
    this.lastStats = { workshop, group, version, stats };
    return stats;
  }

  private read(workshop: string, group: string | null, query: Omit<MemberWindowQuery, 'id'>, stats: WorkshopStats): MemberWindow {
    const { text, folded, digits } = searchTerms(query.search);
    const searching = text !== '';
    if (searching) this.folds.catchUp();
    const large = stats.registered >= INDEX_WALK_FROM;
    const sql = memberWindowSql(query.tab, query.sort, searching, large);
    const params = {
      workshop,
      group: group ?? '',
      text: likeContaining(text),
      folded: likeContaining(folded),
      digits: likeContaining(digits),
    };
    const countOf = (statementSql: string, values: object) => num(sqlRow(this.statement(statementSql).get(values)), 'n');
    const total = tabSize[query.tab](stats);
    const rows = mapRows(this.statement(sql.rows).all({ ...params, limit: query.limit, offset: query.offset }), rawMemberRow);
    // A window that ends short holds the last match: the count is where it ends, no second pass.
    const endsShort = rows.length < query.limit && (rows.length > 0 || query.offset === 0);
    const matching = !searching ? total : endsShort ? query.offset + rows.length : countOf(sql.count, params);
    return {
      total,
      matching,
      offset: query.offset,
      rows: rows.map((row) => memberRow(row, query.tab === 'missing' ? 'lead' : 'member')),
    };
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}
