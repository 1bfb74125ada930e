import { outboxTriggersSql, syncedTables } from '../../sync/synced-tables.js';
import type { Migration } from '../migration.js';

const rules = syncedTables.find((table) => table.entity === 'workshop_automation_config')!;

export const customReminderRulesMigration: Migration = {
  version: 16,
  name: 'custom-reminder-rules',
  // Rules beyond the five defaults: a rule a coordinator adds has a `rule_<uuid>` id and a
  // name of its own (label; null keeps a default's built-in name). SQLite cannot widen a
  // CHECK in place, so the table is rebuilt with every row copied; dropping the old table
  // drops its outbox triggers, which are made again, now carrying the label.
  sql: `
    CREATE TABLE workshop_automation_config_next (
      id INTEGER PRIMARY KEY,
      workshop_id TEXT REFERENCES workshops (id) ON DELETE CASCADE,
      rule_key TEXT NOT NULL CHECK (rule_key IN ('morning-of', '6h-before', '1h-before', '30m-before', 'live-now')
        OR (rule_key GLOB 'rule_*' AND length(rule_key) = 41)),
      label TEXT CHECK (label IS NULL OR length(label) BETWEEN 1 AND 80),
      enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
      template_id TEXT REFERENCES message_templates (id) ON DELETE SET NULL,
      local_time TEXT,
      minutes_before INTEGER,
      grace_minutes INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    INSERT INTO workshop_automation_config_next (id, workshop_id, rule_key, label, enabled, template_id, local_time, minutes_before, grace_minutes, updated_at)
      SELECT id, workshop_id, rule_key, NULL, enabled, template_id, local_time, minutes_before, grace_minutes, updated_at FROM workshop_automation_config;
    DROP TABLE workshop_automation_config;
    ALTER TABLE workshop_automation_config_next RENAME TO workshop_automation_config;
    CREATE UNIQUE INDEX automation_rule ON workshop_automation_config (coalesce(workshop_id, ''), rule_key);
    ${outboxTriggersSql(rules)}
  `,
};
