import { outboxTriggersSql, syncedTables } from '../../sync/synced-tables.js';
import type { Migration } from '../migration.js';

/** Synced tables created by later steps, which add their own triggers. */
const madeLater = new Set(['message_receipts']);

export const syncMigration: Migration = {
  version: 6,
  name: 'sync',
  sql: `
    -- Client id, chosen organisation, pull cursors, last sync outcome: small values the sync loop keeps.
    CREATE TABLE sync_state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- The hosted backend's session (access and refresh tokens), each value encrypted with
    -- the console's data key and bound to its key name.
    CREATE TABLE sync_secrets (
      key TEXT PRIMARY KEY,
      value BLOB NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- One row. Triggers record changes only while capturing is 1: off until an organisation
    -- is chosen (a console never signed in grows no outbox), and switched off inside the
    -- transaction that applies pulled rows, so what came from the server is not sent back.
    CREATE TABLE sync_capture (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      capturing INTEGER NOT NULL CHECK (capturing IN (0, 1))
    ) STRICT;
    INSERT INTO sync_capture (id, capturing) VALUES (1, 0);

    -- Changes waiting for upload, oldest first. AUTOINCREMENT: a sequence number is never
    -- reused after its row is acknowledged and deleted, so the server's "last applied
    -- sequence" tells replays from new changes.
    CREATE TABLE sync_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      entity TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
      row_key TEXT NOT NULL,
      payload TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX sync_outbox_row ON sync_outbox (entity, row_key);

    -- The server's version of each row as last seen, sent back with an edit so the server
    -- can tell an edit of the current row from one made over an older copy.
    CREATE TABLE sync_row_versions (
      entity TEXT NOT NULL,
      row_key TEXT NOT NULL,
      version INTEGER NOT NULL,
      PRIMARY KEY (entity, row_key)
    ) STRICT, WITHOUT ROWID;

    -- Local edits the server did not take (edited in the CRM meanwhile, or refused): kept
    -- with both versions so the coordinator sees what was replaced instead of losing it.
    CREATE TABLE sync_conflicts (
      id INTEGER PRIMARY KEY,
      entity TEXT NOT NULL,
      row_key TEXT NOT NULL,
      reason TEXT NOT NULL CHECK (reason IN ('stale', 'rejected')),
      message TEXT NOT NULL,
      local_payload TEXT NOT NULL,
      server_payload TEXT,
      detected_at TEXT NOT NULL,
      dismissed_at TEXT
    ) STRICT;

    -- The shop's rows as the backend has them, for the Inbox and Orders pages: the
    -- columns that travel, the server's time of the last change and the row's version.
    -- Ids and times are text, JSON is text, amounts are text so no decimal is rounded.
    CREATE TABLE messaging_log (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      customer_phone TEXT,
      message_type TEXT NOT NULL,
      message_payload TEXT,
      status TEXT NOT NULL,
      whatsapp_message_id TEXT,
      template_name TEXT,
      template_language TEXT,
      error_message TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX messaging_log_customer ON messaging_log (store_id, customer_phone);

    CREATE TABLE orders (
      id TEXT PRIMARY KEY,
      order_number INTEGER,
      store_id TEXT NOT NULL,
      status TEXT NOT NULL,
      customer_phone TEXT,
      customer_name TEXT,
      source TEXT,
      items TEXT,
      subtotal_amount TEXT,
      total_amount TEXT,
      currency TEXT,
      delivery_status TEXT,
      delivery_eta TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX orders_customer ON orders (store_id, customer_phone);

    CREATE TABLE payment_transactions (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      order_id TEXT,
      reference TEXT,
      amount TEXT,
      currency TEXT,
      status TEXT NOT NULL,
      customer_phone TEXT,
      network TEXT,
      completed_at TEXT,
      failure_reason TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX payment_transactions_order ON payment_transactions (order_id);

    CREATE TABLE deliveries (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      order_id TEXT,
      status TEXT NOT NULL,
      carrier TEXT,
      tracking_number TEXT,
      tracking_url TEXT,
      eta TEXT,
      delivered_at TEXT,
      updated_at TEXT,
      sync_version INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX deliveries_order ON deliveries (order_id);

    ${syncedTables
      .filter((table) => !madeLater.has(table.entity))
      .map(outboxTriggersSql)
      .join('\n')}
  `,
};
