import { messageStatuses, type MessageStatus, type ScheduledMessage } from '../../../shared/messages/message-schemas.js';
import { ruleLabel, ruleLabels } from '../../../shared/messages/schedule.js';
import type { Database } from '../database/open-database.js';
import {
  bytesOrNull,
  columns,
  countOf,
  mapRow,
  mapRows,
  num,
  numOrNull,
  oneOfThese,
  oneOfTheseOrNull,
  text,
  textOf,
  textOrNull,
  type SqlRow,
} from '../database/row-reader.js';
import { updateRow } from '../database/update-row.js';

export interface MessageRow {
  id: string;
  workshop_id: string;
  rule_key: string | null;
  idempotency_key: string | null;
  session_id: string | null;
  group_jid: string | null;
  kind: 'text' | 'image' | 'document';
  body: string;
  /** The text as written, with its {variables}; rendered again when the message goes out. Null for literal text. */
  body_source: string | null;
  media: Buffer | null;
  media_mimetype: string | null;
  file_name: string | null;
  scheduled_for: string;
  grace_minutes: number;
  status: MessageStatus;
  cancelled_by: 'operator' | 'schedule' | null;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  message_id: string | null;
  sent_at: string | null;
  receipt: ScheduledMessage['receipt'];
  edited_at: string | null;
  recipients: number | null;
  created_at: string;
  updated_at: string;
}

/** The name an added rule had when it was removed: its reminders keep it. */
const REMOVED_RULE_NAME = `(SELECT r.label FROM removed_reminder_rule_names r WHERE r.rule_key = m.rule_key)`;

const COLUMNS = `m.id, m.workshop_id, m.rule_key, m.idempotency_key, m.session_id, m.group_jid, m.kind, m.body, m.media_mimetype, m.file_name,
  m.scheduled_for, m.grace_minutes, m.status, m.attempts, m.next_attempt_at, m.last_error, m.message_id, m.sent_at, m.receipt,
  m.edited_at, m.recipients, m.created_at, m.updated_at,
  coalesce((SELECT c.label FROM workshop_automation_config c WHERE c.rule_key = m.rule_key AND (c.workshop_id IS NULL OR c.workshop_id = m.workshop_id)
    ORDER BY c.workshop_id IS NULL DESC LIMIT 1), ${REMOVED_RULE_NAME}) AS rule_label,
  (SELECT count(*) FROM message_receipts r WHERE r.message_row_id = m.id) AS delivered_count,
  (SELECT count(*) FROM message_receipts r WHERE r.message_row_id = m.id AND r.read_at IS NOT NULL) AS read_count`;

/** The reminder's name as the lists show it: its own label, else the built-in name of one of the five. */
const RULE_NAME = `coalesce((SELECT c.label FROM workshop_automation_config c WHERE c.rule_key = m.rule_key
    AND (c.workshop_id IS NULL OR c.workshop_id = m.workshop_id) ORDER BY c.workshop_id IS NULL DESC LIMIT 1),
  ${REMOVED_RULE_NAME}, (SELECT b.value FROM json_each(@builtInNames) b WHERE b.key = m.rule_key), '')`;

/** What the lists read of a row (COLUMNS), with the counts and names they show. */
type ViewRow = Pick<
  MessageRow,
  | 'id'
  | 'workshop_id'
  | 'rule_key'
  | 'kind'
  | 'body'
  | 'file_name'
  | 'scheduled_for'
  | 'grace_minutes'
  | 'status'
  | 'attempts'
  | 'next_attempt_at'
  | 'last_error'
  | 'message_id'
  | 'sent_at'
  | 'receipt'
  | 'edited_at'
  | 'recipients'
> & { workshop_name: string; rule_label: string | null; delivered_count: number; read_count: number };

/** A queued row with its workshop's name and time zone. */
export type MessageWithWorkshop = MessageRow & { workshop_name: string; workshop_time_zone: string };

