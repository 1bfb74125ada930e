import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { MediaInputSchema, MessageBatchOutcome, ScheduledMessage } from '../../../shared/messages/message-schemas.js';
import type { Clock } from '../clock/clock.js';
import { withTimeout } from '../clock/with-timeout.js';
import type { Database } from '../database/open-database.js';
import type { CoreEvents } from '../events/core-events.js';
import { instantFromLocal } from '../../../shared/time/local-date-time.js';
import type { MessageRepository, MessageRow } from './message-repository.js';
import type { MessageSender } from './message-sender.js';
import type { WorkshopRepository } from '../workshops/workshop-repository.js';
import { missingValueFailure, type MessageText } from './message-text.js';
import { unknownVariables, usesVariables } from '../../../shared/messages/template.js';

const QUICK_SEND_GRACE_MINUTES = 10;
const QUICK_SEND_WAIT_MS = 45_000;

export interface MessageServiceDeps {
  db: Database;
  repository: MessageRepository;
  workshops: Pick<WorkshopRepository, 'get'>;
  sender: MessageSender;
  clock: Clock;
  events: CoreEvents;
  text: MessageText;
}

/** What the operator does with the queue: quick sends, cancel, send early, confirm, resend. */
export class MessageService {
  constructor(private readonly deps: MessageServiceDeps) {}

  /**
   * The text as written is kept when it has {variables}: the sender renders it for the moment
   * it goes out. Unknown variables and values the workshop lacks are refused here, before
   * anything is queued.
   */
  private sourceOf(workshopId: string, text: string): string | null {
    const unknown = unknownVariables(text);
    if (unknown.length > 0) {
      const message = `${unknown.map((name) => `{${name}}`).join(', ')} ${unknown.length === 1 ? 'is not a variable' : 'are not variables'} the console knows; remove ${unknown.length === 1 ? 'it' : 'them'} or pick one from the template editor’s list.`;
      throw new ApiFailure('invalid-input', message, { text: message });
    }
    if (!usesVariables(text)) return null;
    const workshop = this.deps.text.workshop(workshopId);
    if (!workshop) throw new ApiFailure('not-found', 'That workshop no longer exists.');
    const { missing } = this.deps.text.render(text, workshop);
    if (missing.length > 0) throw missingValueFailure(workshop.name, missing);
    return text;
  }

  list(
    workshopId: string | undefined,
    scope: 'upcoming' | 'history' | 'all',
    narrow: { status?: MessageRow['status'][] | undefined; search?: string | undefined } = {},
  ): ScheduledMessage[] {
    return this.deps.repository.list({ workshopId, scope, ...narrow });
  }

  /** Goes through the same queue as reminders (claimed before sending, crash-safe), then waits for the outcome. */
  async sendNow(workshopId: string, text: string, media?: z.output<typeof MediaInputSchema>): Promise<ScheduledMessage> {
    const workshop = this.deps.workshops.get(workshopId);
    if (!workshop) throw new ApiFailure('not-found', 'That workshop no longer exists.');
    if (!workshop.session_id || !workshop.group_jid) throw new ApiFailure('conflict', 'Link a WhatsApp group to this workshop first.');
    const source = this.sourceOf(workshopId, text);
    const id = `msg_${randomUUID()}`;
    const now = new Date(this.deps.clock.now()).toISOString();
    const kind = media ? (media.mimetype.startsWith('image/') ? 'image' : 'document') : 'text';
    this.deps.repository.insert(
      {
        id,
        workshop_id: workshopId,
        session_id: workshop.session_id,
        group_jid: workshop.group_jid,
        kind,
        body: text,
        body_source: source,
        media: media ? Buffer.from(media.base64, 'base64') : null,
        media_mimetype: media?.mimetype ?? null,
        file_name: media?.fileName ?? null,
        at: now,
        grace_minutes: QUICK_SEND_GRACE_MINUTES,
      },
      now,
    );
    this.deps.events.emit('messages:changed', { id, workshopId });
    this.deps.sender.arm();
    const outcome = await withTimeout<ScheduledMessage | null>(this.deps.clock, this.deps.sender.waitFor(id), {
      ms: QUICK_SEND_WAIT_MS,
      onTimeout: () => null,
    });
    return outcome ?? this.view(id);
  }

  cancel(id: string): ScheduledMessage {
    this.transition(id, ['pending'], { status: 'cancelled', cancelled_by: 'operator' }, 'Only a pending message can be cancelled.');
    return this.view(id);
  }

