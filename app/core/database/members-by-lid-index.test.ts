import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { openDatabase } from './open-database.js';

describe('finding the members known only by a LID', () => {
  const dir = makeTempDir('console-lid-index-');
  afterAll(() => dir.remove());

  it('reads an index, not the whole members table, for each LID ↔ phone pair WhatsApp reports', () => {
    const { db } = openDatabase({ path: join(dir.path, 'console.sqlite') });
    // The look-up the membership ledger makes for every pair a group's metadata carries.
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT group_jid, id FROM workshop_group_members WHERE lid = ? AND phone IS NULL')
      .all('88000000001@lid') as { detail: string }[];
    db.close();
    expect(plan.map((step) => step.detail).join('; ')).toMatch(/SEARCH workshop_group_members USING INDEX \w+ \(lid=\?\)/);
  });
});
