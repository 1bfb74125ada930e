import type { Migration } from '../migration.js';

export const cloudApiMigration: Migration = {
  version: 15,
  name: 'cloud-api',
  // Download-only mirrors of the organisation's Cloud API records for the Campaigns page:
  // its business numbers (the backend never sends their tokens), the templates Meta
  // approved, the per-workshop reminders and the template sends with their outcomes.
  // JSON columns hold the backend's arrays as text.
  sql: `
    CREATE TABLE whatsapp_config (
      id TEXT PRIMARY KEY,
      label TEXT,
      phone_number_id TEXT,
      business_account_id TEXT,
      display_phone_number TEXT,
      messaging_limit INTEGER,
      throughput_mps INTEGER,
      status TEXT CHECK (status IN ('active', 'paused')),
      paused_reason TEXT,
      paused_at TEXT,
      created_at TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE whatsapp_templates (
      id TEXT PRIMARY KEY,
      business_account_id TEXT,
      meta_template_id TEXT,
      name TEXT,
      language TEXT,
      category TEXT CHECK (category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
      status TEXT CHECK (status IN ('pending', 'approved', 'rejected', 'paused', 'disabled', 'in_appeal', 'archived',
        'pending_deletion', 'deleted', 'limit_exceeded')),
      status_reason TEXT,
      body TEXT,
      variables TEXT,
      parameter_format TEXT CHECK (parameter_format IN ('positional', 'named')),
      components TEXT,
      synced_at TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX whatsapp_templates_status ON whatsapp_templates (status, name);

    CREATE TABLE whatsapp_event_tasks (
      id TEXT PRIMARY KEY,
      workshop_id TEXT,
      kind TEXT CHECK (kind IN ('reminder_7d', 'reminder_1d', 'reminder_day_of')),
      config_id TEXT,
      template_id TEXT,
      parameter_sources TEXT,
      scheduled_for TEXT,
      status TEXT CHECK (status IN ('pending', 'done', 'cancelled')),
      queued_count INTEGER,
      executed_at TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX whatsapp_event_tasks_workshop ON whatsapp_event_tasks (workshop_id);

    CREATE TABLE whatsapp_queue (
      id TEXT PRIMARY KEY,
      config_id TEXT,
      template_id TEXT,
      template_name TEXT,
      template_language TEXT,
      category TEXT CHECK (category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
      parameter_format TEXT CHECK (parameter_format IN ('positional', 'named')),
      parameters TEXT,
      recipient TEXT,
      recipient_name TEXT,
      campaign_id TEXT,
      campaign_name TEXT,
      workshop_id TEXT,
      task_id TEXT,
      priority INTEGER,
      scheduled_for TEXT,
      next_attempt_at TEXT,
      status TEXT CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown', 'cancelled')),
      attempts INTEGER,
      wamid TEXT,
      error_code INTEGER,
      error_message TEXT,
      idempotency_key TEXT,
      sent_at TEXT,
      delivered_at TEXT,
      read_at TEXT,
      failed_at TEXT,
      created_at TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX whatsapp_queue_campaign ON whatsapp_queue (campaign_id, status);
    CREATE INDEX whatsapp_queue_workshop ON whatsapp_queue (workshop_id, recipient);
  `,
};
