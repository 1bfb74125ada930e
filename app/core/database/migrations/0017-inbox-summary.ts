import type { Migration } from '../migration.js';

// The customer's name on one messaging_log row (`r` is NEW, OLD or a table alias). A malformed
// payload yields NULL rather than an error, so one bad row can never stop a pull.
const nameOf = (r: string) =>
  `CASE WHEN ${r}.message_type = 'inbound' AND json_valid(${r}.message_payload) THEN
     CASE WHEN json_type(${r}.message_payload, '$.contact_name') = 'text' THEN json_extract(${r}.message_payload, '$.contact_name') END END`;
/** The summary row of K's conversation, counted again from the messages it has now. */
const recount = (k: 'OLD' | 'NEW') => `
      DELETE FROM inbox_summary WHERE store_id = ${k}.store_id AND customer_phone = ${k}.customer_phone;
      INSERT INTO inbox_summary (store_id, customer_phone, last_at, last_in, name, name_at, name_id)
      SELECT m.store_id, m.customer_phone, max(m.created_at), max(CASE WHEN m.message_type = 'inbound' THEN m.created_at END),
             named.name, named.created_at, named.id
      FROM messaging_log m LEFT JOIN (
        SELECT ${nameOf('n')} AS name, n.created_at, n.id FROM messaging_log n
        WHERE n.store_id = ${k}.store_id AND n.customer_phone = ${k}.customer_phone AND n.created_at IS NOT NULL AND ${nameOf('n')} IS NOT NULL
        ORDER BY n.created_at DESC, n.id DESC LIMIT 1
      ) named ON 1
      WHERE m.store_id = ${k}.store_id AND m.customer_phone = ${k}.customer_phone AND m.created_at IS NOT NULL
      GROUP BY m.store_id, m.customer_phone;`;

