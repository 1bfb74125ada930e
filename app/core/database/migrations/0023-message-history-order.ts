import type { Migration } from '../migration.js';

export const messageHistoryOrderMigration: Migration = {
  version: 23,
  name: 'message-history-order',
  // The Messages page lists the history newest first and stops at a window: with this index
  // SQLite walks it from the newest row and stops there, instead of sorting the whole table
  // for every filter or keystroke of the search.
  sql: `
    CREATE INDEX scheduled_history_order ON scheduled_whatsapp_messages (coalesce(sent_at, updated_at));
  `,
};
