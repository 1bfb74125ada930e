import { describe, expect, it } from 'vitest';
import { syncTables } from '../../../shared/sync/sync-tables.js';
import { syncedTables } from './synced-tables.js';

describe('the outbox capture of each uploaded table', () => {
  it("captures every column that travels, except a membership event's organisation-wide id, which is made from the local id at upload", () => {
    const missing = syncedTables.flatMap((table) =>
      syncTables[table.entity].columns.filter((column) => !(column in table.columns)).map((column) => `${table.entity}.${column}`),
    );
    expect(missing).toEqual(['membership_events.event_id']);
    expect(syncedTables.find((table) => table.entity === 'membership_events')?.columns).toHaveProperty('id');
  });
});
