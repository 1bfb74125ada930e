import {
  PullResponseSchema,
  PushResponseSchema,
  SYNC_PROTOCOL_VERSION,
  syncLimits,
  type MutationResult,
  type PullRequest,
} from '../../../shared/sync/sync-protocol.js';
import { pullOrder, syncTables, type SyncTableName } from '../../../shared/sync/sync-tables.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { Logger } from '../logging/logger.js';
import { backoffDelay } from './backoff.js';
import { SyncFailure, type DesktopSyncClient } from './desktop-sync-client.js';
import type { Outbox, PushBatch } from './outbox.js';
import type { AppliedChanges, PullApplier } from './pull-applier.js';
import type { SyncStateStore } from './sync-state-store.js';
import { isSyncTable } from './wire-rows.js';

/** Tables the desktop downloads: those the CRM may edit, and the shop's. Its own (sessions, members…) it only uploads. */
export const pulledTables: readonly SyncTableName[] = pullOrder.filter((table) => syncTables[table].direction !== 'desktop');

export interface SyncTiming {
  /** Wait after a local change before pushing, so a burst of changes goes in one request. */
  debounceMs: number;
  /** Pull this often without pokes… */
  pollMs: number;
  /** …and this often while pokes arrive. */
  pollWithPokeMs: number;
  requestTimeoutMs: number;
}

export const defaultSyncTiming: SyncTiming = { debounceMs: 250, pollMs: 60_000, pollWithPokeMs: 10 * 60_000, requestTimeoutMs: 30_000 };

export type LoopState = 'idle' | 'syncing' | 'offline' | 'error';

export interface LoopStatus {
  state: LoopState;
  lastError: { message: string; action: string } | null;
  progress: { done: number; total: number | null } | null;
  clockSkewMs: number | null;
}

export interface SyncEngineDeps {
  db: Database;
  state: SyncStateStore;
  outbox: Outbox;
  applier: PullApplier;
  client: DesktopSyncClient;
  clock: Clock;
  random: () => number;
  logger: Logger;
  timing: SyncTiming;
  /** The organisation chosen for this database, or null while sync is off. */
  organisationId: () => string | null;
  /** Whether pokes are arriving (fewer polls). */
  pokeLive: () => boolean;
  onStatus: () => void;
  onApplied: (changes: AppliedChanges) => void;
  /** The server asked this database to start over (its record of this client is gone). */
  onRestart: () => void;
}

/** Skew worth telling the coordinator about: times they see would look wrong. */
const SKEW_WORTH_MENTIONING_MS = 5 * 60_000;

/**
 * The sync loop. One cycle pushes the whole outbox (oldest first, in requests the server
 * accepts), then pulls every downloaded table until nothing more is waiting. Cycles run one
 * at a time; a request during a cycle runs another cycle right after. A failed cycle is
 * retried after a capped, jittered backoff even if nothing else happens — a transient
 * failure followed by silence must not leave changes stranded. Everything a cycle has
 * done is in SQLite before the next request goes out, so a crash at any point resumes
 * with a replay the server answers "duplicate".
 */
export class SyncEngine {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: TimerHandle | null = null;
  private timerDueAt = Infinity;
  private failures = 0;
  private stopped = true;
  private current: LoopStatus = { state: 'idle', lastError: null, progress: null, clockSkewMs: null };

  constructor(private readonly deps: SyncEngineDeps) {}

  status(): LoopStatus {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    this.request('start');
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    return this.running ?? Promise.resolve();
  }