export const inboxSummaryMigration: Migration = {
  version: 17,
  name: 'inbox-summary',
  // Opening the Inbox grouped every mirrored message by customer and searched every payload
  // with LIKE: a third of a second at 50,000 messages, on each open and each keystroke. The
  // summary holds one row per conversation; triggers keep it in the statement that writes
  // the message, so a pull, a reset (which deletes the rows) and a tombstone cannot leave it
  // behind.
  sql: `
    CREATE TABLE inbox_summary (
      store_id TEXT NOT NULL,
      customer_phone TEXT NOT NULL,
      last_at TEXT NOT NULL,   -- the newest message's time
      last_in TEXT,            -- the customer's newest message (the 24-hour window runs from it)
      name TEXT,               -- the name WhatsApp gave with the newest inbound message that had one
      name_at TEXT,
      name_id TEXT,
      PRIMARY KEY (store_id, customer_phone)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX inbox_summary_newest ON inbox_summary (last_at DESC, customer_phone, store_id);

    WITH named AS (
      SELECT store_id, customer_phone, name, created_at, id,
             row_number() OVER (PARTITION BY store_id, customer_phone ORDER BY created_at DESC, id DESC) AS rank
      FROM (SELECT m.store_id, m.customer_phone, ${nameOf('m')} AS name, m.created_at, m.id FROM messaging_log m
            WHERE m.customer_phone IS NOT NULL AND m.created_at IS NOT NULL)
      WHERE name IS NOT NULL
    )
    INSERT INTO inbox_summary (store_id, customer_phone, last_at, last_in, name, name_at, name_id)
    SELECT m.store_id, m.customer_phone, max(m.created_at), max(CASE WHEN m.message_type = 'inbound' THEN m.created_at END),
           named.name, named.created_at, named.id
    FROM messaging_log m
    LEFT JOIN named ON named.rank = 1 AND named.store_id = m.store_id AND named.customer_phone = m.customer_phone
    WHERE m.customer_phone IS NOT NULL AND m.created_at IS NOT NULL
    GROUP BY m.store_id, m.customer_phone;

    -- A new message only moves the conversation forward: no need to look at the others.
    CREATE TRIGGER inbox_summary_insert AFTER INSERT ON messaging_log
    WHEN NEW.customer_phone IS NOT NULL AND NEW.created_at IS NOT NULL
    BEGIN
      INSERT INTO inbox_summary (store_id, customer_phone, last_at, last_in, name, name_at, name_id)
      SELECT NEW.store_id, NEW.customer_phone, NEW.created_at, CASE WHEN NEW.message_type = 'inbound' THEN NEW.created_at END,
             given.name, CASE WHEN given.name IS NOT NULL THEN NEW.created_at END, CASE WHEN given.name IS NOT NULL THEN NEW.id END
      FROM (SELECT ${nameOf('NEW')} AS name) given WHERE 1
      ON CONFLICT (store_id, customer_phone) DO UPDATE SET
        last_at = CASE WHEN excluded.last_at > last_at THEN excluded.last_at ELSE last_at END,
        last_in = CASE WHEN excluded.last_in > coalesce(last_in, '') THEN excluded.last_in ELSE last_in END,
        name = CASE WHEN excluded.name IS NOT NULL AND (name_at IS NULL OR excluded.name_at > name_at
                    OR (excluded.name_at = name_at AND excluded.name_id > name_id)) THEN excluded.name ELSE name END,
        name_id = CASE WHEN excluded.name IS NOT NULL AND (name_at IS NULL OR excluded.name_at > name_at
                    OR (excluded.name_at = name_at AND excluded.name_id > name_id)) THEN excluded.name_id ELSE name_id END,
        name_at = CASE WHEN excluded.name IS NOT NULL AND (name_at IS NULL OR excluded.name_at > name_at
                    OR (excluded.name_at = name_at AND excluded.name_id > name_id)) THEN excluded.name_at ELSE name_at END;
    END;

    -- Removing a message changes the summary only if it was the newest, the customer's newest
    -- or the one the name came from; only then is the conversation counted again.
    CREATE TRIGGER inbox_summary_delete AFTER DELETE ON messaging_log
    WHEN OLD.customer_phone IS NOT NULL AND OLD.created_at IS NOT NULL AND EXISTS (
      SELECT 1 FROM inbox_summary s WHERE s.store_id = OLD.store_id AND s.customer_phone = OLD.customer_phone
        AND (OLD.created_at >= s.last_at OR OLD.created_at = s.last_in OR OLD.id = s.name_id))
    BEGIN ${recount('OLD')}
    END;

    -- Rare (a status update changes none of these): both conversations are counted again.
    CREATE TRIGGER inbox_summary_update AFTER UPDATE OF store_id, customer_phone, created_at, message_type, message_payload ON messaging_log
    WHEN NEW.store_id IS NOT OLD.store_id OR NEW.customer_phone IS NOT OLD.customer_phone OR NEW.created_at IS NOT OLD.created_at
      OR NEW.message_type IS NOT OLD.message_type
      OR (NEW.message_payload IS NOT OLD.message_payload AND 'inbound' IN (OLD.message_type, NEW.message_type))
    BEGIN ${recount('OLD')} ${recount('NEW')}
    END;

    -- (The triggers' inserts say ON CONFLICT DO NOTHING rather than OR IGNORE: a trigger's OR
    -- clause gives way to the conflict policy of the statement that fired it, the pull's upsert.)
    -- Search by the words of the messages: an FTS5 trigram index finds any part of a word, as
    -- LIKE did, with one document per conversation, so a common word finds each customer
    -- once rather than once per message. Rewriting a conversation's document from a trigger
    -- on every message would cost a pull dearly (and FTS5 writes its pending terms out at
    -- every statement), so the triggers only mark the conversations whose words changed, in
    -- the pull's own transaction, and the core rewrites those documents in a few statements
    -- after the pull and before any search (InboxSearchIndex).
    -- Documents are numbered here (AUTOINCREMENT: a number never comes back), not by the
    -- implicit rowid of another table, which VACUUM may change.
    CREATE TABLE inbox_search_docs (
      doc INTEGER PRIMARY KEY AUTOINCREMENT,
      store_id TEXT NOT NULL,
      customer_phone TEXT NOT NULL,
      UNIQUE (store_id, customer_phone)
    ) STRICT;
    CREATE TABLE inbox_search_dirty (
      store_id TEXT NOT NULL,
      customer_phone TEXT NOT NULL,
      PRIMARY KEY (store_id, customer_phone)
    ) STRICT, WITHOUT ROWID;
    CREATE VIRTUAL TABLE inbox_search USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram remove_diacritics 1');

    INSERT OR IGNORE INTO inbox_search_dirty (store_id, customer_phone)
    SELECT store_id, customer_phone FROM messaging_log WHERE customer_phone IS NOT NULL;

    CREATE TRIGGER inbox_search_insert AFTER INSERT ON messaging_log WHEN NEW.customer_phone IS NOT NULL
    BEGIN
      INSERT INTO inbox_search_dirty (store_id, customer_phone) VALUES (NEW.store_id, NEW.customer_phone) ON CONFLICT DO NOTHING;
    END;
    CREATE TRIGGER inbox_search_delete AFTER DELETE ON messaging_log WHEN OLD.customer_phone IS NOT NULL
    BEGIN
      INSERT INTO inbox_search_dirty (store_id, customer_phone) VALUES (OLD.store_id, OLD.customer_phone) ON CONFLICT DO NOTHING;
    END;
    CREATE TRIGGER inbox_search_update AFTER UPDATE OF store_id, customer_phone, message_payload ON messaging_log
    WHEN NEW.store_id IS NOT OLD.store_id OR NEW.customer_phone IS NOT OLD.customer_phone OR NEW.message_payload IS NOT OLD.message_payload
    BEGIN
      INSERT INTO inbox_search_dirty (store_id, customer_phone) SELECT OLD.store_id, OLD.customer_phone WHERE OLD.customer_phone IS NOT NULL
        ON CONFLICT DO NOTHING;
      INSERT INTO inbox_search_dirty (store_id, customer_phone) SELECT NEW.store_id, NEW.customer_phone WHERE NEW.customer_phone IS NOT NULL
        ON CONFLICT DO NOTHING;
    END;

    -- (store_id, customer_phone, created_at) serves every look-up this one did; one index fewer to write per message.
    DROP INDEX messaging_log_customer;

    -- New customer messages since a moment (notifications, the tray badge) without reading every message.
    CREATE INDEX messaging_log_inbound_at ON messaging_log (created_at) WHERE message_type = 'inbound';
  `,
};
