import type { Migration } from '../migration.js';

export const alertsMigration: Migration = {
  version: 18,
  name: 'alerts',
  // What the console raised for the coordinator (warnings and errors), kept with a read
  // mark so an alert seen as a passing toast, or raised while nobody looked, is still there.
  // This desktop's own: alerts do not travel.
  sql: `
    CREATE TABLE alerts (
      id INTEGER PRIMARY KEY,
      level TEXT NOT NULL CHECK (level IN ('warning', 'error')),
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      workshop_id TEXT REFERENCES workshops (id) ON DELETE SET NULL,
      raised_at TEXT NOT NULL,
      read_at TEXT
    ) STRICT;
    CREATE INDEX alerts_unread ON alerts (read_at) WHERE read_at IS NULL;
  `,
};
