import BetterSqlite3 from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../shared/sync/sync-protocol.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { migrate } from '../database/migration.js';
import { migrations } from '../database/migrations/index.js';
import { createLogger } from '../logging/logger.js';
import { Outbox } from '../sync/outbox.js';
import { type AppliedChanges, PullApplier } from '../sync/pull-applier.js';
import { SyncStateStore } from '../sync/sync-state-store.js';
import { InboxQueries } from './inbox-queries.js';
import { InboxSearchIndex } from './inbox-search-index.js';
import { OrderQueries } from './order-queries.js';

// The per-conversation summary and the search index are kept by triggers as pulls write the
// mirrored messaging log. Here random pulls (new messages, edits that move a message to
// another customer or time, tombstones, a reset and the download after it) go through the
// real pull code, and after each page both are compared with what the messages say when
// counted again from scratch.

const STORES = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
const PHONES = Array.from({ length: 12 }, (_, i) => `2567000000${String(i).padStart(2, '0')}`);
const NAMES = ['Amina', 'Brian', 'Cissy', 'Dora'];
const WORDS = ['parcel', 'blue', 'mug', 'deliver', 'Kampala', 'price', 'thanks', 'ADD', 'CART'];
const DAY = Date.UTC(2026, 2, 10, 8, 0, 0);

/** A small seeded generator, so a failure can be replayed exactly. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

type Rng = ReturnType<typeof random>;
type ServerRow = Record<string, unknown> & { id: string };

function serverRow(rng: Rng, id: string): ServerRow {
  const type = rng.pick(['inbound', 'inbound', 'outbound_text', 'outbound_template', 'channel_error']);
  const sentence = Array.from({ length: 1 + Math.floor(rng.next() * 4) }, () => rng.pick(WORDS)).join(' ');
  let payload: unknown;
  if (rng.chance(0.05)) payload = '{not json';
  else if (type === 'inbound')
    payload = {
      message: rng.chance(0.8) ? { type: 'text', text: { body: sentence } } : { type: 'button', button: { text: sentence } },
      ...(rng.chance(0.7) ? { contact_name: rng.chance(0.9) ? rng.pick(NAMES) : 42 } : {}),
    };
  else if (type === 'outbound_template') payload = { template: { name: 'order_update', parameters: [sentence, '1042'] } };
  else payload = { type: 'text', text: { body: sentence } };
  // Whole minutes within a few hours: many messages share a time, as a burst of webhooks does.
  const createdAt = rng.chance(0.05) ? null : new Date(DAY + Math.floor(rng.next() * 240) * 60_000).toISOString();
  return {
    id,
    store_id: rng.pick(STORES),
    customer_phone: rng.chance(0.05) ? null : rng.pick(PHONES),
    message_type: type,
    message_payload: payload,
    status: rng.pick(['processed', 'sent', 'delivered', 'read', 'failed']),
    created_at: createdAt,
    updated_at: createdAt,
  };
}

interface LocalMessage {
  id: string;
  store_id: string;
  customer_phone: string | null;
  message_type: string;
  message_payload: string | null;
  created_at: string | null;
}

function parsed(raw: string | null): Record<string, unknown> | null {
  try {
    const value: unknown = raw === null ? null : JSON.parse(raw);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);

/** The words search may find in a message, worked out in JavaScript rather than SQL. */
function wordsOf(message: LocalMessage): string {
  const payload = parsed(message.message_payload);
  const parts = [
    at(payload, 'message', 'text', 'body'),
    at(payload, 'message', 'button', 'text'),
    at(payload, 'text', 'body'),
    at(payload, 'template', 'name'),
    at(payload, 'template', 'parameters'),
  ]
    .filter((part) => part !== undefined && part !== null)
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)));
  return parts.join(' ');
}

interface Summary {
  store_id: string;
  customer_phone: string;
  last_at: string;
  last_in: string | null;
  name: string | null;
  name_at: string | null;
  name_id: string | null;
}

