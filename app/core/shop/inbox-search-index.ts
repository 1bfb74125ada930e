import type { Database } from '../database/open-database.js';

// The words of one message that search looks in: what the customer wrote (or tapped), what
// the shop answered, a template's name and values. A malformed payload has none.
const textOf = (m: string) => `CASE WHEN json_valid(${m}.message_payload) THEN nullif(concat_ws(' ',
  json_extract(${m}.message_payload, '$.message.text.body'), json_extract(${m}.message_payload, '$.message.button.text'),
  json_extract(${m}.message_payload, '$.text.body'), json_extract(${m}.message_payload, '$.template.name'),
  json_extract(${m}.message_payload, '$.template.parameters')), '') END`;

/**
 * The FTS5 index of conversations' words, one document per conversation. SQLite triggers
 * mark each conversation whose messages changed, in the pull's own transaction
 * (inbox_search_dirty); this rewrites those documents in a few statements, after a pull and
 * before a search. Messages are joined with a line break, which no phrase typed into the
 * search field contains, so a phrase never matches across two messages.
 */
export class InboxSearchIndex {
  private readonly behind;
  private readonly steps;

  constructor(private readonly db: Database) {
    this.behind = db.prepare<[]>('SELECT EXISTS (SELECT 1 FROM inbox_search_dirty)').pluck();
    this.steps = [
      `DELETE FROM inbox_search WHERE rowid IN (
         SELECT d.doc FROM inbox_search_docs d JOIN inbox_search_dirty x ON x.store_id = d.store_id AND x.customer_phone = d.customer_phone)`,
      `DELETE FROM inbox_search_docs WHERE (store_id, customer_phone) IN (SELECT store_id, customer_phone FROM inbox_search_dirty)`,
      `INSERT INTO inbox_search_docs (store_id, customer_phone)
       SELECT store_id, customer_phone FROM inbox_search_dirty x
       WHERE EXISTS (SELECT 1 FROM messaging_log m WHERE m.store_id = x.store_id AND m.customer_phone = x.customer_phone)`,
      `INSERT INTO inbox_search (rowid, body)
       SELECT d.doc, (SELECT group_concat(${textOf('m')}, char(10)) FROM messaging_log m
                      WHERE m.store_id = d.store_id AND m.customer_phone = d.customer_phone)
       FROM inbox_search_docs d JOIN inbox_search_dirty x ON x.store_id = d.store_id AND x.customer_phone = d.customer_phone`,
      'DELETE FROM inbox_search_dirty',
    ].map((sql) => db.prepare(sql));
  }

  /** Brings the index up to date with the messages; cheap when nothing changed. */
  catchUp(): void {
    if (this.behind.get() !== 1) return;
    this.db.transaction(() => {
      for (const step of this.steps) step.run();
    })();
  }
}