  cancelMany(ids: readonly string[]): MessageBatchOutcome {
    return this.transitionMany(ids, ['pending'], { status: 'cancelled', cancelled_by: 'operator' });
  }

  /** The operator's own text and time for one pending message; the schedule leaves it alone from then on. */
  update(id: string, text: string, sendAtLocal: string): ScheduledMessage {
    const message = this.deps.repository.get(id);
    if (!message) throw new ApiFailure('not-found', 'That message no longer exists.');
    const at = instantFromLocal(sendAtLocal, message.workshop_time_zone, 'sendAtLocal');
    if (Date.parse(at) <= this.deps.clock.now()) {
      throw new ApiFailure('invalid-input', 'That time has already passed; choose a later one or use "Send now".', {
        sendAtLocal: 'That time has already passed',
      });
    }
    const source = this.sourceOf(message.workshop_id, text);
    const workshop = source ? this.deps.text.workshop(message.workshop_id) : undefined;
    // Shown in the list as it will read at its time; rendered again when it goes out.
    const body = source && workshop ? this.deps.text.render(source, workshop, at).text : text;
    const now = new Date(this.deps.clock.now()).toISOString();
    this.transition(
      id,
      ['pending'],
      { body, body_source: source, scheduled_for: at, next_attempt_at: at, edited_at: now },
      'Only a pending message can be edited.',
    );
    return this.view(id);
  }

  sendEarly(id: string): ScheduledMessage {
    const now = new Date(this.deps.clock.now()).toISOString();
    this.transition(id, ['pending'], { scheduled_for: now, next_attempt_at: now }, 'Only a pending message can be sent now.');
    return this.view(id);
  }

  sendEarlyMany(ids: readonly string[]): MessageBatchOutcome {
    const now = new Date(this.deps.clock.now()).toISOString();
    return this.transitionMany(ids, ['pending'], { scheduled_for: now, next_attempt_at: now });
  }

  confirmSent(id: string): ScheduledMessage {
    this.transition(id, ['uncertain'], { status: 'sent', last_error: null }, 'Only a message marked uncertain can be confirmed.');
    return this.view(id);
  }

  /** Keeps its WhatsApp id: if the first attempt did arrive, phones discard the copy. */
  resend(id: string): ScheduledMessage {
    const now = new Date(this.deps.clock.now()).toISOString();
    this.transition(
      id,
      ['uncertain', 'failed', 'missed'],
      { status: 'pending', attempts: 0, scheduled_for: now, next_attempt_at: now, last_error: null, cancelled_by: null },
      'Only a failed, missed or uncertain message can be sent again.',
    );
    return this.view(id);
  }

  private transition(id: string, from: MessageRow['status'][], changes: Partial<MessageRow>, refusal: string): void {
    const row = this.deps.repository.get(id);
    if (!row) throw new ApiFailure('not-found', 'That message no longer exists.');
    if (!from.includes(row.status)) throw new ApiFailure('conflict', `${refusal} This one is ${row.status}.`);
    this.deps.repository.update(id, changes, new Date(this.deps.clock.now()).toISOString());
    this.deps.events.emit('messages:changed', { id, workshopId: row.workshop_id });
    this.deps.sender.arm();
  }

  /**
   * The batch form of `transition`: one statement in one transaction moves every chosen row
   * still in `from`. A row that moved on meanwhile (sent, cancelled elsewhere, deleted) is
   * counted, not refused, so the operator learns how many had already gone.
   */
  private transitionMany(ids: readonly string[], from: MessageRow['status'][], changes: Partial<MessageRow>): MessageBatchOutcome {
    const chosen = [...new Set(ids)];
    const nowIso = new Date(this.deps.clock.now()).toISOString();
    const moved = this.deps.db.transaction(() => this.deps.repository.updateMany(chosen, from, changes, nowIso))();
    for (const workshopId of new Set(moved.map((row) => row.workshop_id)))
      this.deps.events.emit('messages:changed', { id: '', workshopId });
    if (moved.length > 0) this.deps.sender.arm();
    return { done: moved.length, alreadyGone: chosen.length - moved.length };
  }

  private view(id: string): ScheduledMessage {
    const view = this.deps.repository.view(id);
    if (!view) throw new ApiFailure('not-found', 'That message no longer exists.');
    return view;
  }
}
