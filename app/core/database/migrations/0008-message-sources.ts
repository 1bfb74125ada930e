import type { Migration } from '../migration.js';

export const messageSourcesMigration: Migration = {
  version: 8,
  name: 'message-sources',
  // The text as written, {variables} included, so a message is rendered for the moment it
  // goes out (a reminder sent early must not say "starts in 1 hour"). The untouched default
  // morning template said "today" in words, which is false when sent the day before.
  // An import's registrations carry its id, so a wrong import can be undone as one.
  sql: `
    ALTER TABLE scheduled_whatsapp_messages ADD COLUMN body_source TEXT;
    ALTER TABLE lead_assignments ADD COLUMN import_id TEXT;
    UPDATE message_templates SET body = 'Good morning! {workshop_name} is {day} at {start_time}. See you there: {join_link}'
      WHERE body = 'Good morning! {workshop_name} is today at {start_time}. See you there: {join_link}';
  `,
};
