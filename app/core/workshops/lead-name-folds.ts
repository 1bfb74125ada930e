import type { Statement } from 'better-sqlite3';
import { foldForSearch } from '../../../shared/search/search-terms.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRows, num, text } from '../database/row-reader.js';

const pendingRow = columns({ id: num, name: text });

const BATCH = 5_000;

/**
 * Keeps `leads.name_folded` (the name as searched) filled. Names written without it (rows
 * from before the column, rows pulled from another desktop, a rename) are NULL there; a
 * search folds them first, so it never misses a person whatever wrote the name.
 */
export class LeadNameFolds {
  private readonly pending: Statement;
  private readonly store: Statement;

  constructor(private readonly db: Database) {
    this.pending = db.prepare('SELECT id, name FROM leads WHERE name_folded IS NULL LIMIT ?');
    this.store = db.prepare('UPDATE leads SET name_folded = ? WHERE id = ?');
  }

  /** One probe of a partial index when nothing is waiting. */
  catchUp(): void {
    for (;;) {
      const rows = mapRows(this.pending.all(BATCH), pendingRow);
      if (rows.length === 0) return;
      this.db.transaction(() => {
        for (const row of rows) this.store.run(foldForSearch(row.name), row.id);
      })();
    }
  }
}
