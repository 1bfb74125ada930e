import { randomUUID } from 'node:crypto';
import { syncLimits, type Mutation } from '../../../shared/sync/sync-protocol.js';
import { syncTables } from '../../../shared/sync/sync-tables.js';
import type { Database } from '../database/open-database.js';
import { columns, countOf, mapRows, num, numberOf, numOrNull, oneOfThese, sqlRow, text } from '../database/row-reader.js';
import { foreignSessionKey } from './pull-applier.js';
import type { SyncStateStore } from './sync-state-store.js';
import { snapshotSql, syncedTables } from './synced-tables.js';
import { isSyncTable, toWireRow } from './wire-rows.js';

const outboxRow = columns({
  seq: num,
  entity: text,
  op: oneOfThese(['upsert', 'delete'] as const),
  row_key: text,
  payload: text,
  seed: num,
});

export interface PushBatch {
  clientId: string;
  mutations: Mutation[];
  /** The local outbox row behind each mutation's seq, to report a rejection on the right row. */
  rows: Map<number, { entity: string; rowKey: string; payload: string }>;
}

/** Room for the JSON envelope around the mutations. */
const BODY_ALLOWANCE = 64 * 1024;

/**
 * The local side of "exactly once": rows leave the outbox only after the server answered
 * that it processed their seq, so a lost answer means a replay, which the server answers
 * "duplicate". Seqs on the wire count from 1 per client id; the outbox's own numbers keep
 * growing across client ids, so the offset of the current client is kept beside it.
 */
export class Outbox {
  private readonly statements;

  constructor(
    private readonly db: Database,
    private readonly state: SyncStateStore,
  ) {
    this.statements = {
      pending: db.prepare('SELECT count(*) FROM sync_outbox').pluck(),
      head: db.prepare('SELECT seq, entity, op, row_key, payload, seed FROM sync_outbox ORDER BY seq LIMIT ?'),
      ack: db.prepare('DELETE FROM sync_outbox WHERE seq <= ?'),
      version: db.prepare('SELECT version FROM sync_row_versions WHERE entity = ? AND row_key = ?').pluck(),
      firstSeq: db.prepare('SELECT min(seq) AS first FROM sync_outbox'),
      lastSeq: db.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'), 0)").pluck(),
      hasPending: db.prepare('SELECT 1 FROM sync_outbox WHERE entity = ? AND row_key = ? LIMIT 1').pluck(),
      capture: db.prepare('UPDATE sync_capture SET capturing = ? WHERE id = 1'),
    };
  }

  pending(): number {
    return countOf(this.statements.pending.get());
  }

  /** The newest outbox number ever given out: grows with every captured change, cheap to read. */
  lastSeq(): number {
    return numberOf(this.statements.lastSeq.get(), 'seq');
  }

  /** The oldest seq still in the outbox, or null when it is empty. */
  private firstSeq(): number | null {
    return numOrNull(sqlRow(this.statements.firstSeq.get()), 'first');
  }

  hasPendingEdit(entity: string, rowKey: string): boolean {
    return this.statements.hasPending.get(entity, rowKey) !== undefined;
  }

  clientId(): string | null {
    return this.state.get<string>('clientId');
  }

  /**
   * Starts syncing this database with an organisation from nothing: a new client id whose
   * seqs start at 1, the outbox replaced by a snapshot of every synced row, and capture on
   * so every later change is recorded. One transaction: a crash leaves either the old
   * state or the whole snapshot.
   */
  startFresh(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sync_outbox').run();
      this.state.set('seqOffset', this.lastSeq());
      this.state.set('clientId', randomUUID());
      for (const table of syncedTables) this.db.prepare(snapshotSql(table)).run();
      this.statements.capture.run(1);
    })();
  }

  /** A new client id for the same outbox (the server said this id belongs elsewhere): pending rows are numbered from 1 again. */
  renumber(): void {
    this.db.transaction(() => {
      const first = this.firstSeq() ?? this.lastSeq() + 1;
      this.state.set('seqOffset', first - 1);
      this.state.set('clientId', randomUUID());
    })();
  }

  /**
   * The oldest pending changes as one push request: at most the server's limits, and at
   * most one edit per shared row, since the version a second edit is based on is only
   * known once the server has answered for the first.
   */
  nextBatch(): PushBatch | null {
    const clientId = this.clientId();
    if (!clientId) return null;
    const offset = this.state.get<number>('seqOffset') ?? 0;
    const rows = mapRows(this.statements.head.all(syncLimits.maxMutationsPerPush), outboxRow);
    const mutations: Mutation[] = [];
    const byWireSeq = new Map<number, { entity: string; rowKey: string; payload: string }>();
    const sharedInBatch = new Set<string>();
    let bytes = 0;
    for (const row of rows) {
      if (!isSyncTable(row.entity)) continue;
      const shared = syncTables[row.entity].direction === 'shared';
      const identity = `${row.entity} ${row.row_key}`;
      if (shared && sharedInBatch.has(identity)) break;
      bytes += row.payload.length + 100;
      if (mutations.length > 0 && bytes > syncLimits.maxRequestBytes - BODY_ALLOWANCE) break;
      const seq = row.seq - offset;
      const mutation: Mutation = {
        seq,
        table: row.entity,
        op: row.op,
        row: toWireRow(row.entity, JSON.parse(row.payload) as Record<string, unknown>, clientId, row.op === 'delete'),
      };
      if (row.entity === 'workshops' && row.op === 'upsert' && mutation.row.session_id === null) {
        // Linked on another desktop: an edit here must not unlink it there.
        const foreign = this.state.get<string>(foreignSessionKey(row.row_key));
        if (foreign) mutation.row.session_id = foreign;
      }
      if (row.seed === 1) mutation.seed = true;
      if (shared) {
        sharedInBatch.add(identity);
        const version = this.statements.version.get(row.entity, row.row_key);
        mutation.base_version = version === undefined ? 0 : numberOf(version, 'version');
      }
      mutations.push(mutation);
      byWireSeq.set(seq, { entity: row.entity, rowKey: row.row_key, payload: row.payload });
    }
    return mutations.length > 0 ? { clientId, mutations, rows: byWireSeq } : null;
  }

  /** The server processed every seq up to `lastWireSeq`: those rows are done. */
  acknowledge(lastWireSeq: number): void {
    const offset = this.state.get<number>('seqOffset') ?? 0;
    this.statements.ack.run(lastWireSeq + offset);
  }

  /**
   * A seed template the organisation already had under another id: rules here, and rules
   * still waiting to go up, point at the organisation's template instead of this one.
   */
  replaceTemplate(localId: string, organisationId: string): void {
    this.db.prepare('UPDATE workshop_automation_config SET template_id = ? WHERE template_id = ?').run(organisationId, localId);
    this.db
      .prepare(
        "UPDATE sync_outbox SET payload = json_set(payload, '$.template_id', ?) WHERE entity = 'workshop_automation_config' AND json_extract(payload, '$.template_id') = ?",
      )
      .run(organisationId, localId);
    this.db.prepare('DELETE FROM message_templates WHERE id = ?').run(localId);
  }

  /** The seq the server expects next, translated to the outbox's numbering. */
  firstPendingWireSeq(): number | null {
    const offset = this.state.get<number>('seqOffset') ?? 0;
    const first = this.firstSeq();
    return first === null ? null : first - offset;
  }
}
