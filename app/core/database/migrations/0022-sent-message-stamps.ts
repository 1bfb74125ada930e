import type { Migration } from '../migration.js';

export const sentMessageStampsMigration: Migration = {
  version: 22,
  name: 'sent-message-stamps',
  // The copies of sent messages Baileys resends on a retry receipt were kept forever. Their
  // values are encrypted, so the age has to sit beside them: `stored_at` (ms since the epoch)
  // for those rows, NULL for keys and creds, which are never pruned by age. Rows written before
  // this step count from now, so none is dropped while a retry may still ask for it.
  sql: `
    ALTER TABLE whatsapp_auth ADD COLUMN stored_at INTEGER;
    UPDATE whatsapp_auth SET stored_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE category = 'sent-message';
    CREATE INDEX whatsapp_auth_stored ON whatsapp_auth (session_id, category, stored_at) WHERE stored_at IS NOT NULL;
  `,
};
