import { defaultRuleTimings, ruleKeys, type DefaultRuleKey } from '../../../shared/messages/schedule.js';

/**
 * What a new console starts with: five reminder rules, each with a template, ready to edit.
 * Sync recognises these untouched starting rows (the same content on every desktop) so a
 * second desktop of an organisation takes the organisation's instead of adding its own.
 */

export const DEFAULT_GRACE_MINUTES = 10;

export const defaultTemplates: Record<DefaultRuleKey, { name: string; body: string }> = {
  'morning-of': { name: 'Morning reminder', body: 'Good morning! {workshop_name} is {day} at {start_time}. See you there: {join_link}' },
  '6h-before': { name: '6 hours to go', body: '{workshop_name} starts in {time_to_start}, at {start_time}. Join here: {join_link}' },
  '1h-before': { name: '1 hour to go', body: 'One hour to go! {workshop_name} starts at {start_time}: {join_link}' },
  '30m-before': { name: '30 minutes to go', body: '{workshop_name} starts in 30 minutes. Get ready and join: {join_link}' },
  'live-now': { name: 'We are live', body: 'We are live! Join {workshop_name} now: {join_link}' },
};

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

const isDefaultTemplate = (alias: string, key: DefaultRuleKey) =>
  `(${alias}.name = ${quote(defaultTemplates[key].name)} AND ${alias}.body = ${quote(defaultTemplates[key].body)})`;

/** SQL over a message_templates row `R`: it is one of the default templates, unedited. */
export const untouchedDefaultTemplateSql = `(${ruleKeys.map((key) => isDefaultTemplate('R', key)).join(' OR ')})`;

/** SQL over a workshop_automation_config row `R`: an organisation default rule exactly as a new console makes it, with its default template unedited. */
export const untouchedDefaultRuleSql = `(R.workshop_id IS NULL AND R.enabled = 1 AND R.grace_minutes = ${DEFAULT_GRACE_MINUTES} AND (${ruleKeys
  .map((key) => {
    const timing = defaultRuleTimings[key];
    const when =
      timing.kind === 'day-of-at'
        ? `R.local_time = ${quote(timing.localTime)} AND R.minutes_before IS NULL`
        : `R.minutes_before = ${timing.minutes} AND R.local_time IS NULL`;
    return `(R.rule_key = ${quote(key)} AND ${when} AND EXISTS (SELECT 1 FROM message_templates T WHERE T.id = R.template_id AND ${isDefaultTemplate('T', key)}))`;
  })
  .join(' OR ')}))`;
