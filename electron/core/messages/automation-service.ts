import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { AutomationRule, AutomationRuleInputSchema, Template, TemplateInputSchema } from '../../../shared/messages/message-schemas.js';
import { defaultRuleTimings, ruleKeys, ruleLabels, type RuleKey, type RuleTiming } from '../../../shared/messages/schedule.js';
import { unknownVariables } from '../../../shared/messages/template.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { upsertAutomationRule } from './automation-rule-row.js';
import { DEFAULT_GRACE_MINUTES, defaultTemplates } from './default-reminders.js';

type RuleInput = z.output<typeof AutomationRuleInputSchema>;

interface ConfigRow {
  workshop_id: string | null;
  rule_key: RuleKey;
  enabled: number;
  template_id: string | null;
  local_time: string | null;
  minutes_before: number | null;
  grace_minutes: number;
}

export interface EffectiveRule {
  ruleKey: RuleKey;
  enabled: boolean;
  templateId: string | null;
  timing: RuleTiming;
  graceMinutes: number;
  source: 'organisation' | 'workshop';
}

/** Message templates and the reminder schedule: the organisation's defaults and per-workshop overrides. */
export class AutomationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** First start: the five default reminders (see defaultRuleTimings), each with a template, ready to edit. */
  ensureDefaults(): void {
    const configured = this.db.prepare('SELECT count(*) FROM workshop_automation_config WHERE workshop_id IS NULL').pluck().get() as number;
    if (configured > 0) return;
    const now = this.now();
    this.db.transaction(() => {
      for (const key of ruleKeys) {
        const template = this.saveTemplate(defaultTemplates[key]);
        const timing = defaultRuleTimings[key];
        this.upsertRule(
          null,
          {
            ruleKey: key,
            enabled: true,
            templateId: template.id,
            localTime: timing.kind === 'day-of-at' ? timing.localTime : null,
            minutesBefore: timing.kind === 'before-start' ? timing.minutes : null,
            graceMinutes: DEFAULT_GRACE_MINUTES,
          },
          now,
        );
      }
    })();
  }

  templates(): Template[] {
    return (
      this.db
        .prepare(
          `SELECT t.id, t.name, t.body, t.updated_at,
                  (SELECT count(*) FROM workshop_automation_config c WHERE c.template_id = t.id AND c.enabled = 1) AS used
             FROM message_templates t ORDER BY t.name COLLATE NOCASE`,
        )
        .all() as { id: string; name: string; body: string; updated_at: string; used: number }[]
    ).map((row) => ({ id: row.id, name: row.name, body: row.body, updatedAt: row.updated_at, usedByRules: row.used }));
  }

  template(id: string): Template | undefined {
    return this.templates().find((template) => template.id === id);
  }

  saveTemplate(input: z.output<typeof TemplateInputSchema>): Template {
    const unknown = unknownVariables(input.body);
    if (unknown.length > 0) {
      const message = `Unknown variable${unknown.length === 1 ? '' : 's'}: ${unknown.map((name) => `{${name}}`).join(', ')}`;
      throw new ApiFailure('invalid-input', message, { body: message });
    }
    const now = this.now();
    const id = input.id ?? `tpl_${randomUUID()}`;
    this.db
      .prepare(
        `INSERT INTO message_templates (id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`,
      )
      .run(id, input.name, input.body, now, now);
    return this.template(id) as Template;
  }

  deleteTemplate(id: string): void {
    const used = this.db
      .prepare('SELECT count(*) FROM workshop_automation_config WHERE template_id = ? AND enabled = 1')
      .pluck()
      .get(id) as number;
    if (used > 0) throw new ApiFailure('conflict', 'A reminder rule uses this template. Choose another template for that rule first.');
    if (this.db.prepare('DELETE FROM message_templates WHERE id = ?').run(id).changes === 0)
      throw new ApiFailure('not-found', 'That template no longer exists.');
  }

  /** The rules in force: for a workshop, its own where it has them, else the organisation's. */
  effectiveRules(workshopId?: string): EffectiveRule[] {
    const rows = this.db
      .prepare('SELECT * FROM workshop_automation_config WHERE workshop_id IS NULL OR workshop_id = ?')
      .all(workshopId ?? null) as ConfigRow[];
    return ruleKeys.map((key) => {
      const own = workshopId ? rows.find((row) => row.workshop_id === workshopId && row.rule_key === key) : undefined;
      const row = own ?? rows.find((candidate) => candidate.workshop_id === null && candidate.rule_key === key);
      const fallback = defaultRuleTimings[key];
      const timing: RuleTiming =
        fallback.kind === 'day-of-at'
          ? { kind: 'day-of-at', localTime: row?.local_time ?? fallback.localTime }
          : { kind: 'before-start', minutes: row?.minutes_before ?? fallback.minutes };
      return {
        ruleKey: key,
        enabled: Boolean(row?.enabled ?? 0),
        templateId: row?.template_id ?? null,
        timing,
        graceMinutes: row?.grace_minutes ?? DEFAULT_GRACE_MINUTES,
        source: own ? 'workshop' : 'organisation',
      };
    });
  }

  rules(workshopId?: string): AutomationRule[] {
    return this.effectiveRules(workshopId).map((rule) => ({
      ruleKey: rule.ruleKey,
      label: ruleLabels[rule.ruleKey],
      enabled: rule.enabled,
      templateId: rule.templateId,
      localTime: rule.timing.kind === 'day-of-at' ? rule.timing.localTime : null,
      minutesBefore: rule.timing.kind === 'before-start' ? rule.timing.minutes : null,
      graceMinutes: rule.graceMinutes,
      source: rule.source,
    }));
  }

  saveRules(workshopId: string | null, rules: readonly RuleInput[]): void {
    const known = new Set(this.templates().map((template) => template.id));
    for (const rule of rules) {
      if (rule.enabled && !rule.templateId)
        throw new ApiFailure('invalid-input', `Choose a template for "${ruleLabels[rule.ruleKey]}" or turn it off.`);
      if (rule.templateId && !known.has(rule.templateId))
        throw new ApiFailure('invalid-input', `The template chosen for "${ruleLabels[rule.ruleKey]}" no longer exists.`);
      const timing = defaultRuleTimings[rule.ruleKey];
      if (timing.kind === 'day-of-at' && !rule.localTime)
        throw new ApiFailure('invalid-input', `"${ruleLabels[rule.ruleKey]}" needs a time of day.`);
      if (timing.kind === 'before-start' && rule.minutesBefore === null)
        throw new ApiFailure('invalid-input', `"${ruleLabels[rule.ruleKey]}" needs minutes before the start.`);
    }
    const now = this.now();
    this.db.transaction(() => {
      for (const rule of rules) this.upsertRule(workshopId, rule, now);
    })();
  }

  resetWorkshop(workshopId: string): void {
    this.db.prepare('DELETE FROM workshop_automation_config WHERE workshop_id = ?').run(workshopId);
  }

  private upsertRule(workshopId: string | null, rule: RuleInput, now: string): void {
    upsertAutomationRule(this.db, {
      workshopId,
      ruleKey: rule.ruleKey,
      enabled: rule.enabled,
      templateId: rule.templateId,
      localTime: rule.localTime,
      minutesBefore: rule.minutesBefore,
      graceMinutes: rule.graceMinutes,
      updatedAt: now,
    });
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