/** What the sender's next wake-up is worked out from, for one pending row. */
export type WakeCandidate = Pick<MessageRow, 'session_id' | 'scheduled_for' | 'next_attempt_at' | 'grace_minutes' | 'attempts'>;

/** How many candidates the sender looks at: the earliest due; enough to find an idle account's next send behind busy ones. */
const WAKE_CANDIDATES = 200;

/** What the schedule knows of a row it owns. */
export type ReminderRow = Pick<MessageRow, 'id' | 'status' | 'cancelled_by' | 'edited_at'> & { rule_key: string };

/** A reminder's values as its rule and workshop make them. */
export interface ReminderValues {
  session: string | null;
  group: string | null;
  body: string;
  source: string;
  at: string;
  grace: number;
  now: string;
}

/** The queue table, `scheduled_whatsapp_messages`. */
export class MessageRepository {
  readonly nextDueSql =
    "SELECT id, next_attempt_at FROM scheduled_whatsapp_messages WHERE status = 'pending' ORDER BY next_attempt_at LIMIT 1";
  private readonly statements;

  constructor(private readonly db: Database) {
    this.statements = {
      get: db.prepare(
        `SELECT m.*, w.name AS workshop_name, w.time_zone AS workshop_time_zone FROM scheduled_whatsapp_messages m JOIN workshops w ON w.id = m.workshop_id WHERE m.id = ?`,
      ),
      view: db.prepare(
        `SELECT ${COLUMNS}, w.name AS workshop_name FROM scheduled_whatsapp_messages m JOIN workshops w ON w.id = m.workshop_id WHERE m.id = ?`,
      ),
      receipt: db.prepare(
        `INSERT INTO message_receipts (message_row_id, member, delivered_at, read_at) VALUES (@id, @member, @at, @readAt)
         ON CONFLICT (message_row_id, member) DO UPDATE SET read_at = coalesce(message_receipts.read_at, excluded.read_at)`,
      ),
      nextDue: db.prepare(this.nextDueSql),
      due: db
        .prepare("SELECT id FROM scheduled_whatsapp_messages WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at")
        .pluck(),
      byMessageId: db.prepare('SELECT id, workshop_id, status, receipt FROM scheduled_whatsapp_messages WHERE message_id = ?'),
      // One statement, so two senders (or a crash between a check and a write) can never both claim a row.
      claim: db.prepare(
        `UPDATE scheduled_whatsapp_messages SET status = 'sending', message_id = ?, attempts = attempts + 1, updated_at = ?,
           recipients = (SELECT max(size - 1, 0) FROM whatsapp_groups WHERE session_id = ? AND group_jid = ?)
         WHERE id = ? AND status = 'pending'`,
      ),
      insert: db.prepare(
        `INSERT INTO scheduled_whatsapp_messages (id, workshop_id, session_id, group_jid, kind, body, body_source, media, media_mimetype, file_name,
           scheduled_for, grace_minutes, status, next_attempt_at, created_at, updated_at)
         VALUES (@id, @workshopId, @sessionId, @groupJid, @kind, @body, @bodySource, @media, @mediaMimetype, @fileName,
           @at, @graceMinutes, 'pending', @at, @now, @now)`,
      ),
      // The schedule's writes: one row per workshop and rule.
      ruleRows: db.prepare(
        'SELECT id, rule_key, status, cancelled_by, edited_at FROM scheduled_whatsapp_messages WHERE workshop_id = ? AND rule_key IS NOT NULL',
      ),
      insertReminder: db.prepare(`
        INSERT INTO scheduled_whatsapp_messages (id, workshop_id, rule_key, idempotency_key, session_id, group_jid, kind, body, body_source,
          scheduled_for, grace_minutes, status, next_attempt_at, created_at, updated_at)
        VALUES (@id, @workshop, @rule, @key, @session, @group, 'text', @body, @source, @at, @grace, 'pending', @at, @now, @now)`),
      reschedule: db.prepare(`
        UPDATE scheduled_whatsapp_messages SET session_id = @session, group_jid = @group, body = @body, body_source = @source, scheduled_for = @at,
          next_attempt_at = @at, grace_minutes = @grace, status = 'pending', cancelled_by = NULL, attempts = 0, last_error = NULL, updated_at = @now
        WHERE id = @id
          AND (status <> 'pending' OR session_id IS NOT @session OR group_jid IS NOT @group OR body IS NOT @body OR body_source IS NOT @source
            OR scheduled_for IS NOT @at OR grace_minutes IS NOT @grace OR last_error IS NOT NULL)`),
      cancelBySchedule: db.prepare(
        "UPDATE scheduled_whatsapp_messages SET status = 'cancelled', cancelled_by = 'schedule', updated_at = ? WHERE id = ? AND status = 'pending'",
      ),
      // A reminder whose new time has already passed: cancelled, and listed at that new time rather than the old one.
      cancelAt: db.prepare(
        `UPDATE scheduled_whatsapp_messages SET status = 'cancelled', cancelled_by = 'schedule', scheduled_for = @at, next_attempt_at = NULL, updated_at = @now
         WHERE id = @id AND (status = 'pending' OR (status = 'cancelled' AND cancelled_by = 'schedule' AND scheduled_for IS NOT @at))`,
      ),
      scheduledFor: db.prepare('SELECT status, scheduled_for FROM scheduled_whatsapp_messages WHERE id = ?'),
      hold: db.prepare(
        "UPDATE scheduled_whatsapp_messages SET status = 'cancelled', cancelled_by = 'schedule', last_error = @reason, updated_at = @now WHERE id = @id AND status = 'pending'",
      ),
      cancelAllBySchedule: db.prepare(
        "UPDATE scheduled_whatsapp_messages SET status = 'cancelled', cancelled_by = 'schedule', updated_at = ? WHERE workshop_id = ? AND status = 'pending'",
      ),
      // Not a change the operator made, so updated_at stays as it was.
      storeBody: db.prepare('UPDATE scheduled_whatsapp_messages SET body = ? WHERE id = ?'),
      media: db.prepare('SELECT media FROM scheduled_whatsapp_messages WHERE id = ?'),
      wakeCandidates: db.prepare(
        `SELECT session_id, scheduled_for, next_attempt_at, grace_minutes, attempts FROM scheduled_whatsapp_messages WHERE status = 'pending' ORDER BY next_attempt_at LIMIT ${WAKE_CANDIDATES}`,
      ),
      pendingForRule: db
        .prepare(
          "SELECT count(*) FROM scheduled_whatsapp_messages WHERE rule_key = ? AND status = 'pending' AND (? IS NULL OR workshop_id = ?)",
        )
        .pluck(),
      interrupted: db.prepare("SELECT * FROM scheduled_whatsapp_messages WHERE status = 'sending'"),
    };
  }

