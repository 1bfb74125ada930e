
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
    CREATE TRIGGER workshop_automation_config_outbox_insert AFTER INSERT ON workshop_automation_config WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
     BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_automation_config', 'upsert', coalesce(NEW.workshop_id, '') || ' ' || NEW.rule_key, json_object('workshop_id', NEW.workshop_id, 'rule_key', NEW.rule_key, 'label', NEW.label, 'enabled', NEW.enabled, 'template_id', NEW.template_id, 'local_time', NEW.local_time, 'minutes_before', NEW.minutes_before, 'grace_minutes', NEW.grace_minutes, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_automation_config_outbox_update AFTER UPDATE OF label, enabled, template_id, local_time, minutes_before, grace_minutes ON workshop_automation_config WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1 AND (NEW.label IS NOT OLD.label OR NEW.enabled IS NOT OLD.enabled OR NEW.template_id IS NOT OLD.template_id OR NEW.local_time IS NOT OLD.local_time OR NEW.minutes_before IS NOT OLD.minutes_before OR NEW.grace_minutes IS NOT OLD.grace_minutes)
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_automation_config', 'upsert', coalesce(NEW.workshop_id, '') || ' ' || NEW.rule_key, json_object('workshop_id', NEW.workshop_id, 'rule_key', NEW.rule_key, 'label', NEW.label, 'enabled', NEW.enabled, 'template_id', NEW.template_id, 'local_time', NEW.local_time, 'minutes_before', NEW.minutes_before, 'grace_minutes', NEW.grace_minutes, 'updated_at', NEW.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
CREATE TRIGGER workshop_automation_config_outbox_delete AFTER DELETE ON workshop_automation_config WHEN (SELECT capturing FROM sync_capture WHERE id = 1) = 1
       BEGIN INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('workshop_automation_config', 'delete', coalesce(OLD.workshop_id, '') || ' ' || OLD.rule_key, json_object('workshop_id', OLD.workshop_id, 'rule_key', OLD.rule_key), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); END;
  