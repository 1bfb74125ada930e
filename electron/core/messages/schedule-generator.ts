import { randomUUID } from 'node:crypto';
import { ruleFiresAt } from '../../../shared/messages/schedule.js';
import { missingValues, renderTemplate, templateValues } from '../../../shared/messages/template.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { AutomationService } from './automation-service.js';
import { describeMissing } from './message-text.js';

interface WorkshopForSchedule {
  id: string;
  name: string;
  starts_at: string;
  time_zone: string;
  duration_minutes: number;
  join_link: string;
  session_id: string | null;
  group_jid: string | null;
  invite_link: string | null;
}

interface ExistingRow {
  id: string;
  rule_key: string;
  status: string;
  cancelled_by: 'operator' | 'schedule' | null;
  edited_at: string | null;
}

/**
 * Turns a workshop and its rules into queue rows. Idempotent: each workshop and rule owns
 * one row (its idempotency key), so repeating an edit changes that row instead of adding
 * one. Only pending rows move; sent, sending, uncertain, failed and missed rows are history.
 */
/** What one regeneration did to the reminders still to go. */
export interface ScheduleChange {
  changed: boolean;
  /** Pending reminders now due at another time. */
  moved: number;
  /** Pending reminders cancelled because their new time has passed, their rule is off or gone, or the group was unlinked. */
  cancelled: number;
}

export class ScheduleGenerator {
  private readonly statements;
  private tally = { moved: 0, cancelled: 0 };

