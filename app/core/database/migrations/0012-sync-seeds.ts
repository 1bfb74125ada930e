import type { Migration } from '../migration.js';

export const syncSeedsMigration: Migration = {
  version: 12,
  name: 'sync-seeds',
  // 1: a row every new console makes for itself (the default templates and reminder rules),
  // uploaded only where the organisation has none like it yet.
  sql: `ALTER TABLE sync_outbox ADD COLUMN seed INTEGER NOT NULL DEFAULT 0 CHECK (seed IN (0, 1));`,
};
