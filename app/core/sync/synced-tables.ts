/**
 * Which local tables feed the sync outbox, and what a change of each records. The outbox
 * is filled by SQLite triggers built from this list, so a change and its outbox row are
 * one statement of one transaction: no writer can forget it and no crash can split them.
 *
 * The tables and the columns that travel are the protocol's list (shared/sync/sync-tables.ts);
 * this file adds only what is local: how a row is named in SQL, the local columns the
 * payload also holds, and which changes are worth an upload.
 *
 * Migrations build the triggers from this list when they run, and a test pins the SQL of
 * each one (a database that ran a step keeps what it got). Changing what an entry captures
 * means a new migration that drops and recreates that table's triggers (as 0009 does for
 * whatsapp_groups), and the earlier steps keep their SQL as it was.
 */

import { pushableTableNames, syncTables, type PushableTableName } from '../../../shared/sync/sync-tables.js';
import { untouchedDefaultRuleSql, untouchedDefaultTemplateSql } from '../messages/default-reminders.js';

/** The tables a desktop uploads. */
export type SyncedEntity = PushableTableName;

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
  /** Deletes record only the key columns (and the local id, where the payload has one), which is all the server needs to find the row. */
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

/** What the protocol's list does not say about a table: its local SQL. */
interface Capture {
  key: string;
  /**
   * The payload's columns in order: `...` stands for the travelling columns not named,
   * in the protocol's order; other names are local columns captured as well. Default: `...`.
   */
  layout?: readonly string[];
  /** SQL over `R.` for a travelling column the table does not hold under that name. */
  from?: Readonly<Record<string, string>>;
  /** Default: every travelling column but the key ones. */
  watch?: string[];
  skipWhen?: string;
  seedWhen?: string;
}

const TRAVELLING = '...';
/** The travelling columns, then the local row's own times. */
const stamped = [TRAVELLING, 'created_at', 'updated_at'];

const leadPhone = '(SELECT phone FROM leads WHERE id = R.lead_id)';

const captures: Record<SyncedEntity, Capture> = {
  whatsapp_sessions: {
    key: 'R.id',
    // State, phone and name only: the Baileys keys (whatsapp_auth) never leave the machine.
    layout: ['id', 'label', 'transport', TRAVELLING, 'created_at', 'updated_at'],
  },
  whatsapp_groups: {
    key: "R.session_id || ' ' || R.group_jid",
    // Not metadata_json: Baileys' raw participant list is a cache, and the members table carries the same facts.
    // synced_at is watched too: the CRM shows how fresh the desktop's view of each group is.
  },
  workshop_group_members: {
    key: 'CAST(R.id AS TEXT)',
    layout: ['id', ...stamped],
    watch: ['lid', 'phone', 'status', 'joined_at', 'joined_source', 'left_at', 'left_source', 'is_admin'],
  },
  membership_events: {
    key: 'CAST(R.id AS TEXT)',
    // event_id is made from the local id at upload (wire-rows.ts), so the id is captured instead.
    layout: ['id', 'group_jid', 'action', 'source', 'occurred_at', 'phone', 'lid'],
    from: {
      phone: '(SELECT phone FROM workshop_group_members WHERE id = R.member_id)',
      lid: '(SELECT lid FROM workshop_group_members WHERE id = R.member_id)',
    },
  },
  workshops: { key: 'R.id', layout: stamped },
  leads: {
    // The same person registered on two desktops is one lead: the phone names it, not the local row id.
    key: 'R.phone',
    layout: stamped,
    watch: ['phone', 'name', 'email'],
  },
  lead_assignments: {
    key: `R.workshop_id || ' ' || ${leadPhone}`,
    layout: [TRAVELLING, 'created_at'],
    from: { phone: leadPhone },
    // A lead deleted with its assignments: the lead's own tombstone removes them on the server.
    skipWhen: `${leadPhone} IS NULL`,
  },
  message_templates: { key: 'R.id', layout: stamped, seedWhen: untouchedDefaultTemplateSql },
  workshop_automation_config: {
    key: "coalesce(R.workshop_id, '') || ' ' || R.rule_key",
    layout: [TRAVELLING, 'updated_at'],
    seedWhen: untouchedDefaultRuleSql,
  },
  scheduled_whatsapp_messages: {
    key: 'R.id',
    // Not the media bytes: a file attached to one send is the desktop's business.
    layout: stamped,
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
  },
  message_receipts: { key: "R.message_row_id || ' ' || R.member" },
};

function syncedTable(entity: SyncedEntity, capture: Capture): SyncedTable {
  const spec: { key: readonly string[]; columns: readonly string[]; appendOnly?: boolean } = syncTables[entity];
  const layout = capture.layout ?? [TRAVELLING];
  const names = layout.flatMap((name) => (name === TRAVELLING ? spec.columns.filter((column) => !layout.includes(column)) : [name]));
  const columns = Object.fromEntries(names.map((name) => [name, capture.from?.[name] ?? `R.${name}`]));
  const deleteColumns = Object.fromEntries(Object.entries(columns).filter(([name]) => spec.key.includes(name) || name === 'id'));
  const watch = capture.watch ?? (spec.appendOnly ? [] : spec.columns.filter((column) => !spec.key.includes(column)));
  return {
    entity,
    key: capture.key,
    columns,
    watch,
    ...(spec.appendOnly ? { appendOnly: true } : {}),
    deleteColumns,
    ...(capture.skipWhen ? { skipWhen: capture.skipWhen } : {}),
    ...(capture.seedWhen ? { seedWhen: capture.seedWhen } : {}),
  };
}

export const syncedTables: readonly SyncedTable[] = pushableTableNames.map((entity) => syncedTable(entity, captures[entity]));

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
