import type { Database } from '../database/open-database.js';

/** One reminder rule as stored: the organisation's (workshopId null) or one workshop's override. */
export interface AutomationRuleRow {
  workshopId: string | null;
  ruleKey: string;
  /** The coordinator's name for the rule; null keeps a default's built-in name. */
  label: string | null;
  enabled: boolean;
  templateId: string | null;
  localTime: string | null;
  minutesBefore: number | null;
  graceMinutes: number;
  updatedAt: string;
}

/** Inserts or replaces a rule; the one write of a rule, for edits made here and rules pulled from the CRM alike. */
export function upsertAutomationRule(db: Database, rule: AutomationRuleRow): void {
  db.prepare(
    `INSERT INTO workshop_automation_config (workshop_id, rule_key, label, enabled, template_id, local_time, minutes_before, grace_minutes, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (coalesce(workshop_id, ''), rule_key) DO UPDATE SET label = excluded.label, enabled = excluded.enabled, template_id = excluded.template_id,
       local_time = excluded.local_time, minutes_before = excluded.minutes_before, grace_minutes = excluded.grace_minutes, updated_at = excluded.updated_at`,
  ).run(
    rule.workshopId,
    rule.ruleKey,
    rule.label,
    rule.enabled ? 1 : 0,
    rule.templateId,
    rule.localTime,
    rule.minutesBefore,
    rule.graceMinutes,
    rule.updatedAt,
  );
}
