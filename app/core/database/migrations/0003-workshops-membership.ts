import type { Migration } from '../migration.js';

export const workshopsMembershipMigration: Migration = {
  version: 3,
  name: 'workshops-membership',
  sql: `
    CREATE TABLE workshops (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      starts_at TEXT NOT NULL,
      starts_at_local TEXT NOT NULL,
      time_zone TEXT NOT NULL,
      duration_minutes INTEGER NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      join_link TEXT NOT NULL DEFAULT '',
      session_id TEXT REFERENCES whatsapp_sessions (id) ON DELETE SET NULL,
      group_jid TEXT,
      last_synced_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX workshops_group ON workshops (group_jid);
    CREATE INDEX workshops_starts_at ON workshops (starts_at);

    -- A person who registered; the same phone registering for two workshops is one lead.
    CREATE TABLE leads (
      id INTEGER PRIMARY KEY,
      phone TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL DEFAULT '',
      email TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE lead_assignments (
      workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
      lead_id INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      PRIMARY KEY (workshop_id, lead_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX lead_assignments_lead ON lead_assignments (lead_id);

    -- WhatsApp's privacy ids and the phones behind them, learnt from every source.
    CREATE TABLE wa_lid_mappings (
      lid TEXT PRIMARY KEY,
      phone TEXT NOT NULL,
      source TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX wa_lid_mappings_phone ON wa_lid_mappings (phone);

    -- One row per group and person, known by LID, phone or both.
    CREATE TABLE workshop_group_members (
      id INTEGER PRIMARY KEY,
      group_jid TEXT NOT NULL,
      lid TEXT,
      phone TEXT,
      status TEXT NOT NULL CHECK (status IN ('active', 'left')),
      joined_at TEXT,
      joined_source TEXT CHECK (joined_source IN ('live', 'sync')),
      left_at TEXT,
      left_source TEXT CHECK (left_source IN ('live', 'sync')),
      is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      CHECK (lid IS NOT NULL OR phone IS NOT NULL)
    ) STRICT;
    CREATE UNIQUE INDEX members_group_lid ON workshop_group_members (group_jid, lid) WHERE lid IS NOT NULL;
    CREATE UNIQUE INDEX members_group_phone ON workshop_group_members (group_jid, phone) WHERE phone IS NOT NULL;
    CREATE INDEX members_group_status ON workshop_group_members (group_jid, status);

    -- Every change of membership with where it was learnt; rows are added, not edited, except
    -- that merging two member rows of one person moves that person's events to the row kept.
    CREATE TABLE membership_events (
      id INTEGER PRIMARY KEY,
      group_jid TEXT NOT NULL,
      member_id INTEGER NOT NULL REFERENCES workshop_group_members (id) ON DELETE CASCADE,
      action TEXT NOT NULL CHECK (action IN ('joined', 'left', 'promoted', 'demoted')),
      source TEXT NOT NULL CHECK (source IN ('live', 'sync')),
      occurred_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX membership_events_group_time ON membership_events (group_jid, occurred_at);
  `,
};