  /** Something to sync: a local change (debounced), a poke or the user (at once). */
  request(reason: 'local-change' | 'poke' | 'now' | 'start'): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(reason === 'local-change' ? this.deps.timing.debounceMs : 0);
  }

  /** Runs a cycle now (or joins the running one, then runs another) and resolves when done. */
  async syncNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      await this.running;
      if (this.running) await this.running;
      return;
    }
    await this.runCycle();
  }

  private schedule(delayMs: number): void {
    const dueAt = this.deps.clock.now() + delayMs;
    if (this.timer && this.timerDueAt <= dueAt) return;
    this.clearTimer();
    this.timerDueAt = dueAt;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.timerDueAt = Infinity;
      void this.runCycle();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerDueAt = Infinity;
  }

  private runCycle(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.cycle();
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async cycle(): Promise<void> {
    const organisationId = this.deps.organisationId();
    if (!organisationId || this.stopped) return;
    this.setStatus({ ...this.current, state: 'syncing' });
    try {
      await this.pushAll(organisationId);
      await this.pullAll(organisationId);
      this.failures = 0;
      this.deps.state.set('lastSyncedAt', new Date(this.deps.clock.now()).toISOString());
      this.setStatus({ ...this.current, state: 'idle', lastError: null, progress: null });
      if (!this.stopped) this.schedule(this.deps.pokeLive() ? this.deps.timing.pollWithPokeMs : this.deps.timing.pollMs);
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    const failure = error instanceof SyncFailure ? error : null;
    if (!failure) this.deps.logger.error({ err: error }, 'sync cycle failed');
    else this.deps.logger.warn({ kind: failure.kind, detail: failure.detail?.error, message: failure.message }, 'sync cycle failed');
    this.failures++;
    const explained = explain(failure, error);
    this.setStatus({ ...this.current, state: failure?.kind === 'offline' ? 'offline' : 'error', lastError: explained, progress: null });
    if (this.stopped) return;
    // Signed out waits for a sign-in (which requests a cycle); everything else retries by itself.
    if (failure?.kind === 'signed-out') return;
    const delay = Math.max(backoffDelay(this.failures, this.deps.random), failure?.retryAfterMs ?? 0);
    this.schedule(delay);
  }

  private async pushAll(organisationId: string): Promise<void> {
    for (let batch = this.deps.outbox.nextBatch(); batch && !this.stopped; batch = this.deps.outbox.nextBatch()) {
      try {
        const answer = await this.deps.client.call(
          {
            protocol: SYNC_PROTOCOL_VERSION,
            kind: 'push',
            organization_id: organisationId,
            client_id: batch.clientId,
            mutations: batch.mutations,
          },
          PushResponseSchema,
        );
        this.noteServerTime(answer.server_time);
        this.settle(batch, answer.results, answer.last_seq);
      } catch (error) {
        if (!(error instanceof SyncFailure) || error.kind !== 'refused' || !error.detail) throw error;
        if (error.detail.error === 'seq_gap' && error.detail.expected_seq !== undefined) {
          const first = this.deps.outbox.firstPendingWireSeq() ?? 1;
          // The server already has more than we thought (an answer was lost): drop what it has.
          if (error.detail.expected_seq > first) this.deps.outbox.acknowledge(error.detail.expected_seq - 1);
          // It has less than we sent before (restored from a backup): upload everything again.
          else this.restart();
          continue;
        }
        if (error.detail.error === 'client_elsewhere') {
          this.deps.outbox.renumber();
          continue;
        }
        throw error;
      }
      this.setStatus(this.current);
    }
  }

  /** The server's answer for a batch, recorded in one transaction with the acknowledgement. */
  private settle(batch: PushBatch, results: MutationResult[], lastSeq: number): void {
    const applied: AppliedChanges = { tables: new Set(), workshopIds: new Set(), rows: 0 };
    const now = new Date(this.deps.clock.now()).toISOString();
    this.deps.db.transaction(() => {
      for (const result of results) {
        const row = batch.rows.get(result.seq);
        if (!row || !isSyncTable(row.entity)) continue;
        if (result.status === 'applied' && result.version !== null && syncTables[row.entity].direction === 'shared') {
          this.deps.applier.recordVersion(row.entity, row.rowKey, result.version);
        } else if (result.status === 'existing') {
          this.deps.applier.adoptSeed(row.entity, row.rowKey, result.server_row, applied);
        } else if (result.status === 'rejected') {
          this.deps.db
            .prepare(
              `INSERT INTO sync_conflicts (entity, row_key, reason, message, local_payload, server_payload, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              row.entity,
              row.rowKey,
              result.code === 'conflict' ? 'stale' : 'rejected',
              result.reason,
              row.payload,
              result.server_row ? JSON.stringify(result.server_row) : null,
              now,
            );
          if (result.code === 'conflict' && result.server_row) this.deps.applier.adopt(row.entity, result.server_row, applied);
        }
      }
      this.deps.outbox.acknowledge(lastSeq);
    })();
    if (applied.tables.size > 0) this.deps.onApplied(applied);
  }

  private async pullAll(organisationId: string): Promise<void> {
    const clientId = this.deps.outbox.clientId();
    if (!clientId) return;
    const firstSync = pulledTables.every((table) => this.deps.applier.cursor(table) === 0);
    let waiting = new Set<SyncTableName>(pulledTables);
    while (waiting.size > 0 && !this.stopped) {
      const cursors = Object.fromEntries([...waiting].map((table) => [table, this.deps.applier.cursor(table)])) as PullRequest['cursors'];
      const resets = Object.fromEntries(
        [...waiting].flatMap((table) => {
          const from = this.deps.applier.resetFrom(table);
          return from === null ? [] : [[table, from]];
        }),
      ) as NonNullable<PullRequest['resets']>;
      const answer = await this.deps.client.call(
        {
          protocol: SYNC_PROTOCOL_VERSION,
          kind: 'pull',
          organization_id: organisationId,
          client_id: clientId,
          cursors,
          ...(Object.keys(resets).length > 0 ? { resets } : {}),
          limit: syncLimits.defaultChangesPerTable,
        },
        PullResponseSchema,
      );
      this.noteServerTime(answer.server_time);
      const applied: AppliedChanges = { tables: new Set(), workshopIds: new Set(), rows: 0 };
      const next = new Set<SyncTableName>();
      for (const table of pullOrder) {
        const page = answer.tables[table];
        if (!waiting.has(table) || !page) continue;
        if (this.deps.applier.applyPage(table, page, applied)) next.add(table);
      }
      waiting = next;
      if (applied.tables.size > 0) this.deps.onApplied(applied);
      if (firstSync) {
        const behind = [...waiting].map((table) => this.deps.applier.cursor(table));
        this.setStatus({
          ...this.current,
          progress: { done: behind.length > 0 ? Math.min(...behind) : answer.version, total: answer.version },
        });
      }
    }
  }

  private restart(): void {
    this.deps.outbox.startFresh();
    this.deps.onRestart();
  }

  private noteServerTime(serverTime: string): void {
    const skew = Date.parse(serverTime) - this.deps.clock.now();
    if (Number.isFinite(skew)) this.current = { ...this.current, clockSkewMs: Math.abs(skew) >= SKEW_WORTH_MENTIONING_MS ? skew : null };
  }

  private setStatus(status: LoopStatus): void {
    this.current = status;
    this.deps.onStatus();
  }
}

/** A failure in words a coordinator can act on. */
function explain(failure: SyncFailure | null, error: unknown): { message: string; action: string } {
  if (!failure)
    return {
      message: `Sync stopped on an unexpected problem: ${error instanceof Error ? error.message : String(error)}`,
      action: 'It will try again by itself. If this keeps happening, send the console’s log to support.',
    };
  switch (failure.kind) {
    case 'offline':
      return {
        message: `No connection to the hosted backend. ${failure.message}`,
        action: 'Your changes are kept on this computer and nothing is lost; they are sent as soon as the connection is back.',
      };
    case 'signed-out':
      return {
        message: failure.message,
        action: 'Sign in again in Settings → Hosted backend. Your changes are kept on this computer until then.',
      };
    case 'unavailable':
      return {
        message: `The hosted backend is busy or unavailable: ${failure.message}`,
        action: 'It will try again by itself; nothing is lost.',
      };
    case 'protocol':
      return { message: failure.message, action: 'Update the console, or ask whoever runs the backend to update it.' };
    case 'refused':
      switch (failure.detail?.error) {
        case 'not_a_member':
          return {
            message: failure.message,
            action: 'Choose another organisation in Settings → Hosted backend, or ask an owner to add you again.',
          };
        case 'read_only':
          return {
            message: failure.message,
            action: 'Ask an owner of the organisation for a role that may make changes; until then changes stay on this computer.',
          };
        case 'choose_organization':
          return { message: failure.message, action: 'Choose the organisation in Settings → Hosted backend.' };
        default:
          return {
            message: failure.message,
            action: 'It will try again by itself. If this keeps happening, send the console’s log to support.',
          };
      }
  }
}
