import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { workshopQuerySql } from './workshop-queries.js';

describe('query plans of the workshop page', () => {
  const db = new BetterSqlite3(':memory:');
  migrate(db, migrations);

  it.each(Object.entries(workshopQuerySql))('%s reaches members, leads and events through indexes only', (_name, sql) => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ workshop: 'ws', group: 'g@g.us' }) as { detail: string }[]).map((row) => row.detail);
    const fullScans = plan.filter((detail) => /^SCAN (?!CONSTANT ROW)/.test(detail));
    expect(fullScans).toEqual([]);
  });
});
