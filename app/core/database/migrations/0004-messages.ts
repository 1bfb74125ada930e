import type { Migration } from '../migration.js';

export const messagesMigration: Migration = {
  version: 4,
  name: 'messages',
  sql: `
    CREATE TABLE message_templates (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    -- The reminder schedule: rows with workshop_id NULL are the organisation's defaults,
    -- rows with a workshop override them for that workshop.
    CREATE TABLE workshop_automation_config (
      id INTEGER PRIMARY KEY,
      workshop_id TEXT REFERENCES workshops (id) ON DELETE CASCADE,
      rule_key TEXT NOT NULL CHECK (rule_key IN ('morning-of', '6h-before', '1h-before', '30m-before', 'live-now')),
      enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
      template_id TEXT REFERENCES message_templates (id) ON DELETE SET NULL,
      local_time TEXT,
      minutes_before INTEGER,
      grace_minutes INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX automation_rule ON workshop_automation_config (coalesce(workshop_id, ''), rule_key);

    -- The queue. A row is claimed (status 'sending' with its WhatsApp id) in a transaction
    -- before the socket is touched, so a crash leaves evidence instead of a duplicate.
    CREATE TABLE scheduled_whatsapp_messages (
      id TEXT PRIMARY KEY,
      workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
      rule_key TEXT,
      -- One row per workshop and rule, so regenerating the schedule never duplicates.
      idempotency_key TEXT UNIQUE,
      session_id TEXT,
      group_jid TEXT,
      kind TEXT NOT NULL CHECK (kind IN ('text', 'image', 'document')),
      body TEXT NOT NULL,
      media BLOB,
      media_mimetype TEXT,
      file_name TEXT,
      scheduled_for TEXT NOT NULL,
      grace_minutes INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'missed', 'uncertain', 'cancelled')),
      -- An operator's cancellation sticks; one made by the schedule (rule off, group unlinked) is undone when it applies again.
      cancelled_by TEXT CHECK (cancelled_by IN ('operator', 'schedule')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT,
      last_error TEXT,
      message_id TEXT,
      sent_at TEXT,
      receipt TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX scheduled_next_due ON scheduled_whatsapp_messages (status, next_attempt_at);
    CREATE INDEX scheduled_workshop ON scheduled_whatsapp_messages (workshop_id, scheduled_for);
    CREATE INDEX scheduled_message_id ON scheduled_whatsapp_messages (message_id);
  `,
};
