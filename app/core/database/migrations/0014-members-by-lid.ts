import type { Migration } from '../migration.js';

export const membersByLidMigration: Migration = {
  version: 14,
  name: 'members-by-lid',
  // Every LID ↔ phone pair WhatsApp reports (a 1,024-member group's metadata carries one per
  // member) looks up the members known only by that LID, in any group. Without this the
  // look-up scanned the whole members table once per pair: a Sync Members of 1,024 read a
  // million rows.
  sql: `
    CREATE INDEX members_lid_without_phone ON workshop_group_members (lid) WHERE phone IS NULL;
  `,
};
