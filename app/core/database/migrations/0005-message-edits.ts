import type { Migration } from '../migration.js';

export const messageEditsMigration: Migration = {
  version: 5,
  name: 'message-edits',
  // A reminder the operator rewrote or re-timed by hand is theirs: regenerating the
  // schedule (the workshop moved, a template changed) leaves it as they left it.
  sql: `ALTER TABLE scheduled_whatsapp_messages ADD COLUMN edited_at TEXT;`,
};
