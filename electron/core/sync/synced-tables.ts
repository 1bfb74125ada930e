/**
 * Which local tables feed the sync outbox, and what a change of each records. The outbox
 * is filled by SQLite triggers built from this list, so a change and its outbox row are
 * one statement of one transaction: no writer can forget it and no crash can split them.
 *
 * Migrations build the triggers from this list when they run. Changing an entry here
 * means a new migration that drops and recreates that table's triggers (as 0009 does
 * for whatsapp_groups), since databases migrated earlier keep the triggers they got.
 */

import { untouchedDefaultRuleSql, untouchedDefaultTemplateSql } from '../messages/default-reminders.js';

export type SyncedEntity =
  | 'whatsapp_sessions'
  | 'whatsapp_groups'
  | 'workshop_group_members'
  | 'membership_events'
  | 'workshops'
  | 'leads'
  | 'lead_assignments'
  | 'message_templates'
  | 'workshop_automation_config'
  | 'scheduled_whatsapp_messages'
  | 'message_receipts';

export interface SyncedTable {
  entity: SyncedEntity;
  /**
   * An SQL expression over the row (`R.` stands for NEW or OLD) that names it the same
   * way on every desktop of the organisation, e.g. a lead's phone rather than its local id.
   */
  key: string;
  /** Columns captured in the outbox payload, as SQL expressions over `R.` keyed by name. */
  columns: Record<string, string>;
  /** Columns whose change is worth uploading; an UPDATE touching none of them records nothing (none: rows are only inserted and deleted). */
  watch: string[];
  /** Append-only tables record inserts only (as upserts: the server ignores a key it already has). */
  appendOnly?: boolean;
  /** Deletes record only the key columns, which is all the server needs to find the row. */
  deleteColumns: Record<string, string>;
  /** Rows for which nothing is recorded (SQL over `R.`), e.g. an assignment whose lead is already gone. */
  skipWhen?: string;
  /**
   * Rows every new console makes for itself (SQL over `R.`, checked when the first upload
   * is queued): sent as seeds, which the server applies only where the organisation has
   * no such row yet, so a second desktop does not add its own copy or report a conflict.
   */
  seedWhen?: string;
}

const plain = (...names: string[]) => Object.fromEntries(names.map((name) => [name, `R.${name}`]));

const leadPhone = '(SELECT phone FROM leads WHERE id = R.lead_id)';

export const syncedTables: readonly SyncedTable[] = [
  {
    entity: 'whatsapp_sessions',
    key: 'R.id',
    // State, phone and name only: the Baileys keys (whatsapp_auth) never leave the machine.
    columns: plain(
      'id',
      'label',
      'transport',
      'state',
      'state_reason',
      'phone',
      'display_name',
      'last_active_at',
      'created_at',
      'updated_at',
    ),
    watch: ['label', 'state', 'state_reason', 'phone', 'display_name', 'last_active_at'],
    deleteColumns: plain('id'),
  },
  {
    entity: 'whatsapp_groups',
    key: "R.session_id || ' ' || R.group_jid",
    // Not metadata_json: Baileys' raw participant list is a cache, and the members table carries the same facts.
    columns: plain('session_id', 'group_jid', 'subject', 'size', 'is_admin', 'invite_link', 'addressing_mode', 'synced_at'),
    // synced_at too: the CRM shows how fresh the desktop's view of each group is.
    watch: ['subject', 'size', 'is_admin', 'invite_link', 'addressing_mode', 'synced_at'],
    deleteColumns: plain('session_id', 'group_jid'),
  },
  {
    entity: 'workshop_group_members',
    key: 'CAST(R.id AS TEXT)',
    columns: plain(
      'id',
      'group_jid',
      'lid',
      'phone',
      'status',
      'joined_at',
      'joined_source',
      'left_at',
      'left_source',
      'is_admin',
      'created_at',
      'updated_at',
    ),
    watch: ['lid', 'phone', 'status', 'joined_at', 'joined_source', 'left_at', 'left_source', 'is_admin'],
    deleteColumns: plain('id', 'group_jid', 'lid', 'phone'),
  },
  {
    entity: 'membership_events',
    key: 'CAST(R.id AS TEXT)',
    columns: {
      ...plain('id', 'group_jid', 'action', 'source', 'occurred_at'),
      phone: '(SELECT phone FROM workshop_group_members WHERE id = R.member_id)',
      lid: '(SELECT lid FROM workshop_group_members WHERE id = R.member_id)',
    },
    watch: [],
    appendOnly: true,
    deleteColumns: plain('id'),
  },
  {
    entity: 'workshops',
    key: 'R.id',
    columns: plain(
      'id',
      'name',
      'starts_at',
      'starts_at_local',
      'time_zone',
      'duration_minutes',
      'description',
      'join_link',
      'session_id',
      'group_jid',
      'last_synced_at',
      'created_at',
      'updated_at',
    ),
    watch: [
      'name',
      'starts_at',
      'starts_at_local',
      'time_zone',
      'duration_minutes',
      'description',
      'join_link',
      'session_id',
      'group_jid',
      'last_synced_at',
    ],
    deleteColumns: plain('id'),
  },
  {
    entity: 'leads',
    // The same person registered on two desktops is one lead: the phone names it, not the local row id.
    key: 'R.phone',
    columns: plain('phone', 'name', 'email', 'created_at', 'updated_at'),
    watch: ['phone', 'name', 'email'],
    deleteColumns: plain('phone'),
  },
  {
    entity: 'lead_assignments',
    key: `R.workshop_id || ' ' || ${leadPhone}`,
    columns: { workshop_id: 'R.workshop_id', phone: leadPhone, created_at: 'R.created_at' },
    watch: [],
    deleteColumns: { workshop_id: 'R.workshop_id', phone: leadPhone },
    // A lead deleted with its assignments: the lead's own tombstone removes them on the server.
    skipWhen: `${leadPhone} IS NULL`,
  },
  {
    entity: 'message_templates',
    key: 'R.id',
    columns: plain('id', 'name', 'body', 'created_at', 'updated_at'),
    watch: ['name', 'body'],
    deleteColumns: plain('id'),
    seedWhen: untouchedDefaultTemplateSql,
  },
  {
    entity: 'workshop_automation_config',
    key: "coalesce(R.workshop_id, '') || ' ' || R.rule_key",
    columns: plain(
      'workshop_id',
      'rule_key',
      'label',
      'enabled',
      'template_id',
      'local_time',
      'minutes_before',
      'grace_minutes',
      'updated_at',
    ),
    watch: ['label', 'enabled', 'template_id', 'local_time', 'minutes_before', 'grace_minutes'],
    deleteColumns: plain('workshop_id', 'rule_key'),
    seedWhen: untouchedDefaultRuleSql,
  },
  {
    entity: 'scheduled_whatsapp_messages',
    key: 'R.id',
    // Not the media bytes: a file attached to one send is the desktop's business.
    columns: plain(
      'id',
      'workshop_id',
      'rule_key',
      'idempotency_key',
      'session_id',
      'group_jid',
      'kind',
      'body',
      'media_mimetype',
      'file_name',
      'scheduled_for',
      'grace_minutes',
      'status',
      'cancelled_by',
      'attempts',
      'next_attempt_at',
      'last_error',
      'message_id',
      'sent_at',
      'receipt',
      'edited_at',
      'recipients',
      'created_at',
      'updated_at',
    ),
    watch: [
      'body',
      'scheduled_for',
      'status',
      'cancelled_by',
      'attempts',
      'next_attempt_at',
      'last_error',
      'message_id',
      'sent_at',
      'receipt',
      'edited_at',
      'session_id',
      'group_jid',
      'recipients',
    ],
    deleteColumns: plain('id'),
  },
  {
    entity: 'message_receipts',
    key: "R.message_row_id || ' ' || R.member",
    columns: plain('message_row_id', 'member', 'delivered_at', 'read_at'),
    watch: ['delivered_at', 'read_at'],
    deleteColumns: plain('message_row_id', 'member'),
  },
];

