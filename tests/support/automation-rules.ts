import type { MethodInput, MethodOutput } from '../../shared/contract/api-contract.js';

type Rule = MethodOutput<'automation:get'>[number];
type RuleInput = MethodInput<'automation:save'>['rules'][number];

/** The rules `automation:get` lists, as `automation:save` takes them back, with whatever a test changes. */
export function rulesToSave(rules: readonly Rule[], change: (rule: Rule) => Partial<RuleInput> = () => ({})): RuleInput[] {
  return rules.map((rule) => ({
    ruleKey: rule.ruleKey,
    templateId: rule.templateId,
    localTime: rule.localTime,
    minutesBefore: rule.minutesBefore,
    graceMinutes: rule.graceMinutes,
    enabled: rule.enabled,
    ...change(rule),
  }));
}
