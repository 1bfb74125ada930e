import { randomUUID } from 'node:crypto';
import { ApiFailure } from '../../../shared/contract/result.js';
import { needsAttention, nextStepFor, type SessionState, type SessionView } from '../../../shared/sessions/session-view.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { withTimeout } from '../clock/with-timeout.js';
import type { Database } from '../database/open-database.js';
import type { CoreEvents } from '../events/core-events.js';
import type { Logger } from '../logging/logger.js';
import type { ValueCipher } from '../secrets/value-cipher.js';
import { SessionAuthStore } from './auth-store.js';
import { GroupCache } from './group-cache.js';
import type { GroupDirectory } from './group-directory.js';
import { actionForClose, reconnectDelay } from './reconnect-policy.js';
import { SessionRepository, type SessionRow } from './session-repository.js';
import type { CloseReason, TransportEvents, TransportKind, WhatsAppConnection, WhatsAppTransportFactory } from './whatsapp-transport.js';

/** What other parts of the core hear from every session's socket. */
export interface SessionListener {
  opened?(sessionId: string): void;
  participants?(sessionId: string, change: Parameters<TransportEvents['participants']>[0]): void;
  groupsChanged?(sessionId: string, groups: Parameters<TransportEvents['groups-changed']>[0]): void;
  groupJoined?(sessionId: string, group: Parameters<TransportEvents['group-joined']>[0]): void;
  receipt?(sessionId: string, receipt: Parameters<TransportEvents['receipt']>[0]): void;
  lidMappings?(sessionId: string, pairs: Parameters<TransportEvents['lid-mappings']>[0]): void;
  groupLeft?(sessionId: string, groupJid: string): void;
}

interface Runtime {
  connection: WhatsAppConnection;
  auth: SessionAuthStore;
  qr: string | null;
  pairingCode: string | null;
  attempts: number;
  timer: TimerHandle | null;
  reconnectAt: number | null;
  detach: (() => void)[];
}

export interface SessionSupervisorDeps {
  db: Database;
  groups: GroupDirectory;
  factory: WhatsAppTransportFactory;
  clock: Clock;
  logger: Logger;
  events: CoreEvents;
  cipher: ValueCipher;
  dataDir: string;
  random?: () => number;
}

const STOPPED_STATES: ReadonlySet<SessionState> = new Set(['logged-out', 'replaced', 'restricted']);
const LOGOUT_TIMEOUT_MS = 10_000;

/**
 * Owns every linked account: opens its connection, persists its state, and applies the
 * close-code policy (reconnect, back off, or stop and ask) so that the coordinator never
 * has to think about the connection unless WhatsApp itself needs them.
 */
export class SessionSupervisor {
  private readonly repository: SessionRepository;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly listeners = new Set<SessionListener>();
  private readonly random: () => number;
  private stopped = false;

  constructor(private readonly deps: SessionSupervisorDeps) {
    this.repository = new SessionRepository(deps.db);
    this.random = deps.random ?? Math.random;
  }

  /** Reconnects every session that was linked or linking when the console last stopped. */
  start(): void {
    for (const row of this.repository.list()) {
      if (!STOPPED_STATES.has(row.state)) void this.openSession(row.id, 'connecting');
    }
  }

  addListener(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): SessionView[] {
    return this.repository.list().map((row) => this.toView(row));
  }

  view(id: string): SessionView {
    return this.toView(this.requireRow(id));
  }

  async create(kind: TransportKind, label: string): Promise<SessionView> {
    const id = `wa_${randomUUID()}`;
    this.repository.insert({ id, label, transport: kind, state: 'connecting' }, this.nowIso());
    void this.openSession(id, 'connecting');
    return this.view(id);
  }

  /** The name the coordinator knows the account by; nothing changes on WhatsApp. */
  rename(id: string, label: string): SessionView {
    this.requireRow(id);
    this.repository.update(id, { label }, this.nowIso());
    this.announce(id);
    return this.view(id);
  }

  /** The user asked to (re)link: forget back-off and open now. */
  async reconnect(id: string): Promise<SessionView> {
    this.requireRow(id);
    const runtime = this.runtimes.get(id);
    if (runtime) runtime.attempts = 0;
    void this.openSession(id, 'connecting');
    return this.view(id);
  }

  async requestPairingCode(id: string, phone: string): Promise<string> {
    const row = this.requireRow(id);
    const runtime = this.runtimes.get(id);
    if (!runtime || row.state !== 'waiting-for-qr') {
      throw new ApiFailure('conflict', 'A pairing code can only be requested while the session is waiting to be linked.');
    }
    const code = await runtime.connection.requestPairingCode(phone);
    runtime.pairingCode = code;
    this.announce(id);
    return code;
  }

