import { ApiFailure } from '../../../shared/contract/result.js';
import type { ScheduledMessage, SenderStatus } from '../../../shared/messages/message-schemas.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { withTimeout } from '../clock/with-timeout.js';
import type { CoreEvents } from '../events/core-events.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import type { SessionSupervisor } from '../whatsapp/session-supervisor.js';
import { WhatsAppRequestError, ackErrorMeaning } from '../whatsapp/whatsapp-errors.js';
import type { OutgoingContent, ReceiptStatus } from '../whatsapp/whatsapp-transport.js';
import type { MessageRepository, MessageRow } from './message-repository.js';

export const SEND_TIMEOUT_MS = 30_000;
/**
 * What "sent" means. WhatsApp confirms nothing when it accepts a message (Baileys reports no
 * positive server ack); it only says so when it refuses one, with an error ack that comes
 * within a second or so. A message is therefore "sent" once it was written to the socket and
 * no error ack came back within this window. Until then it stays "sending".
 */
export const ACK_WINDOW_MS = 2_000;
export const MAX_ATTEMPTS = 4; // the first try and three retries
const RETRY_DELAYS_MS = [15_000, 60_000, 240_000];
/** Gap between two sends on one account, so a burst of reminders does not look like spam. */
export const PACING_MIN_MS = 2_000;
export const PACING_SPREAD_MS = 3_000;
const PAUSED_KEY = 'sender.paused';
/** Accounts WhatsApp is throttling (error 463/475): their sends wait until the operator resumes. */
const THROTTLED_KEY = 'sender.throttled-accounts';
const TERMINAL = new Set(['sent', 'failed', 'missed', 'cancelled', 'uncertain']);
const receiptRank: Record<string, number> = { 'server-ack': 1, delivered: 2, read: 3, played: 4 };

class SendTimeout extends Error {
  constructor() {
    super(`WhatsApp did not confirm the send within ${SEND_TIMEOUT_MS / 1000} s`);
  }
}

/** How a failed send attempt ends: only what provably never left the console is tried again. */
type AttemptFailure = { kind: 'retry' | 'failed' | 'uncertain'; reason: string };

type AttemptOutcome = { kind: 'written' } | { kind: 'error'; error: unknown };

export interface MessageSenderDeps {
  repository: MessageRepository;
  /** Where the pause switch and the throttled accounts are kept across restarts. */
  settings: Pick<SettingsRepository, 'stored' | 'store'>;
  sessions: SessionSupervisor;
  clock: Clock;
  logger: Logger;
  events: CoreEvents;
  /** Renders a row's text for the moment it goes out; throws when the workshop lacks a value it needs. */
  text?: { bodyAtSend(row: MessageRow): string };
  random?: () => number;
}

/**
 * Sends the queue. One precise timer for the next due message (never a periodic scan),
 * one send at a time per account with jittered gaps, a timeout per send, retries with
 * back-off on transient errors. Before touching the socket a row is claimed as `sending`
 * with its WhatsApp id in a committed transaction; a `sending` row found at start-up was
 * interrupted by a crash and becomes `uncertain`, for the operator to confirm or resend.
 */
export class MessageSender {
  private timer: TimerHandle | null = null;
  /** Per-send timeouts, cleared on stop so nothing touches a closed database. */
  private readonly sendTimeouts = new Set<TimerHandle>();
  private readonly busy = new Set<string>();
  private readonly lastSendAt = new Map<string, number>();
  private readonly waiters = new Map<string, ((message: ScheduledMessage) => void)[]>();
  private readonly random: () => number;
  private paused: boolean;
  private throttled: Record<string, string>;
  /** Rows written to the socket and waiting out the error-ack window, with their timers. */
  private readonly confirming = new Map<string, TimerHandle>();
  private stopped = false;
  private lastStatus = '';

  constructor(private readonly deps: MessageSenderDeps) {
    this.random = deps.random ?? Math.random;
    this.paused = deps.settings.stored(PAUSED_KEY) === 'true';
    this.throttled = JSON.parse(deps.settings.stored(THROTTLED_KEY) ?? '{}') as Record<string, string>;
  }

