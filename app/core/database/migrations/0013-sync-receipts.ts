import { CAPTURING, outboxTriggersSql, snapshotSql, syncedTables } from '../../sync/synced-tables.js';
import type { Migration } from '../migration.js';

const messages = syncedTables.find((table) => table.entity === 'scheduled_whatsapp_messages')!;
const receipts = syncedTables.find((table) => table.entity === 'message_receipts')!;

export const syncReceiptsMigration: Migration = {
  version: 13,
  name: 'sync-receipts',
  // Per-member receipts and the message's recipient count go up with the queue. A
  // database already syncing queues what it holds of them, so the backend catches up.
  sql: `
    DROP TRIGGER scheduled_whatsapp_messages_outbox_insert;
    DROP TRIGGER scheduled_whatsapp_messages_outbox_update;
    DROP TRIGGER scheduled_whatsapp_messages_outbox_delete;
    ${outboxTriggersSql(messages)}
    ${outboxTriggersSql(receipts)}
    ${snapshotSql(messages, `R.recipients IS NOT NULL AND ${CAPTURING}`)};
    ${snapshotSql(receipts, CAPTURING)};
  `,
};