  /** Logs out of WhatsApp where possible, then forgets the session and its keys. */
  async remove(id: string): Promise<void> {
    const row = this.requireRow(id);
    await this.logOutAndClose(row, 'removing local keys anyway');
    this.repository.delete(id);
    this.deps.events.emit('sessions:removed', { id });
  }

  /**
   * Logs out of WhatsApp and deletes the keys but keeps the account, its name and its
   * workshops' links: linking it again later needs a new QR scan (`reason` says so).
   */
  async logout(id: string, reason: string): Promise<SessionView> {
    const row = this.requireRow(id);
    await this.logOutAndClose(row, 'deleting local keys anyway');
    new SessionAuthStore(this.deps.db, this.deps.cipher, id).clear();
    this.setState(id, 'logged-out', reason);
    return this.view(id);
  }

  private async logOutAndClose(row: SessionRow, onFailure: string): Promise<void> {
    const runtime = this.runtimes.get(row.id);
    if (!runtime) return;
    this.detach(runtime);
    if (row.state === 'open') {
      await withTimeout(this.deps.clock, runtime.connection.logout(), {
        ms: LOGOUT_TIMEOUT_MS,
        onTimeout: () => {
          throw new Error(`timed out after ${LOGOUT_TIMEOUT_MS} ms`);
        },
      }).catch((error: unknown) => this.deps.logger.warn({ err: error, sessionId: row.id }, `logout failed; ${onFailure}`));
    }
    await runtime.connection.close().catch(() => undefined);
    this.runtimes.delete(row.id);
  }

  /** After sleep or a network change: sessions waiting out a back-off try again now. */
  retryNow(): void {
    for (const [id, runtime] of this.runtimes) {
      if (runtime.timer === null) continue;
      runtime.attempts = 0;
      void this.openSession(id, 'reconnecting');
    }
  }

  /** The live connection of an open session, for sending and group work. */
  connection(id: string): WhatsAppConnection {
    const row = this.requireRow(id);
    const runtime = this.runtimes.get(id);
    if (!runtime || row.state !== 'open') {
      throw new ApiFailure('unavailable', `The WhatsApp account "${row.label}" is not connected right now.`);
    }
    return runtime.connection;
  }