  start(): void {
    for (const row of this.deps.repository.interrupted()) {
      this.update(row.id, {
        status: 'uncertain',
        last_error: 'The console stopped while this message was being sent. Check the group, then confirm it arrived or send it again.',
      });
      this.notify('warning', 'A message may not have been sent', row.id);
    }
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    for (const handle of this.sendTimeouts) this.deps.clock.clearTimeout(handle);
    this.sendTimeouts.clear();
    for (const handle of this.confirming.values()) this.deps.clock.clearTimeout(handle);
    this.confirming.clear();
    // Whoever waits for an outcome (a quick send) gets the state the console stops in.
    for (const [id, resolvers] of this.waiters) {
      const view = this.deps.repository.view(id);
      if (view) for (const resolve of resolvers) resolve(view);
    }
    this.waiters.clear();
  }

  /** Re-plans the timer: after any change to the queue, a reconnect or a resume from sleep. */
  arm(): void {
    this.clearTimer();
    if (this.stopped) return;
    const wake = this.nextWake();
    if (wake !== null && !this.paused) {
      this.timer = this.deps.clock.setTimeout(() => {
        this.timer = null;
        this.tick();
      }, wake - this.deps.clock.now());
    }
    this.announceStatus();
  }

  status(): SenderStatus {
    const next = this.deps.repository.nextDue();
    const row = next ? this.deps.repository.get(next.id) : undefined;
    return {
      paused: this.paused,
      next: row
        ? {
            at: row.next_attempt_at ?? row.scheduled_for,
            workshopName: row.workshop_name,
            timeZone: row.workshop_time_zone,
            messageId: row.id,
          }
        : null,
    };
  }

  setPaused(paused: boolean): SenderStatus {
    this.paused = paused;
    this.deps.settings.store(PAUSED_KEY, String(paused), this.nowIso());
    // Resuming is the operator's answer to a throttled account too.
    if (!paused) this.setThrottled({});
    this.arm();
    return this.status();
  }

  /** Accounts held back because WhatsApp throttled them, with the reason shown to the operator. */
  throttledAccounts(): Readonly<Record<string, string>> {
    return this.throttled;
  }

  private setThrottled(accounts: Record<string, string>): void {
    this.throttled = accounts;
    this.deps.settings.store(THROTTLED_KEY, JSON.stringify(accounts), this.nowIso());
  }

