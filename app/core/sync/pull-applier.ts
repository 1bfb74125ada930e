import type { Change, TablePage } from '../../../shared/sync/sync-protocol.js';
import { syncTables, type SyncTableName } from '../../../shared/sync/sync-tables.js';
import { toLocalInput } from '../../../shared/time/local-date-time.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { textOf } from '../database/row-reader.js';
import { upsertAutomationRule } from '../messages/automation-rule-row.js';
import type { Logger } from '../logging/logger.js';
import type { Outbox } from './outbox.js';
import type { SyncStateStore } from './sync-state-store.js';
import { syncedTables } from './synced-tables.js';
import { toLocalValue } from './wire-rows.js';

export interface AppliedChanges {
  tables: Set<SyncTableName>;
  /** Workshops whose own fields, leads or reminder rules changed. */
  workshopIds: Set<string>;
  rows: number;
}

type Row = Record<string, unknown>;

export interface PullApplierOptions {
  db: Database;
  outbox: Outbox;
  state: SyncStateStore;
  logger: Logger;
  /** Stamps a pulled row that carries no `updated_at` of its own. */
  clock: Clock;
}

/**
 * Writes pulled pages into SQLite. Each page and its new cursor are one transaction with
 * capture off (what came from the server is not sent back), so a crash replays the page.
 *
 * Conflict rule for the tables both sides edit (workshops, leads, assignments, templates,
 * reminder rules): a row with a local edit still in the outbox is left as the coordinator
 * has it and its known version is not moved. The edit then reaches the server with the
 * version it was made over; if the CRM changed the row since, the server refuses it as
 * stale, returns its row, and the desktop adopts that row and reports the edit it lost.
 */
export class PullApplier {
  private readonly mirrorColumns = new Map<string, string[]>();

  constructor(private readonly deps: PullApplierOptions) {}

  cursor(table: SyncTableName): number {
    return this.deps.state.get<number>(`cursor:${table}`) ?? 0;
  }

  /** While `table` downloads again after a reset: the `purged_through` of that reset, which every pull sends back. */
  resetFrom(table: SyncTableName): number | null {
    return this.deps.state.get<number>(resetKey(table));
  }

  /**
   * Applies one table's page and stores its cursor; returns whether more is waiting.
   *
   * A `reset` (the server no longer remembers deletions as old as our cursor) downloads
   * the table again from 0 without emptying it first: the Inbox and the workshops stay on
   * screen, and a crash half-way leaves every row in place. Each page marks the rows it
   * brings, in the transaction that stores its cursor; the last page removes the rows left
   * unmarked (the server deleted them while we were not looking), except a row with a
   * change still waiting to go up, which the server has not seen yet.
   */
  applyPage(table: SyncTableName, page: TablePage, into: AppliedChanges): boolean {
    if (page.status === 'reset') {
      this.deps.logger.info({ table, reason: page.reason }, 'the backend asked for a full download of a table');
      this.deps.db.transaction(() => {
        this.deps.db.prepare('DELETE FROM sync_reset_marks WHERE entity = ?').run(table);
        this.deps.state.set(resetKey(table), page.purged_through);
        this.deps.state.set(`cursor:${table}`, 0);
      })();
      return true;
    }
    const resetting = this.resetFrom(table) !== null;
    this.deps.db.transaction(() => {
      this.setCapture(0);
      try {
        for (const change of page.changes) {
          this.applyChange(table, change, into);
          if (resetting) this.mark(table, change);
        }
        // Never backwards, whatever the answer says.
        this.deps.state.set(`cursor:${table}`, Math.max(this.cursor(table), page.cursor));
        if (resetting && !page.has_more) this.sweep(table, into);
      } finally {
        this.setCapture(1);
      }
    })();
    into.rows += page.changes.length;
    if (page.changes.length > 0) into.tables.add(table);
    return page.has_more;
  }

  /** A row the re-download brought (kept by the sweep), or one it deleted (nothing to keep). */
  private mark(table: SyncTableName, change: Change): void {
    const key = rowKey(table, change.op === 'upsert' ? change.row : change.key);
    if (key === null) return;
    if (change.op === 'upsert')
      this.deps.db.prepare('INSERT OR IGNORE INTO sync_reset_marks (entity, row_key) VALUES (?, ?)').run(table, key);
    else this.deps.db.prepare('DELETE FROM sync_reset_marks WHERE entity = ? AND row_key = ?').run(table, key);
  }

