import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../tests/support/console-call.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { createTestCore } from '../../../tests/support/test-core.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import type { Core } from '../composition-root.js';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

let dir: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let core: Core;
let file: BetterSqlite3.Database;

beforeEach(() => {
  dir = makeTempDir();
  clock = new FakeClock(T0);
  core = createTestCore({ dataDir: dir.path, clock });
  // A second connection, as the sync loop's own write of a refused edit would leave it.
  file = new BetterSqlite3(join(dir.path, 'console.sqlite'));
  file
    .prepare(
      `INSERT INTO sync_conflicts (entity, row_key, reason, message, local_payload, detected_at)
       VALUES ('workshops', 'ws_1', 'stale', 'Changed in the CRM meanwhile; the CRM''s version is kept.', ?, ?)`,
    )
    .run(JSON.stringify({ id: 'ws_1', name: 'Design Sprint' }), new Date(T0).toISOString());
});
afterEach(async () => {
  file.close();
  await core.stop();
  dir.remove();
});

describe('a lost edit the console reports', () => {
  it("is listed until the coordinator dismisses it, and the dismissal is dated by the console's clock", async () => {
    const [conflict] = (await call(core, 'sync:status', {})).sync.conflicts;
    expect(conflict).toMatchObject({ subject: 'Workshop “Design Sprint”', reason: 'stale' });

    clock.advance(90_000);
    const after = await call(core, 'sync:dismiss-conflict', { id: conflict!.id });

    expect(after.sync.conflicts).toEqual([]);
    expect(file.prepare('SELECT dismissed_at FROM sync_conflicts WHERE id = ?').pluck().get(conflict!.id)).toBe(
      new Date(T0 + 90_000).toISOString(),
    );
  });
});