  /**
   * Moves a pending row to sending under `messageId`, counting the attempt and the group's
   * recipients at this moment; false when it was no longer pending (someone else claimed it).
   */
  claim(claim: { id: string; messageId: string; sessionId: string; groupJid: string | null }, nowIso: string): boolean {
    return this.statements.claim.run(claim.messageId, nowIso, claim.sessionId, claim.groupJid, claim.id).changes === 1;
  }

  /** Queues one message of the operator's own, due at `at`. */
  insert(
    message: Pick<MessageRow, 'id' | 'workshop_id' | 'session_id' | 'group_jid' | 'kind' | 'body' | 'body_source' | 'media'> &
      Pick<MessageRow, 'media_mimetype' | 'file_name' | 'grace_minutes'> & { at: string },
    nowIso: string,
  ): void {
    this.statements.insert.run({
      id: message.id,
      workshopId: message.workshop_id,
      sessionId: message.session_id,
      groupJid: message.group_jid,
      kind: message.kind,
      body: message.body,
      bodySource: message.body_source,
      media: message.media,
      mediaMimetype: message.media_mimetype,
      fileName: message.file_name,
      at: message.at,
      graceMinutes: message.grace_minutes,
      now: nowIso,
    });
  }

  /** The rows the schedule owns for one workshop, one per rule. */
  ruleRows(workshopId: string): ReminderRow[] {
    return mapRows(this.statements.ruleRows.all(workshopId), reminderRow);
  }

