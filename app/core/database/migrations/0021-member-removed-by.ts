import type { Migration } from '../migration.js';

export const memberRemovedByMigration: Migration = {
  version: 21,
  name: 'member-removed-by',
  // WhatsApp tells a member who left on their own from one an admin removed, and names the
  // admin. `removed_by` holds that admin's phone (E.164 digits), or their LID while the phone
  // is unknown; NULL for someone who left, or whose leave was only seen at a sync (WhatsApp
  // does not say how then). This desktop's own: the synced column lists leave it out.
  sql: `
    ALTER TABLE workshop_group_members ADD COLUMN removed_by TEXT;
    ALTER TABLE membership_events ADD COLUMN removed_by TEXT;
  `,
};
