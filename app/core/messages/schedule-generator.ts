import { randomUUID } from 'node:crypto';
import { ruleFiresAt } from '../../../shared/messages/schedule.js';
import { missingValues, renderTemplate, templateValues } from '../../../shared/messages/template.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { WorkshopRepository } from '../workshops/workshop-repository.js';
import type { AutomationService } from './automation-service.js';
import type { MessageRepository } from './message-repository.js';
import { describeMissing } from './message-text.js';

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

export interface ScheduleGeneratorDeps {
  db: Database;
  automation: Pick<AutomationService, 'effectiveRules' | 'template'>;
  clock: Clock;
  messages: MessageRepository;
  workshops: Pick<WorkshopRepository, 'forSchedule' | 'ids'>;
}

export class ScheduleGenerator {
  private tally = { moved: 0, cancelled: 0 };

  constructor(private readonly deps: ScheduleGeneratorDeps) {}

  /** Brings one workshop's reminders in line with it; says whether any row changed and how many still to go moved or were cancelled. */
  regenerate(workshopId: string): ScheduleChange {
    return this.deps.db.transaction(() => {
      this.tally = { moved: 0, cancelled: 0 };
      const changed = this.regenerateInTransaction(workshopId);
      return { changed, ...this.tally };
    })();
  }

  /** Returns the workshops whose queue changed. */
  regenerateAll(): string[] {
    return this.deps.db.transaction(() => this.deps.workshops.ids().filter((id) => this.regenerateInTransaction(id)))();
  }

  private cancelled(rows: number): boolean {
    this.tally.cancelled += rows;
    return rows > 0;
  }

  private regenerateInTransaction(workshopId: string): boolean {
    const { automation, clock, messages } = this.deps;
    const now = new Date(clock.now()).toISOString();
    const workshop = this.deps.workshops.forSchedule(workshopId);
    if (!workshop) return false;
    if (!workshop.group_jid || !workshop.session_id) {
      // Unlinked: nothing can be sent anywhere, so nothing stays pending, edited messages included.
      const cancelled = messages.cancelAllBySchedule(workshopId, now);
      this.tally.cancelled += cancelled;
      return cancelled > 0;
    }
    const existing = new Map(messages.ruleRows(workshopId).map((row) => [row.rule_key, row]));
    let changed = false;
    const rules = automation.effectiveRules(workshopId);
    for (const row of existing.values()) {
      // Its rule was removed (here or on another desktop): nothing will send it, edited or not.
      if (row.status === 'pending' && !rules.some((rule) => rule.ruleKey === row.rule_key))
        changed = this.cancelled(messages.cancelBySchedule(row.id, now)) || changed;
    }
    for (const rule of rules) {
      const row = existing.get(rule.ruleKey);
      const movable =
        row === undefined ||
        (row.status === 'pending' && row.edited_at === null) ||
        (row.status === 'cancelled' && row.cancelled_by === 'schedule');
      if (!movable) continue;
      const at = ruleFiresAt(rule.timing, workshop.starts_at, workshop.time_zone);
      const template = rule.templateId ? automation.template(rule.templateId) : undefined;
      if (!rule.enabled || !template) {
        if (row?.status === 'pending') changed = this.cancelled(messages.cancelBySchedule(row.id, now)) || changed;
        continue;
      }
      if (Date.parse(at) <= clock.now()) {
        if (row) {
          const wasPending = row.status === 'pending';
          const updated = messages.cancelAt(row.id, at, now);
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
          changed = this.cancelled(messages.hold(row.id, reason, now)) || changed;
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
        const before = messages.scheduledFor(row.id);
        const updated = messages.reschedule(row.id, values);
        if (updated && before?.status === 'pending' && before.scheduled_for !== at) this.tally.moved++;
        changed = updated || changed;
      } else {
        messages.insertReminder({
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