const over = (expression: string, row: 'NEW' | 'OLD') => expression.replaceAll('R.', `${row}.`);

const jsonOf = (columns: Record<string, string>, row: 'NEW' | 'OLD') =>
  `json_object(${Object.entries(columns)
    .map(([name, expression]) => `'${name}', ${over(expression, row)}`)
    .join(', ')})`;

export const CAPTURING = '(SELECT capturing FROM sync_capture WHERE id = 1) = 1';
const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

function outboxInsert(table: SyncedTable, op: 'upsert' | 'delete', row: 'NEW' | 'OLD'): string {
  const payload = jsonOf(op === 'delete' ? table.deleteColumns : table.columns, row);
  return `INSERT INTO sync_outbox (entity, op, row_key, payload, created_at) VALUES ('${table.entity}', '${op}', ${over(table.key, row)}, ${payload}, ${NOW});`;
}

/** The CREATE TRIGGER statements that record every change of `table` in the outbox. */
export function outboxTriggersSql(table: SyncedTable): string {
  const name = table.entity;
  const skip = (row: 'NEW' | 'OLD') => (table.skipWhen ? ` AND NOT (${over(table.skipWhen, row)})` : '');
  const statements = [
    `CREATE TRIGGER ${name}_outbox_insert AFTER INSERT ON ${name} WHEN ${CAPTURING}${skip('NEW')}
     BEGIN ${outboxInsert(table, 'upsert', 'NEW')} END;`,
  ];
  if (!table.appendOnly && table.watch.length > 0) {
    const changed = table.watch.map((column) => `NEW.${column} IS NOT OLD.${column}`).join(' OR ');
    statements.push(
      `CREATE TRIGGER ${name}_outbox_update AFTER UPDATE OF ${table.watch.join(', ')} ON ${name} WHEN ${CAPTURING} AND (${changed})${skip('NEW')}
       BEGIN ${outboxInsert(table, 'upsert', 'NEW')} END;`,
    );
  }
  if (!table.appendOnly) {
    statements.push(
      `CREATE TRIGGER ${name}_outbox_delete AFTER DELETE ON ${name} WHEN ${CAPTURING}${skip('OLD')}
       BEGIN ${outboxInsert(table, 'delete', 'OLD')} END;`,
    );
  }
  return statements.join('\n');
}

/**
 * Every current row of `table` (or those matching `only`, SQL over `R.`) as an outbox
 * entry: the first upload after choosing an organisation, so the server learns what the
 * desktop already knew before sync was on.
 */
export function snapshotSql(table: SyncedTable, only?: string): string {
  const alias = 'R';
  const conditions = [...(table.skipWhen ? [`NOT (${table.skipWhen})`] : []), ...(only ? [only] : [])];
  const skip = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `INSERT INTO sync_outbox (entity, op, row_key, payload, created_at, seed)
    SELECT '${table.entity}', 'upsert', ${table.key},
      json_object(${Object.entries(table.columns)
        .map(([name, expression]) => `'${name}', ${expression}`)
        .join(', ')}), ${NOW}, ${table.seedWhen ? `CASE WHEN ${table.seedWhen} THEN 1 ELSE 0 END` : '0'}
    FROM ${table.entity} AS ${alias}${skip} ORDER BY ${table.key}`;
}
