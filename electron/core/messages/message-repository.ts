import type { MessageStatus, ScheduledMessage } from '../../../shared/messages/message-schemas.js';
import { ruleLabel, ruleLabels } from '../../../shared/messages/schedule.js';
import type { Database } from '../database/open-database.js';
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

type ViewRow = MessageRow & { workshop_name: string; rule_label?: string | null; delivered_count?: number; read_count?: number };

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
    return this.statements.ruleRows.all(workshopId) as ReminderRow[];
  }

  /** Queues a reminder; its idempotency key is its workshop and rule, so a second row for the same pair is refused. */
  insertReminder(reminder: ReminderValues & { id: string; workshop: string; rule: string; key: string }): void {
    this.statements.insertReminder.run(reminder);
  }

  /** Puts a reminder back to pending at its rule's values; false when it was already exactly that (no write, no event). */
  reschedule(id: string, values: ReminderValues): boolean {
    return this.statements.reschedule.run({ ...values, id }).changes > 0;
  }

  scheduledFor(id: string): Pick<MessageRow, 'status' | 'scheduled_for'> {
    return this.statements.scheduledFor.get(id) as Pick<MessageRow, 'status' | 'scheduled_for'>;
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

  get(id: string): (MessageRow & { workshop_name: string; workshop_time_zone: string }) | undefined {
    return this.statements.get.get(id) as (MessageRow & { workshop_name: string; workshop_time_zone: string }) | undefined;
  }

  nextDue(): { id: string; next_attempt_at: string } | undefined {
    return this.statements.nextDue.get() as { id: string; next_attempt_at: string } | undefined;
  }

  dueIds(nowIso: string): string[] {
    return this.statements.due.all(nowIso) as string[];
  }

  byMessageId(messageId: string): Pick<MessageRow, 'id' | 'workshop_id' | 'status' | 'receipt'> | undefined {
    return this.statements.byMessageId.get(messageId) as Pick<MessageRow, 'id' | 'workshop_id' | 'status' | 'receipt'> | undefined;
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
    return this.db
      .prepare(
        `UPDATE scheduled_whatsapp_messages SET ${assignments}, updated_at = @now
         WHERE id IN (SELECT value FROM json_each(@ids)) AND status IN (SELECT value FROM json_each(@from))
         RETURNING id, workshop_id`,
      )
      .all({ ...values, now: nowIso, ids: JSON.stringify(ids), from: JSON.stringify(from) }) as Pick<MessageRow, 'id' | 'workshop_id'>[];
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
    return (this.db.prepare(sql).all(params) as ViewRow[]).map(toView);
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
    const row = this.statements.view.get(id) as ViewRow | undefined;
    return row ? toView(row) : undefined;
  }

  /** Rows interrupted mid-send by a crash: claimed, never confirmed. */
  interrupted(): MessageRow[] {
    return this.db.prepare("SELECT * FROM scheduled_whatsapp_messages WHERE status = 'sending'").all() as MessageRow[];
  }
}

export function toView(row: ViewRow): ScheduledMessage {
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
