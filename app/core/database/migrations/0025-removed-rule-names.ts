import type { Migration } from '../migration.js';

export const removedRuleNamesMigration: Migration = {
  version: 25,
  name: 'removed-rule-names',
  // A reminder keeps the name of the rule that made it after the rule is removed: the lists
  // read the name from the rule, so a cancelled reminder of a removed rule had none left.
  // Kept by trigger, so a removal pulled from another desktop keeps the name as well. Local
  // only: each desktop keeps the names of the rules it saw go, and the rule ids are unique. Rules removed
  // before this step have no name to keep.
  sql: `
    CREATE TABLE removed_reminder_rule_names (
      rule_key TEXT PRIMARY KEY,
      label TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER automation_rule_name_kept AFTER DELETE ON workshop_automation_config
      WHEN OLD.label IS NOT NULL AND OLD.rule_key GLOB 'rule_*'
      BEGIN INSERT OR REPLACE INTO removed_reminder_rule_names (rule_key, label) VALUES (OLD.rule_key, OLD.label); END;
  `,
};
