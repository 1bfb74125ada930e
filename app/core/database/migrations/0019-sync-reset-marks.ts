import type { Migration } from '../migration.js';

export const syncResetMarksMigration: Migration = {
  version: 19,
  name: 'sync-reset-marks',
  // A table the backend asks to download again ("reset") keeps its rows while the new copy
  // arrives; each row the download brings is marked here, page by page with the cursor, and
  // the rows left unmarked at the end are the ones the server no longer has.
  sql: `
    CREATE TABLE sync_reset_marks (
      entity TEXT NOT NULL,
      row_key TEXT NOT NULL,
      PRIMARY KEY (entity, row_key)
    ) STRICT, WITHOUT ROWID;
  `,
};
