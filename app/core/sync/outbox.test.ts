import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { openDatabase, type Database } from '../database/open-database.js';
import { createSilentLogger } from '../logging/logger.js';
import { Outbox } from './outbox.js';
import { PullApplier, type AppliedChanges } from './pull-applier.js';
import { SyncStateStore } from './sync-state-store.js';

let dir: ReturnType<typeof makeTempDir>;
let db: Database;
let outbox: Outbox;
let applier: PullApplier;
let clock: FakeClock;

beforeEach(() => {
  dir = makeTempDir();
  clock = new FakeClock(Date.UTC(2026, 5, 1, 8, 0, 0));
  db = openDatabase({ path: join(dir.path, 'console.sqlite') }).db;
  const state = new SyncStateStore(db);
  outbox = new Outbox(db, state);
  applier = new PullApplier({ db, outbox, state, logger: createSilentLogger(), clock });
});
afterEach(() => {
  db.close();
  dir.remove();
});

const now = '2026-01-01T00:00:00.000Z';
const addLead = (phone: string, name = '') =>
  db.prepare('INSERT INTO leads (phone, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(phone, name, '', now, now);
const addWorkshop = (id: string, name: string) =>
  db
    .prepare(
      "INSERT INTO workshops (id, name, starts_at, starts_at_local, time_zone, duration_minutes, created_at, updated_at) VALUES (?, ?, '2027-01-01T10:00:00.000Z', '2027-01-01T10:00', 'UTC', 60, ?, ?)",
    )
    .run(id, name, now, now);
const outboxRows = () =>
  db.prepare('SELECT entity, op, row_key, payload FROM sync_outbox ORDER BY seq').all() as {
    entity: string;
    op: string;
    row_key: string;
    payload: string;
  }[];
const changes = (): AppliedChanges => ({ tables: new Set(), workshopIds: new Set(), rows: 0 });

describe('the sync outbox', () => {
  it('records nothing before an organisation is chosen, then starts with a snapshot of every synced row', () => {
    addLead('256700000001', 'Amina');
    addWorkshop('ws_1', 'Design Sprint');
    expect(outboxRows()).toEqual([]);

    outbox.startFresh();
    expect(outboxRows().map((row) => [row.entity, row.row_key])).toEqual(
      expect.arrayContaining([
        ['leads', '256700000001'],
        ['workshops', 'ws_1'],
      ]),
    );
    const batch = outbox.nextBatch()!;
    expect(batch.mutations.map((mutation) => mutation.seq)).toEqual(batch.mutations.map((_, index) => index + 1));
  });

  it('commits a change and its outbox row together, or neither', () => {
    outbox.startFresh();
    const before = outbox.pending();
    expect(() =>
      db.transaction(() => {
        addLead('256700000002', 'Bola');
        throw new Error('the import failed half-way');
      })(),
    ).toThrow('half-way');
    expect(outbox.pending()).toBe(before);
    expect(db.prepare('SELECT count(*) FROM leads').pluck().get()).toBe(0);

    addLead('256700000002', 'Bola');
    expect(outboxRows().at(-1)).toMatchObject({ entity: 'leads', op: 'upsert', row_key: '256700000002' });
  });

  it('records an update only when a synced column really changed, and a delete with its key', () => {
    outbox.startFresh();
    addLead('256700000003', 'Chidi');
    const count = outbox.pending();
    db.prepare("UPDATE leads SET name = 'Chidi' WHERE phone = '256700000003'").run();
    expect(outbox.pending()).toBe(count);
    db.prepare("UPDATE leads SET name = 'Chidi O.' WHERE phone = '256700000003'").run();
    db.prepare("DELETE FROM leads WHERE phone = '256700000003'").run();
    expect(outboxRows().slice(-2)).toEqual([
      expect.objectContaining({ op: 'upsert', payload: expect.stringContaining('Chidi O.') }),
      { entity: 'leads', op: 'delete', row_key: '256700000003', payload: '{"phone":"256700000003"}' },
    ]);
  });

  it('never records WhatsApp keys, and sends a session without its transport internals', () => {
    outbox.startFresh();
    db.prepare(
      "INSERT INTO whatsapp_sessions (id, label, transport, state, created_at, updated_at) VALUES ('wa_1', 'Desk', 'baileys', 'open', ?, ?)",
    ).run(now, now);
    db.prepare("INSERT INTO whatsapp_auth (session_id, category, key_id, value) VALUES ('wa_1', 'creds', 'creds', x'00')").run();
    expect(outboxRows().map((row) => row.entity)).toEqual(['whatsapp_sessions']);
    const [mutation] = outbox.nextBatch()!.mutations;
    expect(Object.keys(mutation!.row).sort()).toEqual(['display_name', 'id', 'label', 'last_active_at', 'phone', 'state', 'state_reason']);
  });

  it('does not send pulled rows back', () => {
    outbox.startFresh();
    const before = outbox.pending();
    applier.applyPage(
      'workshops',
      {
        status: 'changes',
        cursor: 7,
        has_more: false,
        changes: [
          {
            op: 'upsert',
            version: 7,
            row: {
              id: 'ws_crm',
              name: 'From the CRM',
              starts_at: '2027-02-01T09:00:00.000Z',
              time_zone: 'Africa/Kampala',
              duration_minutes: 90,
            },
          },
        ],
      },
      changes(),
    );
    expect(db.prepare("SELECT name, starts_at_local FROM workshops WHERE id = 'ws_crm'").get()).toEqual({
      name: 'From the CRM',
      starts_at_local: '2027-02-01T12:00',
    });
    expect(outbox.pending()).toBe(before);
    // Capture is back on for the coordinator's own edits.
    db.prepare("UPDATE workshops SET name = 'Renamed here' WHERE id = 'ws_crm'").run();
    expect(outbox.pending()).toBe(before + 1);
  });

  it("dates a pulled row that carries no change time of its own by the console's clock", () => {
    applier.applyPage(
      'message_templates',
      {
        status: 'changes',
        cursor: 4,
        has_more: false,
        changes: [{ op: 'upsert', version: 4, row: { id: 'tpl_crm', name: 'From the CRM', body: 'Hi' } }],
      },
      changes(),
    );
    expect(db.prepare("SELECT created_at, updated_at FROM message_templates WHERE id = 'tpl_crm'").get()).toEqual({
      created_at: '2026-06-01T08:00:00.000Z',
      updated_at: '2026-06-01T08:00:00.000Z',
    });
  });

  it('keeps a local edit that is still waiting over a pulled row, and sends it with the version it was made over', () => {
    outbox.startFresh();
    applier.applyPage(
      'workshops',
      {
        status: 'changes',
        cursor: 3,
        has_more: false,
        changes: [
          {
            op: 'upsert',
            version: 3,
            row: { id: 'ws_2', name: 'Original', starts_at: '2027-02-01T09:00:00.000Z', time_zone: 'UTC', duration_minutes: 60 },
          },
        ],
      },
      changes(),
    );
    db.prepare("UPDATE workshops SET name = 'Edited offline' WHERE id = 'ws_2'").run();
    db.prepare("UPDATE workshops SET name = 'Edited twice' WHERE id = 'ws_2'").run();
    applier.applyPage(
      'workshops',
      {
        status: 'changes',
        cursor: 9,
        has_more: false,
        changes: [
          {
            op: 'upsert',
            version: 9,
            row: { id: 'ws_2', name: 'Edited in the CRM', starts_at: '2027-02-01T09:00:00.000Z', time_zone: 'UTC', duration_minutes: 60 },
          },
        ],
      },
      changes(),
    );
    expect(db.prepare("SELECT name FROM workshops WHERE id = 'ws_2'").pluck().get()).toBe('Edited twice');

    const batch = outbox.nextBatch()!;
    const edits = batch.mutations.filter((mutation) => mutation.table === 'workshops');
    // One edit of a shared row per request: the second waits for the version the first gets.
    expect(edits).toEqual([expect.objectContaining({ base_version: 3, row: expect.objectContaining({ name: 'Edited offline' }) })]);
  });

  it('numbers the wire seqs of a new client id from 1 and deletes rows only up to the acknowledged seq', () => {
    outbox.startFresh();
    for (let index = 0; index < 5; index++) addLead(`25670000010${index}`);
    outbox.acknowledge(2);
    outbox.renumber();
    const batch = outbox.nextBatch()!;
    expect(batch.mutations.map((mutation) => mutation.seq)).toEqual([1, 2, 3]);
    outbox.acknowledge(1);
    expect(outbox.nextBatch()!.mutations.map((mutation) => mutation.seq)).toEqual([2, 3]);
  });
});
