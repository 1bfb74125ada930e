import { describe, expect, it } from 'vitest';
import { migrations } from './migrations/index.js';

/**
 * These steps build their outbox triggers (and 0013 its catch-up upload) from the
 * synced-table list when they run. A database that ran a step keeps what it got then, so
 * the SQL each step produces is pinned here: an edit of the list that changes it would
 * give new databases other triggers than the ones already out there.
 */
const builtFromTheList = [6, 9, 13, 16];

describe('migrations that build outbox triggers from the synced-table list', () => {
  for (const version of builtFromTheList) {
    const step = migrations.find((migration) => migration.version === version)!;
    it(`${String(version).padStart(4, '0')}-${step.name} still produces the SQL it shipped with, byte for byte`, async () => {
      await expect(step.sql).toMatchFileSnapshot(`./__snapshots__/${String(version).padStart(4, '0')}-${step.name}.sql`);
    });
  }
});