  /** Queues a reminder; its idempotency key is its workshop and rule, so a second row for the same pair is refused. */
  insertReminder(reminder: ReminderValues & { id: string; workshop: string; rule: string; key: string }): void {
    this.statements.insertReminder.run(reminder);
  }

  /** Puts a reminder back to pending at its rule's values; false when it was already exactly that (no write, no event). */
  reschedule(id: string, values: ReminderValues): boolean {
    return this.statements.reschedule.run({ ...values, id }).changes > 0;
  }

  scheduledFor(id: string): Pick<MessageRow, 'status' | 'scheduled_for'> | undefined {
    return mapRow(this.statements.scheduledFor.get(id), columns({ status: oneOfThese(messageStatuses), scheduled_for: text }));
  }

  /** Cancels a pending reminder on the schedule's behalf; returns the rows cancelled (0 or 1). */
  cancelBySchedule(id: string, nowIso: string): number {
    return this.statements.cancelBySchedule.run(nowIso, id).changes;
  }

  /** Cancels a reminder whose time `at` has passed and lists it at that time; false when nothing changed. */
  cancelAt(id: string, at: string, nowIso: string): boolean {
    return this.statements.cancelAt.run({ at, now: nowIso, id }).changes > 0;
  }

  /** Holds a pending reminder back with the reason shown to the operator; returns the rows held (0 or 1). */
  hold(id: string, reason: string, nowIso: string): number {
    return this.statements.hold.run({ reason, now: nowIso, id }).changes;
  }

  /** Cancels every pending message of a workshop (edited ones too); returns how many. */
  cancelAllBySchedule(workshopId: string, nowIso: string): number {
    return this.statements.cancelAllBySchedule.run(nowIso, workshopId).changes;
  }

  /** The text as it rendered when it went out. */
  storeBody(id: string, body: string): void {
    this.statements.storeBody.run(body, id);
  }

  get(id: string): MessageWithWorkshop | undefined {
    return mapRow(this.statements.get.get(id), (row) => ({ ...messageRow(row), ...withWorkshop(row) }));
  }

  /** The attachment of an image or document message; read only when it is sent, so lists never carry it. */
  media(id: string): Buffer | null {
    return mapRow(this.statements.media.get(id), (row) => bytesOrNull(row, 'media')) ?? null;
  }

  /** The earliest-due pending rows, with what decides when each could go. */
  wakeCandidates(): WakeCandidate[] {
    return mapRows(this.statements.wakeCandidates.all(), wakeCandidate);
  }

  /** How many messages of a rule are still to go: in one workshop, or in all (workshopId null). */
  pendingForRule(ruleKey: string, workshopId: string | null): number {
    return countOf(this.statements.pendingForRule.get(ruleKey, workshopId, workshopId));
  }

  nextDue(): { id: string; next_attempt_at: string } | undefined {
    return mapRow(this.statements.nextDue.get(), columns({ id: text, next_attempt_at: text }));
  }

  dueIds(nowIso: string): string[] {
    return this.statements.due.all(nowIso).map((id) => textOf(id, 'id'));
  }

  byMessageId(messageId: string): Pick<MessageRow, 'id' | 'workshop_id' | 'status' | 'receipt'> | undefined {
    return mapRow(this.statements.byMessageId.get(messageId), byMessageIdRow);
  }