  /** The end of a re-download: local rows it did not bring are gone on the server. */
  private sweep(table: SyncTableName, into: AppliedChanges): void {
    const unmarked = `NOT EXISTS (SELECT 1 FROM sync_reset_marks m WHERE m.entity = '${table}' AND m.row_key = `;
    let removed = 0;
    if (syncTables[table].direction === 'server') {
      removed = this.deps.db.prepare(`DELETE FROM ${table} WHERE ${unmarked}CAST(${table}.id AS TEXT))`).run().changes;
    } else {
      const spec = syncedTables.find((candidate) => candidate.entity === table);
      if (spec) {
        const gone = this.deps.db
          .prepare(
            `SELECT json_object(${Object.entries(spec.deleteColumns)
              .map(([name, expression]) => `'${name}', ${expression}`)
              .join(', ')}) AS key_row FROM ${table} AS R
             WHERE ${unmarked}${spec.key})
               AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.entity = '${table}' AND o.row_key = ${spec.key})`,
          )
          .pluck()
          .all();
        for (const keyRow of gone) {
          const key = JSON.parse(textOf(keyRow, 'key_row')) as Row;
          this.write(table, { op: 'delete', version: 0, key }, into, false);
          removed++;
        }
      }
    }
    this.deps.db.prepare('DELETE FROM sync_reset_marks WHERE entity = ?').run(table);
    this.deps.state.delete(resetKey(table));
    if (removed > 0) {
      into.tables.add(table);
      this.deps.logger.info({ table, removed }, 'rows the backend no longer has were removed after a full download');
    }
  }

  /** The server refused a stale edit and sent its row: the server's version wins here too. */
  adopt(table: SyncTableName, serverRow: Row, into: AppliedChanges): void {
    const version = typeof serverRow.version === 'number' ? serverRow.version : null;
    this.deps.db.transaction(() => {
      this.setCapture(0);
      try {
        this.write(table, { op: 'upsert', version: version ?? 0, row: serverRow }, into, version !== null);
      } finally {
        this.setCapture(1);
      }
    })();
    into.tables.add(table);
  }

  /**
   * A seed the organisation already had: its row replaces this desktop's starting row,
   * silently (nothing was edited here). A default template known there under another id
   * takes that id, and the rules here follow it.
   */
  adoptSeed(table: SyncTableName, localRowKey: string, serverRow: Row, into: AppliedChanges): void {
    this.adopt(table, serverRow, into);
    const serverId = typeof serverRow.id === 'string' ? serverRow.id : null;
    if (table !== 'message_templates' || !serverId || serverId === localRowKey) return;
    this.deps.db.transaction(() => {
      this.setCapture(0);
      try {
        this.deps.outbox.replaceTemplate(localRowKey, serverId);
      } finally {
        this.setCapture(1);
      }
    })();
  }

  /** Our own push was applied at this version: later edits of the row are based on it. */
  recordVersion(table: SyncTableName, rowKey: string, version: number): void {
    this.deps.db
      .prepare(
        'INSERT INTO sync_row_versions (entity, row_key, version) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET version = max(version, excluded.version)',
      )
      .run(table, rowKey, version);
  }

  private applyChange(table: SyncTableName, change: Change, into: AppliedChanges): void {
    if (syncTables[table].direction === 'server') return this.mirror(table, change);
    if (syncTables[table].direction !== 'shared') return;
    const key = rowKey(table, change.op === 'upsert' ? change.row : change.key);
    if (key !== null && this.deps.outbox.hasPendingEdit(table, key)) return;
    this.write(table, change, into, true);
  }

  private write(table: SyncTableName, change: Change, into: AppliedChanges, keepVersion: boolean): void {
    const row = change.op === 'upsert' ? change.row : change.key;
    const key = rowKey(table, row);
    const applied = change.op === 'upsert' ? this.upsertShared(table, row, into) : this.deleteShared(table, row, into);
    if (!applied || key === null) return;
    if (change.op === 'delete') this.deps.db.prepare('DELETE FROM sync_row_versions WHERE entity = ? AND row_key = ?').run(table, key);
    else if (keepVersion) this.recordVersion(table, key, change.version);
  }