  isOpen(id: string): boolean {
    return this.repository.get(id)?.state === 'open' && this.runtimes.has(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.runtimes.values()].map(async (runtime) => {
        this.detach(runtime);
        await runtime.connection.close().catch(() => undefined);
      }),
    );
    this.runtimes.clear();
  }

  private async openSession(id: string, state: 'connecting' | 'reconnecting'): Promise<void> {
    if (this.stopped) return;
    const row = this.repository.get(id);
    if (!row) return;
    const runtime = this.runtimes.get(id) ?? this.createRuntime(row);
    this.detach(runtime);
    runtime.qr = null;
    runtime.pairingCode = null;
    runtime.reconnectAt = null;
    this.attach(id, runtime);
    this.setState(id, state, null);
    try {
      await runtime.connection.open();
    } catch (error) {
      this.deps.logger.warn({ err: error, sessionId: id }, 'opening the connection failed');
      this.handleClose(id, 'network', error instanceof Error ? error.message : String(error));
    }
  }

  private createRuntime(row: SessionRow): Runtime {
    const auth = new SessionAuthStore(this.deps.db, this.deps.cipher, row.id);
    const connection = this.deps.factory.create(row.transport, {
      sessionId: row.id,
      auth,
      groupCache: new GroupCache(this.deps.db, row.id, this.deps.groups),
      clock: this.deps.clock,
      logger: this.deps.logger.child({ module: 'whatsapp', sessionId: row.id }),
      dataDir: this.deps.dataDir,
    });
    // "Last active" is when the account last did something, and what it does is send: without
    // this it stayed at the time it connected, "12 minutes ago" right after a reminder went out.
    const send = connection.send.bind(connection);
    connection.send = async (...args) => {
      const sent = await send(...args);
      this.touch(row.id);
      return sent;
    };
    const runtime: Runtime = { connection, auth, qr: null, pairingCode: null, attempts: 0, timer: null, reconnectAt: null, detach: [] };
    this.runtimes.set(row.id, runtime);
    return runtime;
  }

  private attach(id: string, runtime: Runtime): void {
    const { connection } = runtime;
    const each = <K extends keyof SessionListener>(key: K, ...args: unknown[]) => {
      for (const listener of this.listeners) {
        try {
          (listener[key] as ((...a: unknown[]) => void) | undefined)?.(id, ...args);
        } catch (error) {
          this.deps.logger.error({ err: error, sessionId: id, event: key }, 'session listener failed');
        }
      }
    };
    runtime.detach.push(
      connection.on('qr', (qr) => {
        runtime.qr = qr;
        this.setState(id, 'waiting-for-qr', null);
      }),
      connection.on('open', (account) => {
        runtime.attempts = 0;
        runtime.qr = null;
        runtime.pairingCode = null;
        this.repository.update(
          id,
          { phone: account.phone, display_name: account.name, jid: account.jid, last_active_at: this.nowIso() },
          this.nowIso(),
        );
        this.setState(id, 'open', null);
        each('opened');
      }),
      // Paired but not yet restarted: from here a dropped link is a network problem to retry,
      // not an expired QR; wiping the keys now would leave a dead device on the phone.
      connection.on('paired', () => {
        runtime.qr = null;
        runtime.pairingCode = null;
        this.setState(id, 'connecting', null);
      }),
      connection.on('close', (reason, detail) => this.handleClose(id, reason, detail)),
      connection.on('group-left', (groupJid) => {
        this.deps.groups.forget(id, groupJid);
        this.deps.logger.info({ sessionId: id, groupJid }, 'this account is no longer in the group; it was removed from the list');
        each('groupLeft', groupJid);
      }),
      connection.on('participants', (change) => each('participants', change)),
      connection.on('groups-changed', (groups) => each('groupsChanged', groups)),
      connection.on('group-joined', (group) => each('groupJoined', group)),
      connection.on('receipt', (receipt) => each('receipt', receipt)),
      connection.on('lid-mappings', (pairs) => each('lidMappings', pairs)),
    );
  }

  private detach(runtime: Runtime): void {
    for (const off of runtime.detach.splice(0)) off();
    if (runtime.timer) this.deps.clock.clearTimeout(runtime.timer);
    runtime.timer = null;
  }

  private handleClose(id: string, reason: CloseReason, detail: string): void {
    const runtime = this.runtimes.get(id);
    const row = this.repository.get(id);
    if (!runtime || !row || this.stopped) return;
    this.detach(runtime);
    if (row.state === 'open') this.repository.update(id, { last_active_at: this.nowIso() }, this.nowIso());
    const action = actionForClose(reason, row.state === 'waiting-for-qr');
    this.deps.logger.info({ sessionId: id, reason, detail, action: action?.kind }, 'connection closed');
    if (!action) return;
    switch (action.kind) {
      case 'reconnect-now':
        void this.openSession(id, 'connecting');
        return;
      case 'back-off': {
        const delay = reconnectDelay(runtime.attempts++, this.random);
        runtime.reconnectAt = this.deps.clock.now() + delay;
        this.setState(id, 'reconnecting', detail || null);
        runtime.timer = this.deps.clock.setTimeout(() => {
          runtime.timer = null;
          void this.openSession(id, 'reconnecting');
        }, delay);
        return;
      }
      case 'stop':
        if (action.wipeKeys) runtime.auth.clear();
        runtime.qr = null;
        runtime.pairingCode = null;
        this.setState(id, action.state, action.reason);
        return;
    }
  }

  private touch(id: string): void {
    if (this.repository.get(id)?.state !== 'open') return;
    this.repository.update(id, { last_active_at: this.nowIso() }, this.nowIso());
    this.announce(id);
  }

  private setState(id: string, state: SessionState, reason: string | null): void {
    this.repository.update(id, { state, state_reason: reason }, this.nowIso());
    this.announce(id);
  }

  private announce(id: string): void {
    const row = this.repository.get(id);
    if (row) this.deps.events.emit('sessions:changed', this.toView(row));
  }

  private toView(row: SessionRow): SessionView {
    const runtime = this.runtimes.get(row.id);
    const reconnectAt = row.state === 'reconnecting' && runtime?.reconnectAt ? new Date(runtime.reconnectAt).toISOString() : null;
    const pairingCode = row.state === 'waiting-for-qr' ? (runtime?.pairingCode ?? null) : null;
    return {
      id: row.id,
      label: row.label,
      kind: row.transport,
      state: row.state,
      reason: row.state_reason,
      nextStep: nextStepFor(row.state, {
        pairingCode,
        reconnectAt,
        now: this.deps.clock.now(),
        demo: row.transport === 'simulator',
        everConnected: row.phone !== null,
      }),
      phone: row.phone,
      displayName: row.display_name,
      lastActiveAt: row.last_active_at,
      qr: row.state === 'waiting-for-qr' ? (runtime?.qr ?? null) : null,
      pairingCode,
      reconnectAt,
      needsAttention: needsAttention(row.state),
    };
  }

  private requireRow(id: string): SessionRow {
    const row = this.repository.get(id);
    if (!row) throw new ApiFailure('not-found', 'That WhatsApp session no longer exists.');
    return row;
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
