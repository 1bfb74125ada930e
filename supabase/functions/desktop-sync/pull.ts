import { type Change, type PullRequest, type PullResponse, syncLimits, type TablePage } from '../../../shared/sync/sync-protocol.ts';
import { pullOrder, type SyncTableName, syncTables, tenantColumn } from '../../../shared/sync/sync-tables.ts';
import type { Sql, Tx } from '../_shared/db.ts';
import { type ColumnTypes, fromColumn } from './column-types.ts';
import { kept } from './prepared.ts';

/**
 * The highest version a pull may answer: below every number a transaction still open may
 * write (see the migration that defines `sync_pull_ceiling`). Read on its own, before the
 * pull's snapshot is taken, or a writer that commits in between could be skipped.
 */
export async function readPullCeiling(sql: Sql): Promise<number> {
  const [row] = await sql.unsafe<{ ceiling: string | null }[]>('select public.sync_pull_ceiling() as ceiling', [], kept);
  return Number(row?.ceiling ?? 0);
}

/**
 * Reads changes after each cursor, up to `ceiling`, in one REPEATABLE READ snapshot taken
 * after the ceiling was read. Every row this snapshot cannot see yet carries a higher
 * number than the ceiling, so the highest version answered is a cursor that skips nothing.
 */
export async function pull(
  tx: Tx,
  organizationId: string,
  request: PullRequest,
  types: ColumnTypes,
  ceiling: number,
): Promise<Omit<PullResponse, 'server_time'>> {
  const [state] = await tx.unsafe<{ horizon: string; purged_through: string | null }[]>(
    `select (select last_value from public.sync_version_seq) as horizon,
            (select purged_through from public.organization_sync_state where organization_id = $1::uuid) as purged_through`,
    [organizationId],
    kept,
  );
  // No number above the sequence's position exists anywhere: a cursor beyond it comes from elsewhere.
  const horizon = Number(state?.horizon ?? 0);
  const purgedThrough = Number(state?.purged_through ?? 0);
  const perTable = Math.min(request.limit ?? syncLimits.defaultChangesPerTable, syncLimits.maxChangesPerTable);
  let budget = syncLimits.maxChangesPerPull;
  let version = 0;
  let stores: string[] | undefined;
  const tables: Partial<Record<SyncTableName, TablePage>> = {};

  for (const table of pullOrder) {
    const cursor = request.cursors[table];
    if (cursor === undefined) continue;
    const resetFrom = request.resets?.[table];
    if (cursor > horizon) {
      tables[table] = {
        status: 'reset',
        reason: 'The cursor is ahead of this organisation’s data (restored or another project): pull the table again',
        purged_through: purgedThrough,
      };
      continue;
    }
    // A table downloading again from 0 passes through versions older than the forgotten
    // deletions on its way up; what it must not miss is a deletion forgotten since it began.
    if (resetFrom !== undefined ? purgedThrough > resetFrom : cursor > 0 && cursor < purgedThrough) {
      tables[table] = {
        status: 'reset',
        reason: 'Deletions older than this cursor are no longer kept: pull the table again',
        purged_through: purgedThrough,
      };
      continue;
    }
    if (budget <= 0) {
      tables[table] = { status: 'changes', changes: [], cursor, has_more: true };
      continue;
    }
    const limit = Math.min(perTable, budget);
    stores ??= (
      await tx.unsafe<{ id: string }[]>('select id from public.store_settings where organization_id = $1::uuid', [organizationId], kept)
    ).map((s) => s.id);
    const page = await readTable(tx, organizationId, stores, table, cursor, ceiling, limit, types);
    budget -= page.changes.length;
    tables[table] = page;
    version = Math.max(version, page.cursor);
  }
  return { kind: 'pull', organization_id: organizationId, tables, version };
}

async function readTable(
  tx: Tx,
  organizationId: string,
  stores: string[],
  table: SyncTableName,
  cursor: number,
  ceiling: number,
  limit: number,
  types: ColumnTypes,
): Promise<Extract<TablePage, { status: 'changes' }>> {
  const spec = syncTables[table];
  const columns = [...spec.columns, 'updated_at'];
  // One store (the usual case) is an equality, so the (store_id, sync_version) index also gives the order.
  const byStore = tenantColumn(table) === 'store_id';
  const scope = byStore ? (stores.length === 1 ? 't.store_id = $1::uuid' : 't.store_id = any($1::uuid[])') : 't.organization_id = $1::uuid';
  const params: (string | string[])[] = [organizationId, String(cursor), String(limit + 1), String(ceiling)];
  if (byStore && !stores.length) return { status: 'changes', changes: [], cursor, has_more: false };
  const rowParams = byStore ? [stores.length === 1 ? stores[0]! : stores, ...params.slice(1)] : params;
  // Rows and tombstones, each at most limit + 1 (one more tells whether more are waiting).
  const [rows, tombstones] = await Promise.all([
    tx.unsafe<Record<string, unknown>[]>(
      `select ${columns.map((c) => `t.${c}`).join(', ')}, t.sync_version from public.${table} t
       where ${scope} and t.sync_version > $2::int8 and t.sync_version <= $4::int8
       order by t.sync_version limit $3::int8`,
      rowParams,
      kept,
    ),
    tx.unsafe<{ row_key: Record<string, unknown>; sync_version: string }[]>(
      `select row_key, sync_version from public.sync_tombstones
       where organization_id = $1::uuid and table_name = '${table}' and sync_version > $2::int8 and sync_version <= $4::int8
       order by sync_version limit $3::int8`,
      params,
      kept,
    ),
  ]);
  const changes: Change[] = [];
  let r = 0;
  let d = 0;
  while (changes.length < limit + 1 && (r < rows.length || d < tombstones.length)) {
    const rowVersion = r < rows.length ? Number(rows[r]!.sync_version) : Infinity;
    const tombVersion = d < tombstones.length ? Number(tombstones[d]!.sync_version) : Infinity;
    if (rowVersion < tombVersion) {
      const row = rows[r++]!;
      const wire: Record<string, unknown> = {};
      for (const column of columns) wire[column] = fromColumn(row[column], types[table][column] ?? 'text');
      changes.push({ op: 'upsert', version: rowVersion, row: wire });
    } else {
      changes.push({ op: 'delete', version: tombVersion, key: tombstones[d++]!.row_key });
    }
  }
  const hasMore = changes.length > limit;
  if (hasMore) changes.length = limit;
  return { status: 'changes', changes, cursor: changes.at(-1)?.version ?? cursor, has_more: hasMore };
}