  private upsertShared(table: SyncTableName, row: Row, into: AppliedChanges): boolean {
    const now = typeof row.updated_at === 'string' ? row.updated_at : new Date(this.deps.clock.now()).toISOString();
    const text = (name: string) => (row[name] === undefined || row[name] === null ? null : String(row[name]));
    switch (table) {
      case 'workshops': {
        const id = text('id');
        const startsAt = text('starts_at');
        const zone = text('time_zone') ?? 'UTC';
        if (!id || !startsAt) return false;
        const startsAtLocal = text('starts_at_local') ?? toLocalInput(startsAt, zone);
        // Another desktop's WhatsApp account: not a row here, so the column stays empty
        // locally and the server's value is remembered and sent back with later edits.
        const remoteSession = text('session_id');
        const sessionId = this.existing('whatsapp_sessions', 'id', remoteSession);
        if (remoteSession && !sessionId) this.deps.state.set(foreignSessionKey(id), remoteSession);
        else this.deps.state.delete(foreignSessionKey(id));
        this.deps.db
          .prepare(
            `INSERT INTO workshops (id, name, starts_at, starts_at_local, time_zone, duration_minutes, description, join_link, session_id, group_jid, last_synced_at, created_at, updated_at)
             VALUES (@id, @name, @startsAt, @startsAtLocal, @zone, @duration, @description, @joinLink, @sessionId, @groupJid, @lastSyncedAt, @now, @now)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, starts_at = excluded.starts_at, starts_at_local = excluded.starts_at_local,
               time_zone = excluded.time_zone, duration_minutes = excluded.duration_minutes, description = excluded.description,
               join_link = excluded.join_link, session_id = excluded.session_id, group_jid = excluded.group_jid,
               last_synced_at = excluded.last_synced_at, updated_at = excluded.updated_at`,
          )
          .run({
            id,
            name: text('name') ?? '',
            startsAt,
            startsAtLocal,
            zone,
            duration: Number(row.duration_minutes ?? 60),
            description: text('description') ?? '',
            joinLink: text('join_link') ?? '',
            sessionId,
            groupJid: text('group_jid'),
            lastSyncedAt: text('last_synced_at'),
            now,
          });
        into.workshopIds.add(id);
        return true;
      }
      case 'leads': {
        const phone = text('phone');
        if (!phone) return false;
        this.deps.db
          .prepare(
            `INSERT INTO leads (phone, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (phone) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at`,
          )
          .run(phone, text('name') ?? '', text('email') ?? '', now, now);
        for (const id of this.deps.db
          .prepare('SELECT workshop_id FROM lead_assignments WHERE lead_id = (SELECT id FROM leads WHERE phone = ?)')
          .pluck()
          .all(phone))
          into.workshopIds.add(id as string);
        return true;
      }
      case 'lead_assignments': {
        const workshopId = this.existing('workshops', 'id', text('workshop_id'));
        const phone = text('phone');
        if (!workshopId || !phone) return false;
        this.deps.db
          .prepare("INSERT INTO leads (phone, name, email, created_at, updated_at) VALUES (?, '', '', ?, ?) ON CONFLICT (phone) DO NOTHING")
          .run(phone, now, now);
        this.deps.db
          .prepare(
            'INSERT OR IGNORE INTO lead_assignments (workshop_id, lead_id, created_at) VALUES (?, (SELECT id FROM leads WHERE phone = ?), ?)',
          )
          .run(workshopId, phone, now);
        into.workshopIds.add(workshopId);
        return true;
      }
      case 'message_templates': {
        const id = text('id');
        if (!id) return false;
        this.deps.db
          .prepare(
            `INSERT INTO message_templates (id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, body = excluded.body, updated_at = excluded.updated_at`,
          )
          .run(id, text('name') ?? '', text('body') ?? '', now, now);
        return true;
      }
      case 'workshop_automation_config': {
        const ruleKey = text('rule_key');
        const workshopId = text('workshop_id');
        if (!ruleKey || (workshopId !== null && !this.existing('workshops', 'id', workshopId))) return false;
        upsertAutomationRule(this.deps.db, {
          workshopId,
          ruleKey,
          label: text('label'),
          enabled: toLocalValue(row.enabled) === 1,
          templateId: this.existing('message_templates', 'id', text('template_id')),
          localTime: text('local_time'),
          minutesBefore: row.minutes_before === null || row.minutes_before === undefined ? null : Number(row.minutes_before),
          graceMinutes: Number(row.grace_minutes ?? 10),
          updatedAt: now,
        });
        if (workshopId) into.workshopIds.add(workshopId);
        return true;
      }
      default:
        return false;
    }
  }

