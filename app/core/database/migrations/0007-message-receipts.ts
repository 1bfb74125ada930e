import type { Migration } from '../migration.js';

export const messageReceiptsMigration: Migration = {
  version: 7,
  name: 'message-receipts',
  // A group message is delivered and read member by member: one row per member who sent a
  // receipt, so the queue can say "Delivered to 212 · Read by 87 of 529". `recipients` is the
  // group's size without our own account when the message was sent.
  sql: `
    CREATE TABLE message_receipts (
      message_row_id TEXT NOT NULL REFERENCES scheduled_whatsapp_messages (id) ON DELETE CASCADE,
      member TEXT NOT NULL,
      delivered_at TEXT,
      read_at TEXT,
      PRIMARY KEY (message_row_id, member)
    ) WITHOUT ROWID;
    ALTER TABLE scheduled_whatsapp_messages ADD COLUMN recipients INTEGER;
  `,
};
