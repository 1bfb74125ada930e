import { outboxTriggersSql, syncedTables } from '../../sync/synced-tables.js';
import type { Migration } from '../migration.js';

const groups = syncedTables.find((table) => table.entity === 'whatsapp_groups')!;

export const syncGroupFreshnessMigration: Migration = {
  version: 9,
  name: 'sync-group-freshness',
  // A group fetched again with nothing else changed still uploads its new synced_at.
  sql: `
    DROP TRIGGER whatsapp_groups_outbox_insert;
    DROP TRIGGER whatsapp_groups_outbox_update;
    DROP TRIGGER whatsapp_groups_outbox_delete;
    ${outboxTriggersSql(groups)}
  `,
};