  /** Resolves when the message reaches a final state (sent, failed, missed, cancelled or uncertain). */
  waitFor(id: string): Promise<ScheduledMessage> {
    const current = this.deps.repository.view(id);
    if (current && TERMINAL.has(current.status)) return Promise.resolve(current);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  onReceipt(
    messageId: string,
    status: ReceiptStatus,
    context: { error?: string | undefined; member?: string | undefined; sessionId?: string } = {},
  ): void {
    const row = this.deps.repository.byMessageId(messageId);
    if (!row) {
      this.deps.logger.debug({ messageId, status }, 'a receipt for a message this console does not know; ignored');
      return;
    }
    if (status === 'failed') {
      this.rejected(row.id, context.error, context.sessionId);
      return;
    }
    if (context.member) this.deps.repository.recordReceipt(row.id, context.member, status, this.nowIso());
    const higher = (receiptRank[status] ?? 0) > (receiptRank[row.receipt ?? ''] ?? 0);
    // A member's receipt for an uncertain or still-confirming message proves it went out.
    const proven = row.status === 'uncertain' || row.status === 'sending';
    if (proven) this.clearConfirming(row.id);
    if (higher || proven) {
      this.update(row.id, {
        ...(higher ? { receipt: status as MessageRow['receipt'] } : {}),
        ...(proven ? { status: 'sent', sent_at: this.nowIso(), last_error: null } : {}),
      });
    } else if (context.member) {
      this.changed(row.id, row.workshop_id);
    }
  }

  /** WhatsApp refused a message it had been given (an error ack). */
  private rejected(id: string, code: string | undefined, sessionId: string | undefined): void {
    const row = this.deps.repository.get(id);
    if (!row || row.status === 'failed') return;
    this.clearConfirming(id);
    const meaning = code ? ackErrorMeaning(code) : { words: 'WhatsApp reported that the message failed to deliver.', throttled: false };
    this.update(id, { status: 'failed', last_error: meaning.words });
    const account = sessionId ?? row.session_id;
    if (meaning.throttled && account && !this.throttled[account]) {
      this.setThrottled({ ...this.throttled, [account]: meaning.words });
      this.deps.events.emit('sessions:throttled', { sessionId: account, reason: meaning.words });
      this.notify('error', 'WhatsApp is throttling this account: its sends are paused', id);
      this.arm();
      return;
    }
    this.notify('error', 'WhatsApp rejected a message', id);
  }

  private clearConfirming(id: string): void {
    const handle = this.confirming.get(id);
    if (handle) this.deps.clock.clearTimeout(handle);
    this.confirming.delete(id);
  }

  private tick(): void {
    const now = this.deps.clock.now();
    for (const id of this.deps.repository.dueIds(new Date(now).toISOString())) {
      const row = this.deps.repository.get(id);
      if (!row || row.status !== 'pending' || this.paused) continue;
      if (row.attempts === 0 && now - Date.parse(row.scheduled_for) > row.grace_minutes * 60_000) {
        this.update(row.id, {
          status: 'missed',
          last_error: `Not sent: it was due at ${row.scheduled_for} and the console could not send within the ${row.grace_minutes}-minute grace window.`,
        });
        this.notify('warning', 'A reminder was missed', row.id);
        continue;
      }
      if (!row.session_id || this.throttled[row.session_id] || !this.deps.sessions.isOpen(row.session_id) || this.busy.has(row.session_id))
        continue;
      if (now < this.pacedUntil(row.session_id)) continue;
      void this.send(row);
    }
    this.arm();
  }

  private async send(row: MessageRow): Promise<void> {
    const sessionId = row.session_id as string;
    const connection = this.deps.sessions.connection(sessionId);
    const messageId = row.message_id ?? connection.newMessageId();
    const claimed = this.deps.repository.claim({ id: row.id, messageId, sessionId, groupJid: row.group_jid }, this.nowIso());
    if (!claimed) return;
    this.changed(row.id, row.workshop_id);
    this.busy.add(sessionId);
    const attempt = row.attempts + 1;
    // Only the socket call is inside the try: recording the outcome, and whatever listens to
    // it, must never be mistaken for the send failing (which would send it again).
    let outcome: AttemptOutcome;
    try {
      await withTimeout(this.deps.clock, connection.send(row.group_jid as string, this.content(row), messageId), {
        ms: SEND_TIMEOUT_MS,
        onTimeout: () => {
          throw new SendTimeout();
        },
        pending: this.sendTimeouts,
      });
      outcome = { kind: 'written' };
    } catch (error) {
      outcome = { kind: 'error', error };
    } finally {
      this.busy.delete(sessionId);
    }
    // Stopping mid-send leaves the row "sending": the next start marks it uncertain.
    if (this.stopped) return;
    if (outcome.kind === 'written') this.confirmAfterWindow(row.id);
    else this.attemptFailed(row, attempt, classifyFailure(outcome.error));
    this.lastSendAt.set(sessionId, this.deps.clock.now() + Math.round(this.random() * PACING_SPREAD_MS));
    this.arm();
  }

  /** Written to the socket: "sent" unless WhatsApp sends an error ack within the window. */
  private confirmAfterWindow(id: string): void {
    this.clearConfirming(id);
    const handle = this.deps.clock.setTimeout(() => {
      this.confirming.delete(id);
      if (this.stopped) return;
      if (this.deps.repository.get(id)?.status !== 'sending') return;
      this.update(id, { status: 'sent', sent_at: this.nowIso(), last_error: null });
    }, ACK_WINDOW_MS);
    this.confirming.set(id, handle);
  }

  private attemptFailed(row: MessageRow, attempt: number, failure: AttemptFailure): void {
    if (failure.kind === 'retry' && attempt < MAX_ATTEMPTS) {
      const base = RETRY_DELAYS_MS[attempt - 1] ?? RETRY_DELAYS_MS.at(-1) ?? 60_000;
      const delay = Math.round(base * (0.75 + this.random() / 2));
      this.update(row.id, {
        status: 'pending',
        next_attempt_at: new Date(this.deps.clock.now() + delay).toISOString(),
        last_error: `${failure.reason}. Trying again (attempt ${attempt + 1} of ${MAX_ATTEMPTS}) with the same message id.`,
      });
      return;
    }
    if (failure.kind === 'uncertain') {
      this.update(row.id, {
        status: 'uncertain',
        last_error: `${failure.reason}. It may have reached WhatsApp: check the group, then confirm it arrived or send it again.`,
      });
      this.notify('warning', 'A message may not have been sent', row.id);
      return;
    }
    this.update(row.id, { status: 'failed', last_error: failure.reason });
    this.notify('error', 'A message could not be sent', row.id);
  }

  private content(row: MessageRow): OutgoingContent {
    const body = this.deps.text ? this.deps.text.bodyAtSend(row) : row.body;
    if (row.kind === 'text') return { kind: 'text', text: body };
    const media = this.deps.repository.media(row.id);
    // Never sent: nothing left the console, so this fails rather than waiting as uncertain.
    if (!media) throw new ApiFailure('not-found', `The ${row.kind} of this message is missing from the queue.`);
    const caption = body ? { caption: body } : {};
    return row.kind === 'image'
      ? { kind: 'image', data: media, mimetype: row.media_mimetype ?? 'image/jpeg', ...caption }
      : {
          kind: 'document',
          data: media,
          mimetype: row.media_mimetype ?? 'application/octet-stream',
          fileName: row.file_name ?? 'file',
          ...caption,
        };
  }

  /**
   * The earliest moment something can happen: a send becoming due on an open, idle account
   * (respecting pacing), or a blocked message reaching the end of its grace window.
   */
  private nextWake(): number | null {
    const candidates = this.deps.repository.wakeCandidates();
    let wake: number | null = null;
    // Asked once per account, not once per row: most of the queue shares a few accounts.
    const open = new Map<string, boolean>();
    const isOpen = (sessionId: string): boolean => {
      let known = open.get(sessionId);
      if (known === undefined) open.set(sessionId, (known = this.deps.sessions.isOpen(sessionId)));
      return known;
    };
    for (const row of candidates) {
      const due = Date.parse(row.next_attempt_at ?? row.scheduled_for);
      const deadline = row.attempts === 0 ? Date.parse(row.scheduled_for) + row.grace_minutes * 60_000 + 1 : Number.POSITIVE_INFINITY;
      const sendable = row.session_id !== null && isOpen(row.session_id) && !this.busy.has(row.session_id);
      const at = sendable ? Math.max(due, this.pacedUntil(row.session_id as string)) : Math.max(due, deadline);
      if (Number.isFinite(at) && (wake === null || at < wake)) wake = at;
    }
    return wake;
  }

  private pacedUntil(sessionId: string): number {
    const last = this.lastSendAt.get(sessionId);
    return last === undefined ? 0 : last + PACING_MIN_MS;
  }

  private update(id: string, changes: Partial<MessageRow>): void {
    this.deps.repository.update(id, changes, this.nowIso());
    const row = this.deps.repository.get(id);
    if (!row) return;
    this.changed(id, row.workshop_id);
    if (TERMINAL.has(row.status)) {
      const view = this.deps.repository.view(id);
      for (const resolve of this.waiters.get(id) ?? []) if (view) resolve(view);
      this.waiters.delete(id);
    }
  }

  private changed(id: string, workshopId: string): void {
    this.deps.events.emit('messages:changed', { id, workshopId });
  }

  private notify(level: 'warning' | 'error', title: string, id: string): void {
    const fresh = this.deps.repository.get(id);
    if (!fresh) return;
    this.deps.events.emit('notifications:raised', {
      level,
      title,
      body: `${fresh.workshop_name}: ${fresh.last_error ?? fresh.status}`,
      workshopId: fresh.workshop_id,
    });
  }

  private announceStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.deps.events.emit('messages:status-changed', status);
  }

  private clearTimer(): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

function describeError(error: unknown): string {
  if (error instanceof ApiFailure || error instanceof SendTimeout || error instanceof WhatsAppRequestError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `WhatsApp refused the send: ${message}`;
}

const RETRYABLE_CODES = new Set([408, 429, 500, 503]);

/**
 * Decides whether a failed attempt may be repeated without the operator. Only failures that
 * happen before Baileys writes the message can be retried: the account was not connected, or
 * WhatsApp refused one of the queries a send makes first (group metadata, devices, keys).
 * Anything else (a timeout, a connection lost mid-send, an unknown error) may have left the
 * console, and a repeat could make members see the reminder twice: that waits for the operator.
 */
export function classifyFailure(error: unknown): AttemptFailure {
  const reason = describeError(error);
  if (error instanceof ApiFailure) return { kind: error.code === 'unavailable' ? 'retry' : 'failed', reason };
  if (error instanceof WhatsAppRequestError) return { kind: RETRYABLE_CODES.has(error.code) ? 'retry' : 'failed', reason };
  if (error instanceof Error && /not connected/i.test(error.message)) return { kind: 'retry', reason };
  return { kind: 'uncertain', reason };
}
