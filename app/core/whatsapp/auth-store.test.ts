import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { ValueCipher } from '../secrets/value-cipher.js';
import { SessionAuthStore } from './auth-store.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 22, 8, 0, 0);
const cipher = new ValueCipher(randomBytes(32));
let db: BetterSqlite3.Database;

function addSession(id: string): SessionAuthStore {
  db.prepare(
    "INSERT INTO whatsapp_sessions (id, label, transport, state, created_at, updated_at) VALUES (?, 'x', 'baileys', 'open', '', '')",
  ).run(id);
  return new SessionAuthStore(db, cipher, id);
}

const sent = (id: string, ageMs: number) => ({ category: 'sent-message', id, value: `{"conversation":"${id}"}`, storedAt: now - ageMs });
const keptIds = (session: string) =>
  db.prepare("SELECT key_id FROM whatsapp_auth WHERE session_id = ? AND category = 'sent-message' ORDER BY key_id").pluck().all(session);
const rule = { before: now - 30 * DAY, keepNewest: 3, protectFrom: now - DAY };

beforeEach(() => {
  db = new BetterSqlite3(':memory:');
  migrate(db, migrations);
});
afterEach(() => db.close());

describe('pruning the copies of sent messages kept for retries', () => {
  it('drops copies older than the retry window and never touches keys, creds or another account', () => {
    const store = addSession('wa_1');
    const other = addSession('wa_2');
    store.set([sent('old', 31 * DAY), sent('recent', 2 * DAY), { category: 'creds', id: 'creds', value: '{}' }]);
    other.set([sent('theirs', 31 * DAY)]);
    expect(store.prune('sent-message', rule)).toBe(1);
    expect(keptIds('wa_1')).toEqual(['recent']);
    expect(keptIds('wa_2')).toEqual(['theirs']);
    expect(store.get('creds', ['creds']).get('creds')).toBe('{}');
    expect(store.get('sent-message', ['recent']).get('recent')).toBe('{"conversation":"recent"}');
  });

  it('keeps only the newest copies past the count, but every copy from the last day however many there are', () => {
    const store = addSession('wa_1');
    store.set([
      ...['d2', 'd3', 'd4', 'd5'].map((id, index) => sent(id, (index + 2) * DAY)),
      ...['h1', 'h2', 'h3', 'h4', 'h5'].map((id, index) => sent(id, (index + 1) * 3_600_000)),
    ]);
    store.prune('sent-message', rule);
    expect(keptIds('wa_1')).toEqual(['h1', 'h2', 'h3', 'h4', 'h5']);
    store.set([sent('h6', 60_000)]);
    store.prune('sent-message', { ...rule, keepNewest: 7 });
    expect(keptIds('wa_1')).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });

  it('gives copies stored before stamps existed the time of the upgrade, so none is dropped at once', () => {
    const upgraded = new BetterSqlite3(':memory:');
    try {
      migrate(upgraded, migrations.slice(0, 21));
      upgraded
        .prepare(
          "INSERT INTO whatsapp_sessions (id, label, transport, state, created_at, updated_at) VALUES ('wa_1', 'x', 'baileys', 'open', '', '')",
        )
        .run();
      upgraded.prepare("INSERT INTO whatsapp_auth VALUES ('wa_1', 'sent-message', 'legacy', x'00')").run();
      upgraded.prepare("INSERT INTO whatsapp_auth VALUES ('wa_1', 'creds', 'creds', x'00')").run();
      const before = Date.now();
      migrate(upgraded, migrations);
      const stamps = new Map(
        upgraded
          .prepare('SELECT category, stored_at FROM whatsapp_auth')
          .all()
          .map((row) => {
            const { category, stored_at } = row as { category: string; stored_at: number | null };
            return [category, stored_at];
          }),
      );
      expect(stamps.get('creds')).toBeNull();
      expect(stamps.get('sent-message')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    } finally {
      upgraded.close();
    }
  });
});
