import type { Migration } from '../migration.js';

export const leadNameFoldMigration: Migration = {
  version: 24,
  name: 'lead-name-fold',
  // Each lead's name as searched: lower case without accents, so "agaoglu" finds "Ağaoğlu".
  // The rule lives in code, not SQL: a name written without its fold (older rows, a row
  // pulled from another desktop, a rename) is NULL here and folded before the next search.
  // The Missing tab's order index carries the fold, so searching 50,000 names reads the
  // index alone.
  sql: `
    ALTER TABLE leads ADD COLUMN name_folded TEXT;
    CREATE TRIGGER leads_name_refold AFTER UPDATE OF name ON leads
      WHEN NEW.name IS NOT OLD.name AND NEW.name_folded IS OLD.name_folded
      BEGIN UPDATE leads SET name_folded = NULL WHERE id = NEW.id; END;
    DROP INDEX leads_name_order;
    CREATE INDEX leads_name_order ON leads (name = '', name COLLATE NOCASE, phone, name_folded);
    CREATE INDEX leads_name_unfolded ON leads (id) WHERE name_folded IS NULL;
  `,
};
