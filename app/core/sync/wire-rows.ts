import type { SyncRow } from '../../../shared/sync/sync-protocol.js';
import { syncTables, type SyncTableName } from '../../../shared/sync/sync-tables.js';

/**
 * Rows between SQLite and the wire. SQLite keeps booleans as 0/1; the wire (and Postgres)
 * has true/false. Only the travelling columns leave the machine, whatever else the outbox
 * captured, and a membership event gets its organisation-wide id from the client id.
 */
const booleanColumns: Partial<Record<SyncTableName, readonly string[]>> = {
  whatsapp_groups: ['is_admin'],
  workshop_group_members: ['is_admin'],
  workshop_automation_config: ['enabled'],
};

export function isSyncTable(name: string): name is SyncTableName {
  return Object.hasOwn(syncTables, name);
}

/** The travelling columns of a captured local row (or of its key, for a delete). */
export function toWireRow(table: SyncTableName, captured: Record<string, unknown>, clientId: string, keyOnly: boolean): SyncRow {
  const spec = syncTables[table];
  const local = table === 'membership_events' ? { ...captured, event_id: `${clientId}:${String(captured.id)}` } : captured;
  const names: readonly string[] = keyOnly ? spec.key : spec.columns;
  const booleans = booleanColumns[table] ?? [];
  const row: SyncRow = {};
  for (const name of names) {
    if (!(name in local)) continue;
    const value = local[name];
    row[name] = booleans.includes(name) && typeof value === 'number' ? value === 1 : value;
  }
  return row;
}

/** A pulled value as SQLite stores it: booleans as 0/1, JSON objects and arrays as text. */
export function toLocalValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  return JSON.stringify(value);
}
