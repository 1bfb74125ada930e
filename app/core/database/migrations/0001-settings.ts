import type { Migration } from '../migration.js';

export const settingsMigration: Migration = {
  version: 1,
  name: 'settings',
  sql: `
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
  `,
};
