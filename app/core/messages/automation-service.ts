import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ApiFailure } from '../../../shared/contract/result.js';
import type {
  AutomationRule,
  AutomationRuleInputSchema,
  NewAutomationRuleSchema,
  Template,
  TemplateInputSchema,
} from '../../../shared/messages/message-schemas.js';
import { defaultRuleTimings, isDefaultRuleKey, ruleKeys, ruleLabel, type RuleTiming } from '../../../shared/messages/schedule.js';
import { unknownVariables } from '../../../shared/messages/template.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { columns, countOf, mapRow, mapRows, num, numOrNull, text, textOrNull, type SqlRow } from '../database/row-reader.js';
import { upsertAutomationRule } from './automation-rule-row.js';
import { DEFAULT_GRACE_MINUTES, defaultTemplates } from './default-reminders.js';
import type { MessageRepository } from './message-repository.js';

type RuleInput = z.output<typeof AutomationRuleInputSchema>;
type NewRule = z.output<typeof NewAutomationRuleSchema>;

interface ConfigRow {
  id: number;
  workshop_id: string | null;
  rule_key: string;
  label: string | null;
  enabled: number;
  template_id: string | null;
  local_time: string | null;
  minutes_before: number | null;
  grace_minutes: number;
}

export interface EffectiveRule {
  ruleKey: string;
  label: string;
  definedBy: 'default' | 'organisation' | 'workshop';
  enabled: boolean;
  templateId: string | null;
  timing: RuleTiming;
  graceMinutes: number;
  source: 'organisation' | 'workshop';
}

/** Message templates and the reminder schedule: the organisation's defaults and per-workshop overrides. */
const TEMPLATE_COLUMNS = `t.id, t.name, t.body, t.updated_at,
  (SELECT count(*) FROM workshop_automation_config c WHERE c.template_id = t.id AND c.enabled = 1) AS used`;

