import { type Change, type PullRequest, type PullResponse, syncLimits, type TablePage } from '../../../shared/sync/sync-protocol.ts';
import { pullOrder, type SyncTableName, syncTables } from '../../../shared/sync/sync-tables.ts';
import type { Tx } from '../_shared/db.ts';
import { type ColumnTypes, fromColumn } from './column-types.ts';

/**
 * Reads changes after each cursor, up to the organisation's version as this transaction
 * sees it. Run in a REPEATABLE READ transaction: the version and the rows come from one
 * snapshot, and because versions are taken in commit order every change numbered up to
 * that version is visible in it, so answering `cursor = version` skips nothing.
 */
export async function pull(tx: Tx, organizationId: string, request: PullRequest, types: ColumnTypes): Promise<Omit<PullResponse, 'server_time'>> {
  const [state] = await tx.unsafe<{ version: string; purged_through: string }[]>(
    'select version, purged_through from public.organization_sync_state where organization_id = $1::uuid',
    [organizationId],
  );
  const version = Number(state?.version ?? 0);
  const purgedThrough = Number(state?.purged_through ?? 0);
  const perTable = Math.min(request.limit ?? syncLimits.defaultChangesPerTable, syncLimits.maxChangesPerTable);
  let budget = syncLimits.maxChangesPerPull;
  const tables: Partial<Record<SyncTableName, TablePage>> = {};

  for (const table of pullOrder) {
    const cursor = request.cursors[table];
    if (cursor === undefined) continue;
    if (cursor > version) {
      tables[table] = { status: 'reset', reason: 'The cursor is ahead of this organisation’s data (restored or another project): pull the table again' };
      continue;
    }
    if (cursor > 0 && cursor < purgedThrough) {
      tables[table] = { status: 'reset', reason: 'Deletions older than this cursor are no longer kept: pull the table again' };
      continue;
    }
    if (budget <= 0) {
      tables[table] = { status: 'changes', changes: [], cursor, has_more: cursor < version };
      continue;
    }
    const limit = Math.min(perTable, budget);
    const page = await readTable(tx, organizationId, table, cursor, version, limit, types);
    budget -= page.changes.length;
    tables[table] = page;
  }
  return { kind: 'pull', organization_id: organizationId, tables, version };
}

async function readTable(tx: Tx, organizationId: string, table: SyncTableName, cursor: number, version: number, limit: number, types: ColumnTypes): Promise<Extract<TablePage, { status: 'changes' }>> {
  const spec = syncTables[table];
  const columns = [...spec.columns, 'updated_at'];
  const scope = spec.direction === 'server'
    ? 't.store_id in (select s.id from public.store_settings s where s.organization_id = $1::uuid)'
    : 't.organization_id = $1::uuid';
  const params = [organizationId, String(cursor), String(version), String(limit + 1)];
  // Rows and tombstones, each at most limit + 1 (one more tells whether more are waiting).
  const [rows, tombstones] = await Promise.all([
    tx.unsafe<Record<string, unknown>[]>(
      `select ${columns.map((c) => `t.${c}`).join(', ')}, t.sync_version from public.${table} t
       where ${scope} and t.sync_version > $2::int8 and t.sync_version <= $3::int8
       order by t.sync_version limit $4::int8`,
      params,
    ),
    tx.unsafe<{ row_key: Record<string, unknown>; sync_version: string }[]>(
      `select row_key, sync_version from public.sync_tombstones
       where organization_id = $1::uuid and table_name = '${table}' and sync_version > $2::int8 and sync_version <= $3::int8
       order by sync_version limit $4::int8`,
      params,
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
  return { status: 'changes', changes, cursor: hasMore ? changes.at(-1)!.version : version, has_more: hasMore };
}