  private deleteShared(table: SyncTableName, key: Row, into: AppliedChanges): boolean {
    const text = (name: string) => (key[name] === undefined || key[name] === null ? null : String(key[name]));
    switch (table) {
      case 'workshops':
        this.deps.db.prepare('DELETE FROM workshops WHERE id = ?').run(text('id'));
        into.workshopIds.add(text('id') ?? '');
        return true;
      case 'leads':
        for (const id of this.deps.db
          .prepare('SELECT workshop_id FROM lead_assignments WHERE lead_id = (SELECT id FROM leads WHERE phone = ?)')
          .pluck()
          .all(text('phone')))
          into.workshopIds.add(id as string);
        this.deps.db.prepare('DELETE FROM leads WHERE phone = ?').run(text('phone'));
        return true;
      case 'lead_assignments':
        this.deps.db
          .prepare('DELETE FROM lead_assignments WHERE workshop_id = ? AND lead_id = (SELECT id FROM leads WHERE phone = ?)')
          .run(text('workshop_id'), text('phone'));
        into.workshopIds.add(text('workshop_id') ?? '');
        return true;
      case 'message_templates':
        this.deps.db.prepare('DELETE FROM message_templates WHERE id = ?').run(text('id'));
        return true;
      case 'workshop_automation_config':
        this.deps.db
          .prepare("DELETE FROM workshop_automation_config WHERE coalesce(workshop_id, '') = coalesce(?, '') AND rule_key = ?")
          .run(text('workshop_id'), text('rule_key'));
        if (text('workshop_id')) into.workshopIds.add(text('workshop_id')!);
        return true;
      default:
        return false;
    }
  }

  /** The shop's tables: a plain copy of the server's rows. */
  private mirror(table: SyncTableName, change: Change): void {
    if (change.op === 'delete') {
      this.deps.db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(String(change.key.id));
      return;
    }
    const columns = this.columnsOf(table).filter((column) => column === 'sync_version' || column in change.row);
    const values = columns.map((column) => (column === 'sync_version' ? change.version : toLocalValue(change.row[column])));
    this.deps.db
      .prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
         ON CONFLICT (id) DO UPDATE SET ${columns.map((column) => `${column} = excluded.${column}`).join(', ')}`,
      )
      .run(...values);
  }

  private columnsOf(table: string): string[] {
    let columns = this.mirrorColumns.get(table);
    if (!columns) {
      columns = this.deps.db
        .prepare(`SELECT name FROM pragma_table_info(?)`)
        .pluck()
        .all(table)
        .map((name) => textOf(name, 'name'));
      this.mirrorColumns.set(table, columns);
    }
    return columns;
  }

  /** `value` when a local row has it in `column`, else null (a reference this desktop cannot hold). */
  private existing(table: string, column: string, value: string | null): string | null {
    if (value === null) return null;
    return this.deps.db.prepare(`SELECT 1 FROM ${table} WHERE ${column} = ?`).get(value) ? value : null;
  }

  private setCapture(on: 0 | 1): void {
    this.deps.db.prepare('UPDATE sync_capture SET capturing = ? WHERE id = 1').run(on);
  }
}

/** Set while a table downloads again after a `reset`, until its last page has swept the rows the server no longer has. */
export const resetKey = (table: SyncTableName) => `reset:${table}`;

/** Where the session of a workshop linked on another desktop is remembered. */
export const foreignSessionKey = (workshopId: string) => `foreign-session:${workshopId}`;

/** The same name for a row as the outbox triggers give it (see synced-tables.ts). */
export function rowKey(table: SyncTableName, row: Row): string | null {
  const text = (name: string) => (row[name] === undefined || row[name] === null ? '' : String(row[name]));
  switch (table) {
    case 'leads':
      return text('phone');
    case 'lead_assignments':
      return `${text('workshop_id')} ${text('phone')}`;
    case 'workshop_automation_config':
      return `${text('workshop_id')} ${text('rule_key')}`;
    case 'whatsapp_groups':
      return `${text('session_id')} ${text('group_jid')}`;
    default:
      return row.id === undefined ? null : text('id');
  }
}