  /** One member's receipt; read implies delivered, and a later delivery never undoes a read. */
  recordReceipt(id: string, member: string, status: 'delivered' | 'read' | 'played', nowIso: string): void {
    this.statements.receipt.run({ id, member, at: nowIso, readAt: status === 'delivered' ? null : nowIso });
  }

  update(id: string, changes: Partial<MessageRow>, nowIso: string): void {
    updateRow(this.db, 'scheduled_whatsapp_messages', id, changes, nowIso);
  }

  /**
   * Writes `changes` to every listed row whose status is one of `from`, in one statement;
   * returns the rows it changed. Column names come from the row type, never from input.
   */
  updateMany(
    ids: readonly string[],
    from: readonly MessageStatus[],
    changes: Partial<MessageRow>,
    nowIso: string,
  ): Pick<MessageRow, 'id' | 'workshop_id'>[] {
    const columns = Object.keys(changes).filter((column) => changes[column as keyof MessageRow] !== undefined);
    for (const column of columns) if (!/^[a-z_]+$/.test(column)) throw new Error(`Not a column name: ${JSON.stringify(column)}`);
    const assignments = columns.map((column) => `${column} = @set_${column}`).join(', ');
    const values = Object.fromEntries(columns.map((column) => [`set_${column}`, changes[column as keyof MessageRow]]));
    // The statement depends on the columns given, so it is prepared per call (as `list`'s is).
    const rows = this.db
      .prepare(
        `UPDATE scheduled_whatsapp_messages SET ${assignments}, updated_at = @now
         WHERE id IN (SELECT value FROM json_each(@ids)) AND status IN (SELECT value FROM json_each(@from))
         RETURNING id, workshop_id`,
      )
      .all({ ...values, now: nowIso, ids: JSON.stringify(ids), from: JSON.stringify(from) });
    return mapRows(rows, idAndWorkshop);
  }

  /**
   * The queue, narrowed in SQL: by workshop, scope, statuses and words found in the text, the
   * workshop's name or the rule's name. The history is the newest 500 that match, read newest
   * first through its index.
   */
  list(filter: {
    workshopId?: string | undefined;
    scope: 'upcoming' | 'history' | 'all';
    status?: readonly MessageStatus[] | undefined;
    search?: string | undefined;
  }): ScheduledMessage[] {
    const { sql, params } = this.listQuery(filter);
    return mapRows(this.db.prepare(sql).all(params), (row) => toView(viewRow(row)));
  }

  /** The statement `list` runs and its parameters, apart so its query plan can be checked. */
  listQuery(filter: Parameters<MessageRepository['list']>[0]): { sql: string; params: Record<string, string | null> } {
    // A few words are plenty to find a message; more would only lengthen the statement.
    const words = (filter.search ?? '')
      .split(/\s+/)
      .filter((word) => word !== '')
      .slice(0, 8);
    const where = [
      filter.workshopId ? 'm.workshop_id = @workshop' : '1 = 1',
      filter.scope === 'upcoming'
        ? "m.status IN ('pending', 'sending', 'uncertain')"
        : filter.scope === 'history'
          ? "m.status NOT IN ('pending', 'sending')"
          : '1 = 1',
      // In the history, the order's index serves better than the status one (the unary + keeps SQLite off the latter).
      filter.status ? `${filter.scope === 'history' ? '+' : ''}m.status IN (SELECT value FROM json_each(@statuses))` : '1 = 1',
      ...words.map(
        (_, index) =>
          `(m.body LIKE @word${index} ESCAPE '\\' OR w.name LIKE @word${index} ESCAPE '\\'
            OR coalesce(m.file_name, '') LIKE @word${index} ESCAPE '\\' OR ${RULE_NAME} LIKE @word${index} ESCAPE '\\')`,
      ),
    ].join(' AND ');
    const order = filter.scope === 'history' ? 'coalesce(m.sent_at, m.updated_at) DESC LIMIT 500' : 'm.scheduled_for';
    const params: Record<string, string | null> = { workshop: filter.workshopId ?? null };
    if (filter.status) params.statuses = JSON.stringify(filter.status);
    if (words.length > 0) params.builtInNames = JSON.stringify(ruleLabels);
    words.forEach((word, index) => (params[`word${index}`] = `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`));
    return {
      sql: `SELECT ${COLUMNS}, w.name AS workshop_name FROM scheduled_whatsapp_messages m JOIN workshops w ON w.id = m.workshop_id WHERE ${where} ORDER BY ${order}`,
      params,
    };
  }