  constructor(
    private readonly db: Database,
    private readonly automation: AutomationService,
    private readonly clock: Clock,
  ) {
    this.statements = {
      workshop: db.prepare(`
        SELECT w.id, w.name, w.starts_at, w.time_zone, w.duration_minutes, w.join_link, w.session_id, w.group_jid, g.invite_link
        FROM workshops w LEFT JOIN whatsapp_groups g ON g.session_id = w.session_id AND g.group_jid = w.group_jid
        WHERE w.id = ?`),
      existing: db.prepare(
        'SELECT id, rule_key, status, cancelled_by, edited_at FROM scheduled_whatsapp_messages WHERE workshop_id = ? AND rule_key IS NOT NULL',
      ),
      insert: db.prepare(`
        INSERT INTO scheduled_whatsapp_messages (id, workshop_id, rule_key, idempotency_key, session_id, group_jid, kind, body, body_source,
          scheduled_for, grace_minutes, status, next_attempt_at, created_at, updated_at)
        VALUES (@id, @workshop, @rule, @key, @session, @group, 'text', @body, @source, @at, @grace, 'pending', @at, @now, @now)`),
      reschedule: db.prepare(`
        UPDATE scheduled_whatsapp_messages SET session_id = @session, group_jid = @group, body = @body, body_source = @source, scheduled_for = @at,
          next_attempt_at = @at, grace_minutes = @grace, status = 'pending', cancelled_by = NULL, attempts = 0, last_error = NULL, updated_at = @now
        WHERE id = @id
          AND (status <> 'pending' OR session_id IS NOT @session OR group_jid IS NOT @group OR body IS NOT @body OR body_source IS NOT @source
            OR scheduled_for IS NOT @at OR grace_minutes IS NOT @grace OR last_error IS NOT NULL)`),
      cancel: db.prepare(
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
      cancelAll: db.prepare(
        "UPDATE scheduled_whatsapp_messages SET status = 'cancelled', cancelled_by = 'schedule', updated_at = ? WHERE workshop_id = ? AND status = 'pending'",
      ),
      allWorkshops: db.prepare('SELECT id FROM workshops').pluck(),
    };
  }

  /** Brings one workshop's reminders in line with it; says whether any row changed and how many still to go moved or were cancelled. */
  regenerate(workshopId: string): ScheduleChange {
    return this.db.transaction(() => {
      this.tally = { moved: 0, cancelled: 0 };
      const changed = this.regenerateInTransaction(workshopId);
      return { changed, ...this.tally };
    })();
  }

  /** Returns the workshops whose queue changed. */
  regenerateAll(): string[] {
    return this.db.transaction(() => (this.statements.allWorkshops.all() as string[]).filter((id) => this.regenerateInTransaction(id)))();
  }

  private cancelled(rows: number): boolean {
    this.tally.cancelled += rows;
    return rows > 0;
  }

  private regenerateInTransaction(workshopId: string): boolean {
    const now = new Date(this.clock.now()).toISOString();
    const workshop = this.statements.workshop.get(workshopId) as WorkshopForSchedule | undefined;
    if (!workshop) return false;
    if (!workshop.group_jid || !workshop.session_id) {
      // Unlinked: nothing can be sent anywhere, so nothing stays pending, edited messages included.
      const cancelled = this.statements.cancelAll.run(now, workshopId).changes;
      this.tally.cancelled += cancelled;
      return cancelled > 0;
    }
    const existing = new Map((this.statements.existing.all(workshopId) as ExistingRow[]).map((row) => [row.rule_key, row]));
    let changed = false;
    const rules = this.automation.effectiveRules(workshopId);
    for (const row of existing.values()) {
      // Its rule was removed (here or on another desktop): nothing will send it, edited or not.
      if (row.status === 'pending' && !rules.some((rule) => rule.ruleKey === row.rule_key))
        changed = this.cancelled(this.statements.cancel.run(now, row.id).changes) || changed;
    }
    for (const rule of rules) {
      const row = existing.get(rule.ruleKey);
      const movable =
        row === undefined ||
        (row.status === 'pending' && row.edited_at === null) ||
        (row.status === 'cancelled' && row.cancelled_by === 'schedule');
      if (!movable) continue;
      const at = ruleFiresAt(rule.timing, workshop.starts_at, workshop.time_zone);
      const template = rule.templateId ? this.automation.template(rule.templateId) : undefined;
      if (!rule.enabled || !template) {
        if (row?.status === 'pending') changed = this.cancelled(this.statements.cancel.run(now, row.id).changes) || changed;
        continue;
      }
      if (Date.parse(at) <= this.clock.now()) {
        if (row) {
          const wasPending = row.status === 'pending';
          const updated = this.statements.cancelAt.run({ at, now, id: row.id }).changes > 0;
          if (wasPending) this.cancelled(updated ? 1 : 0);
          changed = updated || changed;
        }
        continue;
      }
      const templateInput = templateValues(
        {
          name: workshop.name,
          startsAt: workshop.starts_at,
          timeZone: workshop.time_zone,
          durationMinutes: workshop.duration_minutes,
          joinLink: workshop.join_link,
          groupLink: workshop.invite_link,
        },
        at,
      );
      const missing = missingValues(template.body, templateInput);
      if (missing.length > 0) {
        // On hold rather than sent as a dangling "Join here:"; it comes back once the value exists.
        if (row?.status === 'pending') {
          const reason = `On hold: the text uses ${describeMissing(missing)}, which this workshop does not have yet.`;
          changed = this.cancelled(this.statements.hold.run({ reason, now, id: row.id }).changes) || changed;
        }
        continue;
      }
      const body = renderTemplate(template.body, templateInput);
      const values = {
        session: workshop.session_id,
        group: workshop.group_jid,
        body,
        source: template.body,
        at,
        grace: rule.graceMinutes,
        now,
      };
      // A row already as it should be is left alone: an update would tell the page and the sync that it moved.
      if (row) {
        const before = this.statements.scheduledFor.get(row.id) as { status: string; scheduled_for: string };
        const updated = this.statements.reschedule.run({ ...values, id: row.id }).changes > 0;
        if (updated && before.status === 'pending' && before.scheduled_for !== at) this.tally.moved++;
        changed = updated || changed;
      } else {
        this.statements.insert.run({
          ...values,
          id: `msg_${randomUUID()}`,
          workshop: workshopId,
          rule: rule.ruleKey,
          key: `${workshopId}:${rule.ruleKey}`,
        });
        changed = true;
      }
    }
    return changed;
  }
}