/** One row per conversation, counted from scratch: newest message, customer's newest, newest name. */
function recount(messages: LocalMessage[]): Summary[] {
  const byConversation = new Map<string, Summary>();
  for (const m of messages) {
    if (m.customer_phone === null || m.created_at === null) continue;
    const key = `${m.store_id} ${m.customer_phone}`;
    const row = byConversation.get(key) ?? {
      store_id: m.store_id,
      customer_phone: m.customer_phone,
      last_at: m.created_at,
      last_in: null,
      name: null,
      name_at: null,
      name_id: null,
    };
    if (m.created_at > row.last_at) row.last_at = m.created_at;
    if (m.message_type === 'inbound') {
      if (row.last_in === null || m.created_at > row.last_in) row.last_in = m.created_at;
      const name = at(parsed(m.message_payload), 'contact_name');
      const newer = row.name_at === null || m.created_at > row.name_at || (m.created_at === row.name_at && m.id > row.name_id!);
      if (typeof name === 'string' && newer) Object.assign(row, { name, name_at: m.created_at, name_id: m.id });
    }
    byConversation.set(key, row);
  }
  return [...byConversation.values()].sort((a, b) => (`${a.store_id} ${a.customer_phone}` < `${b.store_id} ${b.customer_phone}` ? -1 : 1));
}