  view(id: string): ScheduledMessage | undefined {
    return mapRow(this.statements.view.get(id), (row) => toView(viewRow(row)));
  }

  /** Rows interrupted mid-send by a crash: claimed, never confirmed. */
  interrupted(): MessageRow[] {
    return mapRows(this.statements.interrupted.all(), messageRow);
  }
}

const kinds = ['text', 'image', 'document'] as const;
const receipts = ['server-ack', 'delivered', 'read', 'played'] as const;
const cancellers = ['operator', 'schedule'] as const;

/** The columns both a whole row and a listed one read. */
const listed = {
  id: text,
  workshop_id: text,
  rule_key: textOrNull,
  kind: oneOfThese(kinds),
  body: text,
  file_name: textOrNull,
  scheduled_for: text,
  grace_minutes: num,
  status: oneOfThese(messageStatuses),
  attempts: num,
  next_attempt_at: textOrNull,
  last_error: textOrNull,
  message_id: textOrNull,
  sent_at: textOrNull,
  receipt: oneOfTheseOrNull(receipts),
  edited_at: textOrNull,
  recipients: numOrNull,
};

const messageRow: (row: SqlRow) => MessageRow = columns({
  ...listed,
  idempotency_key: textOrNull,
  session_id: textOrNull,
  group_jid: textOrNull,
  body_source: textOrNull,
  media_mimetype: textOrNull,
  cancelled_by: oneOfTheseOrNull(cancellers),
  created_at: text,
  updated_at: text,
  media: bytesOrNull,
});

const viewRow: (row: SqlRow) => ViewRow = columns({
  ...listed,
  workshop_name: text,
  rule_label: textOrNull,
  delivered_count: num,
  read_count: num,
});

const reminderRow: (row: SqlRow) => ReminderRow = columns({
  id: text,
  rule_key: text,
  status: oneOfThese(messageStatuses),
  cancelled_by: oneOfTheseOrNull(cancellers),
  edited_at: textOrNull,
});

const wakeCandidate: (row: SqlRow) => WakeCandidate = columns({
  session_id: textOrNull,
  scheduled_for: text,
  next_attempt_at: textOrNull,
  grace_minutes: num,
  attempts: num,
});

const idAndWorkshop = columns({ id: text, workshop_id: text });

const withWorkshop = columns({ workshop_name: text, workshop_time_zone: text });

const byMessageIdRow = columns({ id: text, workshop_id: text, status: oneOfThese(messageStatuses), receipt: oneOfTheseOrNull(receipts) });

function toView(row: ViewRow): ScheduledMessage {
  return {
    id: row.id,
    workshopId: row.workshop_id,
    workshopName: row.workshop_name,
    ruleKey: row.rule_key,
    ruleLabel: row.rule_key === null ? null : ruleLabel(row.rule_key, row.rule_label),
    kind: row.kind,
    body: row.body,
    fileName: row.file_name,
    scheduledFor: row.scheduled_for,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    messageId: row.message_id,
    sentAt: row.sent_at,
    receipt: row.receipt,
    graceMinutes: row.grace_minutes,
    editedAt: row.edited_at,
    receipts:
      row.delivered_count || row.recipients !== null
        ? { delivered: row.delivered_count ?? 0, read: row.read_count ?? 0, of: row.recipients ?? null }
        : null,
  };
}
