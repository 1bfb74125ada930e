import type { Migration } from '../migration.js';

export const whatsappSessionsMigration: Migration = {
  version: 2,
  name: 'whatsapp-sessions',
  sql: `
    CREATE TABLE whatsapp_sessions (
      id TEXT PRIMARY KEY,
      label TEXT NOT NULL,
      transport TEXT NOT NULL CHECK (transport IN ('baileys', 'simulator')),
      state TEXT NOT NULL CHECK (state IN ('connecting', 'waiting-for-qr', 'open', 'reconnecting', 'logged-out', 'replaced', 'restricted')),
      state_reason TEXT,
      phone TEXT,
      display_name TEXT,
      jid TEXT,
      last_active_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    -- Baileys creds and Signal keys, each value encrypted (AES-GCM bound to its row).
    CREATE TABLE whatsapp_auth (
      session_id TEXT NOT NULL REFERENCES whatsapp_sessions (id) ON DELETE CASCADE,
      category TEXT NOT NULL,
      key_id TEXT NOT NULL,
      value BLOB NOT NULL,
      PRIMARY KEY (session_id, category, key_id)
    ) STRICT, WITHOUT ROWID;


    CREATE TABLE whatsapp_groups (
      session_id TEXT NOT NULL REFERENCES whatsapp_sessions (id) ON DELETE CASCADE,
      group_jid TEXT NOT NULL,
      subject TEXT NOT NULL,
      size INTEGER NOT NULL,
      is_admin INTEGER NOT NULL CHECK (is_admin IN (0, 1)),
      invite_link TEXT,
      addressing_mode TEXT NOT NULL CHECK (addressing_mode IN ('pn', 'lid')),
      -- Baileys' GroupMetadata as JSON: the cachedGroupMetadata it asks for before each group send.
      metadata_json TEXT,
      synced_at TEXT NOT NULL,
      PRIMARY KEY (session_id, group_jid)
    ) STRICT, WITHOUT ROWID;
  `,
};