describe('the Inbox summary and search index, kept by the pull', () => {
  let db: BetterSqlite3.Database;
  let applier: PullApplier;
  let inbox: InboxQueries;
  let version: number;
  const server = new Map<string, ServerRow>();

  beforeEach(() => {
    db = new BetterSqlite3(':memory:');
    migrate(db, migrations);
    const state = new SyncStateStore(db);
    applier = new PullApplier({
      db,
      outbox: new Outbox(db, state),
      state,
      logger: createLogger({ level: 'silent' }),
      clock: new FakeClock(DAY),
    });
    inbox = new InboxQueries({
      db,
      clock: new FakeClock(DAY),
      orders: new OrderQueries(db, () => 'UTC'),
      search: new InboxSearchIndex(db),
    });
    version = 0;
    server.clear();
  });

  const pull = (changes: Change[], hasMore = false) => {
    const into: AppliedChanges = { tables: new Set(), workshopIds: new Set(), rows: 0 };
    applier.applyPage('messaging_log', { status: 'changes', changes, cursor: version, has_more: hasMore }, into);
  };
  const reset = () => {
    const into: AppliedChanges = { tables: new Set(), workshopIds: new Set(), rows: 0 };
    applier.applyPage(
      'messaging_log',
      { status: 'reset', reason: 'the cursor is older than the tombstones kept', purged_through: version },
      into,
    );
  };
  const upsert = (row: ServerRow): Change => {
    server.set(row.id, row);
    return { op: 'upsert', version: ++version, row };
  };
  const tombstone = (id: string): Change => {
    server.delete(id);
    return { op: 'delete', version: ++version, key: { id } };
  };

  const local = () =>
    db.prepare<[], LocalMessage>('SELECT id, store_id, customer_phone, message_type, message_payload, created_at FROM messaging_log').all();
  const summary = () =>
    db
      .prepare<[], Summary>(
        "SELECT store_id, customer_phone, last_at, last_in, name, name_at, name_id FROM inbox_summary ORDER BY store_id || ' ' || customer_phone",
      )
      .all();

  /** Every conversation a search should find, worked out from the messages and the recounted names. */
  const expectedMatches = (term: string, messages: LocalMessage[], conversations: Summary[]) => {
    const needle = term.toLowerCase();
    const digits = /^\+?\d+$/.test(term) ? term.replace('+', '') : null;
    const saysIt = new Set(
      [...term].length >= 3
        ? messages.filter((m) => wordsOf(m).toLowerCase().includes(needle)).map((m) => `${m.store_id} ${m.customer_phone}`)
        : [],
    );
    return conversations
      .filter(
        (row) =>
          (digits && row.customer_phone.includes(digits)) ||
          row.name?.toLowerCase().includes(needle) ||
          saysIt.has(`${row.store_id} ${row.customer_phone}`),
      )
      .map((row) => `${row.store_id} ${row.customer_phone}`)
      .sort();
  };
  const searched = (term: string) =>
    inbox
      .conversations({ search: term, filter: 'all', offset: 0, limit: 500 })
      .rows.map((row) => `${row.storeId} ${row.phone}`)
      .sort();
  const checkAgainstScratch = () => {
    const messages = local();
    const conversations = recount(messages);
    expect(summary()).toEqual(conversations);
    for (const term of ['parc', 'blue mug', 'KAMPALA', 'amina', 'ADD', 'order_upd', '1042', '+2567000000', '05', 'Do'])
      expect(searched(term), `search “${term}”`).toEqual(expectedMatches(term, messages, conversations));
    // The words of removed or moved messages leave the index too: it holds one document per conversation with words.
    const withWords = new Set(messages.filter((m) => m.customer_phone && wordsOf(m)).map((m) => `${m.store_id} ${m.customer_phone}`));
    expect(db.prepare('SELECT count(*) FROM inbox_search').pluck().get()).toBe(withWords.size);
  };

  it('equals a count from scratch after every page of new, moved and removed messages', () => {
    const rng = random(20260310);
    let next = 0;
    for (let page = 0; page < 40; page++) {
      const changes: Change[] = [];
      for (let i = 0; i < 25; i++) {
        const existing = [...server.keys()];
        const roll = rng.next();
        if (roll < 0.6 || existing.length === 0) changes.push(upsert(serverRow(rng, `m${++next}`)));
        else if (roll < 0.85) {
          // An edit of a known row: another status, time, customer, kind or payload.
          const row = { ...server.get(rng.pick(existing))! };
          const fresh = serverRow(rng, row.id);
          const field = rng.pick(['status', 'created_at', 'customer_phone', 'message_type', 'message_payload', 'store_id']);
          changes.push(upsert({ ...row, [field]: fresh[field] }));
        } else changes.push(tombstone(rng.pick(existing)));
      }
      pull(changes);
      checkAgainstScratch();
    }
    expect(summary().length).toBeGreaterThan(15);
  });

  it('equals a count from scratch while a reset downloads the mirror again and after its last page removes what the server deleted', () => {
    const rng = random(7);
    pull(Array.from({ length: 300 }, (_, i) => upsert(serverRow(rng, `m${i}`))));
    checkAgainstScratch();
    // Warm the search index, so the sweep has indexed words to forget.
    expect(searched('parcel').length).toBeGreaterThan(0);
    // Deleted on the server while this desktop was away, and the deletions since forgotten.
    for (const id of [...server.keys()].filter((_, i) => i % 3 === 0)) server.delete(id);

    reset();
    checkAgainstScratch();
    const rows = [...server.values()];
    for (let start = 0; start < rows.length; start += 100) {
      const last = start + 100 >= rows.length;
      pull(
        rows.slice(start, start + 100).map((row) => ({ op: 'upsert', version: ++version, row })),
        !last,
      );
      checkAgainstScratch();
    }
    expect(
      local()
        .map((m) => m.id)
        .sort(),
    ).toEqual([...server.keys()].sort());
    expect(summary().length).toBeGreaterThan(15);
  });

  it('drops a conversation whose last message is removed, and moves back to the previous message when the newest goes', () => {
    const store = STORES[0]!;
    const phone = PHONES[0]!;
    const message = (id: string, minute: number, type: string, name?: string): ServerRow => ({
      id,
      store_id: store,
      customer_phone: phone,
      message_type: type,
      message_payload: type === 'inbound' ? { message: { type: 'text', text: { body: `hello ${id}` } }, contact_name: name } : {},
      status: 'processed',
      created_at: new Date(DAY + minute * 60_000).toISOString(),
      updated_at: null,
    });
    pull([
      upsert(message('a', 1, 'inbound', 'Amina')),
      upsert(message('b', 2, 'inbound', 'Amina K.')),
      upsert(message('c', 3, 'outbound_text')),
    ]);
    expect(summary()).toEqual([
      {
        store_id: store,
        customer_phone: phone,
        last_at: new Date(DAY + 3 * 60_000).toISOString(),
        last_in: new Date(DAY + 2 * 60_000).toISOString(),
        name: 'Amina K.',
        name_at: new Date(DAY + 2 * 60_000).toISOString(),
        name_id: 'b',
      },
    ]);
    pull([tombstone('c'), tombstone('b')]);
    expect(summary()).toEqual([expect.objectContaining({ last_at: new Date(DAY + 60_000).toISOString(), name: 'Amina', name_id: 'a' })]);
    expect(searched('hello b')).toEqual([]);
    expect(searched('hello a')).toEqual([`${store} ${phone}`]);
    pull([tombstone('a')]);
    expect(summary()).toEqual([]);
    expect(searched('hello')).toEqual([]);
  });
});
