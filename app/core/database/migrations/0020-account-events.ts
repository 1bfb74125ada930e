import type { Migration } from '../migration.js';

export const accountEventsMigration: Migration = {
  version: 20,
  name: 'account-events',
  // Each linked account's event log (connected, disconnected and why, QR shown, logged out,
  // throttled), kept across restarts so "why did it drop last night" has an answer. This
  // desktop's own: it does not travel.
  sql: `
    CREATE TABLE account_events (
      id INTEGER PRIMARY KEY,
      session_id TEXT NOT NULL REFERENCES whatsapp_sessions (id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('connected', 'disconnected', 'qr-shown', 'logged-out', 'logged-out-here', 'replaced', 'restricted', 'throttled')),
      text TEXT NOT NULL,
      at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX account_events_by_session ON account_events (session_id, id);
  `,
};