export class AutomationService {
  private readonly statements;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly messages: Pick<MessageRepository, 'pendingForRule'>,
  ) {
    this.statements = {
      organisationRules: db.prepare('SELECT count(*) FROM workshop_automation_config WHERE workshop_id IS NULL').pluck(),
      templates: db.prepare(`SELECT ${TEMPLATE_COLUMNS} FROM message_templates t ORDER BY t.name COLLATE NOCASE`),
      template: db.prepare(`SELECT ${TEMPLATE_COLUMNS} FROM message_templates t WHERE t.id = ?`),
      saveTemplate: db.prepare(
        `INSERT INTO message_templates (id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`,
      ),
      templateUsers: db.prepare('SELECT count(*) FROM workshop_automation_config WHERE template_id = ? AND enabled = 1').pluck(),
      deleteTemplate: db.prepare('DELETE FROM message_templates WHERE id = ?'),
      rulesFor: db.prepare('SELECT * FROM workshop_automation_config WHERE workshop_id IS NULL OR workshop_id = ? ORDER BY id'),
      deleteRuleEverywhere: db.prepare('DELETE FROM workshop_automation_config WHERE rule_key = ?'),
      deleteWorkshopRule: db.prepare('DELETE FROM workshop_automation_config WHERE workshop_id = ? AND rule_key = ?'),
      resetWorkshop: db.prepare(
        `DELETE FROM workshop_automation_config WHERE workshop_id = ?
           AND (rule_key IN (${ruleKeys.map(() => '?').join(', ')}) OR rule_key IN (SELECT rule_key FROM workshop_automation_config WHERE workshop_id IS NULL))`,
      ),
    };
  }

  /** First start: the five default reminders (see defaultRuleTimings), each with a template, ready to edit. */
  ensureDefaults(): void {
    if (countOf(this.statements.organisationRules.get()) > 0) return;
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
    return mapRows(this.statements.templates.all(), toTemplate);
  }

  template(id: string): Template | undefined {
    return mapRow(this.statements.template.get(id), toTemplate);
  }

  saveTemplate(input: z.output<typeof TemplateInputSchema>): Template {
    const unknown = unknownVariables(input.body);
    if (unknown.length > 0) {
      const message = `Unknown variable${unknown.length === 1 ? '' : 's'}: ${unknown.map((name) => `{${name}}`).join(', ')}`;
      throw new ApiFailure('invalid-input', message, { body: message });
    }
    const now = this.now();
    const id = input.id ?? `tpl_${randomUUID()}`;
    this.statements.saveTemplate.run(id, input.name, input.body, now, now);
    const saved = this.template(id);
    if (!saved) throw new Error('The template just saved cannot be read back');
    return saved;
  }

  deleteTemplate(id: string): void {
    if (countOf(this.statements.templateUsers.get(id)) > 0)
      throw new ApiFailure('conflict', 'A reminder rule uses this template. Choose another template for that rule first.');
    if (this.statements.deleteTemplate.run(id).changes === 0) throw new ApiFailure('not-found', 'That template no longer exists.');
  }

  /**
   * The rules in force. For the organisation: the five defaults and the rules added for it.
   * For a workshop: each of those, its own override where it has one, then the rules added
   * for that workshop alone.
   */
  effectiveRules(workshopId?: string): EffectiveRule[] {
    const rows = mapRows(this.statements.rulesFor.all(workshopId ?? null), toConfigRow);
    const organisation = rows.filter((row) => row.workshop_id === null);
    const own = new Map(rows.filter((row) => row.workshop_id !== null).map((row) => [row.rule_key, row]));
    const keys = [
      ...ruleKeys,
      ...organisation.filter((row) => !isDefaultRuleKey(row.rule_key)).map((row) => row.rule_key),
      ...[...own.keys()].filter((key) => !isDefaultRuleKey(key) && !organisation.some((row) => row.rule_key === key)),
    ];
    return keys.map((key) => {
      const definition = organisation.find((row) => row.rule_key === key);
      const override = own.get(key);
      const row = override ?? definition;
      return {
        ruleKey: key,
        label: ruleLabel(key, definition?.label ?? override?.label),
        definedBy: isDefaultRuleKey(key) ? 'default' : definition ? 'organisation' : 'workshop',
        enabled: Boolean(row?.enabled ?? 0),
        templateId: row?.template_id ?? null,
        timing: timingOf(key, row),
        graceMinutes: row?.grace_minutes ?? DEFAULT_GRACE_MINUTES,
        source: override ? 'workshop' : 'organisation',
      };
    });
  }

  rules(workshopId?: string): AutomationRule[] {
    return this.effectiveRules(workshopId).map((rule) => ({
      ruleKey: rule.ruleKey,
      label: rule.label,
      definedBy: rule.definedBy,
      enabled: rule.enabled,
      templateId: rule.templateId,
      localTime: rule.timing.kind === 'day-of-at' ? rule.timing.localTime : null,
      minutesBefore: rule.timing.kind === 'before-start' ? rule.timing.minutes : null,
      graceMinutes: rule.graceMinutes,
      source: rule.source,
    }));
  }

  saveRules(workshopId: string | null, rules: readonly RuleInput[]): void {
    const current = new Map(this.effectiveRules(workshopId ?? undefined).map((rule) => [rule.ruleKey, rule]));
    for (const rule of rules) {
      const existing = current.get(rule.ruleKey);
      if (!existing) throw new ApiFailure('not-found', 'That reminder rule was removed meanwhile. Reload the schedule and try again.');
      this.checkRule(rule.label ?? existing.label, rule);
      if (rule.label !== undefined && rule.label !== existing.label && workshopId !== null && existing.definedBy !== 'workshop')
        throw new ApiFailure(
          'invalid-input',
          `Rename "${existing.label}" under Settings → Reminder schedule: the name is the organisation's.`,
        );
    }
    const now = this.now();
    this.db.transaction(() => {
      for (const rule of rules) {
        const existing = current.get(rule.ruleKey)!;
        // A rule's name lives where the rule is defined: a workshop's override of an organisation rule has none.
        const ownsName = workshopId === null || existing.definedBy === 'workshop';
        const label = ownsName ? storedLabel(rule.ruleKey, rule.label ?? existing.label) : null;
        this.upsertRule(workshopId, { ...rule, label }, now);
      }
    })();
  }

  /** A rule beyond the five, for the organisation (workshopId null) or one workshop; returns its new key. */
  addRule(workshopId: string | null, rule: NewRule): string {
    this.checkRule(rule.label, rule);
    const taken = this.effectiveRules(workshopId ?? undefined).some(
      (existing) => existing.label.toLowerCase() === rule.label.toLowerCase(),
    );
    if (taken) throw new ApiFailure('conflict', `There is already a rule called "${rule.label}". Choose another name.`);
    const ruleKey = `rule_${randomUUID()}`;
    this.upsertRule(workshopId, { ruleKey, ...rule }, this.now());
    return ruleKey;
  }

  /**
   * Removes an added rule where it is defined: for the organisation, with every workshop's
   * override of it. Returns how many of its reminders were still to go; the schedule
   * cancels them when it next runs over the workshops that had it.
   */
  removeRule(workshopId: string | null, ruleKey: string): number {
    if (isDefaultRuleKey(ruleKey)) throw new ApiFailure('invalid-input', 'The five starting rules cannot be removed; turn it off instead.');
    const rule = this.effectiveRules(workshopId ?? undefined).find((candidate) => candidate.ruleKey === ruleKey);
    if (!rule) throw new ApiFailure('not-found', 'That reminder rule was already removed.');
    if (workshopId !== null && rule.definedBy === 'organisation')
      throw new ApiFailure(
        'invalid-input',
        `"${rule.label}" is the organisation's rule: turn it off for this workshop, or remove it under Settings → Reminder schedule.`,
      );
    const pending = this.messages.pendingForRule(ruleKey, workshopId);
    if (workshopId === null) this.statements.deleteRuleEverywhere.run(ruleKey);
    else this.statements.deleteWorkshopRule.run(workshopId, ruleKey);
    return pending;
  }

  /** Drops the workshop's overrides of the organisation's rules; rules added for this workshop alone stay. */
  resetWorkshop(workshopId: string): void {
    this.statements.resetWorkshop.run(workshopId, ...ruleKeys);
  }

  private checkRule(label: string, rule: Omit<NewRule, 'label'>): void {
    const known = new Set(this.templates().map((template) => template.id));
    if (rule.enabled && !rule.templateId) throw new ApiFailure('invalid-input', `Choose a template for "${label}" or turn it off.`);
    if (rule.templateId && !known.has(rule.templateId))
      throw new ApiFailure('invalid-input', `The template chosen for "${label}" no longer exists.`);
    if ((rule.localTime === null) === (rule.minutesBefore === null))
      throw new ApiFailure('invalid-input', `"${label}" needs either minutes before the start or a time of day.`);
  }

  private upsertRule(workshopId: string | null, rule: Omit<RuleInput, 'label'> & { label?: string | null }, now: string): void {
    upsertAutomationRule(this.db, {
      workshopId,
      ruleKey: rule.ruleKey,
      label: rule.label ?? null,
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

const templateRow = columns({ id: text, name: text, body: text, updated_at: text, used: num });

function toTemplate(row: SqlRow): Template {
  const template = templateRow(row);
  return { id: template.id, name: template.name, body: template.body, updatedAt: template.updated_at, usedByRules: template.used };
}

const toConfigRow: (row: SqlRow) => ConfigRow = columns({
  id: num,
  workshop_id: textOrNull,
  rule_key: text,
  label: textOrNull,
  enabled: num,
  template_id: textOrNull,
  local_time: textOrNull,
  minutes_before: numOrNull,
  grace_minutes: num,
});

/** A stored rule's timing; a default without a row (or with neither value) keeps its starting timing. */
function timingOf(key: string, row: ConfigRow | undefined): RuleTiming {
  if (row?.local_time) return { kind: 'day-of-at', localTime: row.local_time };
  if (row?.minutes_before !== null && row?.minutes_before !== undefined) return { kind: 'before-start', minutes: row.minutes_before };
  return isDefaultRuleKey(key) ? defaultRuleTimings[key] : { kind: 'before-start', minutes: 0 };
}

/** A default keeps no stored name while it has its built-in one, so its row stays recognisable as untouched. */
function storedLabel(key: string, label: string): string | null {
  return isDefaultRuleKey(key) && label === ruleLabel(key, null) ? null : label;
}
