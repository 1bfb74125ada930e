import type { Migration } from '../migration.js';

export const inboxMigration: Migration = {
  version: 10,
  name: 'inbox',
  sql: `
    -- The shop's mirror gains what the Inbox and Orders pages show: when each message and
    -- order happened (the 24-hour reply window runs from the customer's last message),
    -- Meta's error code, why a payment needs review, and each customer's consent and cart.
    ALTER TABLE messaging_log ADD COLUMN error_code INTEGER;
    ALTER TABLE messaging_log ADD COLUMN created_at TEXT;
    ALTER TABLE orders ADD COLUMN created_at TEXT;
    ALTER TABLE payment_transactions ADD COLUMN review_reason TEXT;
    ALTER TABLE payment_transactions ADD COLUMN created_at TEXT;
    ALTER TABLE deliveries ADD COLUMN created_at TEXT;
    CREATE INDEX messaging_log_conversation ON messaging_log (store_id, customer_phone, created_at);
    CREATE INDEX orders_created ON orders (created_at);

    CREATE TABLE customer_channel_opt_in (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      customer_phone TEXT,
      is_opted_in INTEGER,
      consent_source TEXT,
      consent_at TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX customer_channel_opt_in_customer ON customer_channel_opt_in (store_id, customer_phone);

    CREATE TABLE cart_sessions (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      session_id TEXT,
      customer_phone TEXT,
      items TEXT,
      rate_window_started_at TEXT,
      rate_count INTEGER,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX cart_sessions_customer ON cart_sessions (store_id, customer_phone);

    -- This desktop's own view of each conversation: read up to when, resolved when.
    CREATE TABLE inbox_conversations (
      store_id TEXT NOT NULL,
      customer_phone TEXT NOT NULL,
      last_read_at TEXT,
      resolved_at TEXT,
      PRIMARY KEY (store_id, customer_phone)
    ) STRICT, WITHOUT ROWID;

    -- Rows already mirrored lack the new columns: download those tables again.
    DELETE FROM sync_state WHERE key IN ('cursor:messaging_log', 'cursor:orders', 'cursor:payment_transactions', 'cursor:deliveries');
  `,
};
