import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { expect } from 'vitest';
import type postgres from 'postgres';
import type { SyncTableName } from '../../../shared/sync/sync-tables.js';
import { asSet, localRowsOf, serverRows } from './sync-world.js';

/** Every table a desktop uploads. */
export const uploadedTables: readonly SyncTableName[] = [
  'whatsapp_sessions',
  'whatsapp_groups',
  'workshop_group_members',
  'membership_events',
  'workshops',
  'leads',
  'lead_assignments',
  'message_templates',
  'workshop_automation_config',
  'scheduled_whatsapp_messages',
  'message_receipts',
];

/** The desktop's outbox is empty and each uploaded table holds exactly the organisation's rows in Postgres. */
export async function expectSameAsServer(
  desktop: { dataDir: string },
  sql: postgres.Sql,
  organisationId: string,
  tables = uploadedTables,
): Promise<void> {
  const db = new BetterSqlite3(join(desktop.dataDir, 'console.sqlite'), { readonly: true });
  try {
    expect(db.prepare('SELECT count(*) FROM sync_outbox').pluck().get()).toBe(0);
  } finally {
    db.close();
  }
  for (const table of tables) {
    const [local, server] = await Promise.all([localRowsOf(desktop.dataDir, table), serverRows(sql, organisationId, table)]);
    expect({ table, rows: asSet(local) }).toEqual({ table, rows: asSet(server) });
  }
}

/** A seeded random, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

let phoneCounter = 0;
/** Fresh phone numbers for simulated members, never reused within a run. */
export function freshPhones(count: number): string[] {
  return Array.from({ length: count }, () => `2567${String(process.pid % 100).padStart(2, '0')}${String(++phoneCounter).padStart(6, '0')}`);
}
