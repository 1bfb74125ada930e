import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { openDatabase } from '../database/open-database.js';
import { MessageRepository } from './message-repository.js';

describe('the Messages page history query', () => {
  const dir = makeTempDir('console-history-index-');
  afterAll(() => dir.remove());

  it('reads the newest messages through an index and stops at its window, filtered and searched, instead of sorting the whole queue', () => {
    const { db } = openDatabase({ path: join(dir.path, 'console.sqlite') });
    const repository = new MessageRepository(db);
    const plans = [
      { scope: 'history' as const },
      { scope: 'history' as const, status: ['sent' as const, 'failed' as const], search: 'join link' },
    ].map((filter) => {
      const { sql, params } = repository.listQuery(filter);
      // The outer statement's own steps (parent 0); the rule-name look-ups have their own.
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { parent: number; detail: string }[])
        .filter((step) => step.parent === 0)
        .map((step) => step.detail);
    });
    db.close();
    for (const plan of plans) {
      expect(plan[0]).toBe('SCAN m USING INDEX scheduled_history_order');
      expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY');
    }
  });
});
