import type { Mutation, RejectionCode, SyncRow } from '../../../shared/sync/sync-protocol.ts';
import { type SyncTableName, syncTables } from '../../../shared/sync/sync-tables.ts';
import type { Tx } from '../_shared/db.ts';
import { appendMembershipEvent, upsertMember } from '../_shared/membership-ingest.ts';
import { type ColumnTypes, fromColumn, toParam } from './column-types.ts';

/**
 * One mutation as SQL, run as the signed-in user inside the push transaction. Every write
 * is the first statement issued, so the caller can pipeline it with its savepoint; what
 * follows is reads only.
 */

export type Outcome =
  | { status: 'applied'; version: number | null }
  | { status: 'existing'; server_row: SyncRow }
  | { status: 'rejected'; code: RejectionCode; reason: string; server_row?: SyncRow | null };

/** A push's seed templates the organisation already had under another id: desktop id → organisation id. */
export type SeedTemplateIds = Map<string, string>;

const reject = (code: RejectionCode, reason: string, server_row?: SyncRow | null): Outcome => ({
  status: 'rejected',
  code,
  reason,
  ...(server_row !== undefined ? { server_row } : {}),
});

const RECEIPT_RANK = `array['server-ack', 'delivered', 'read', 'played']`;

/**
 * Columns an upsert merges rather than overwrites (t = the stored row): receipts only move
 * forward, so a late or replayed "delivered" never replaces "read", and a member's receipt
 * times are the first ones seen (least() skips nulls, so a time once set stays set).
 */
const merged: Partial<Record<SyncTableName, Record<string, string>>> = {
  scheduled_whatsapp_messages: {
    receipt: `case when coalesce(array_position(${RECEIPT_RANK}, excluded.receipt), 0) >= coalesce(array_position(${RECEIPT_RANK}, t.receipt), 0) then excluded.receipt else t.receipt end`,
  },
  message_receipts: {
    delivered_at: 'least(t.delivered_at, excluded.delivered_at)',
    read_at: 'least(t.read_at, excluded.read_at)',
  },
};

/** The SET clause of an upsert for one column. */
export function columnUpdate(table: SyncTableName, column: string): string {
  return `${column} = ${merged[table]?.[column] ?? `excluded.${column}`}`;
}

/** Checks the row's columns and converts its values; a string is the reason it is invalid. */
function bindRow(table: SyncTableName, row: SyncRow, types: ColumnTypes, op: Mutation['op']): Map<string, string | null> | string {
  const spec = syncTables[table];
  const allowed = op === 'delete' ? (spec.key as readonly string[]) : (spec.columns as readonly string[]);
  const values = new Map<string, string | null>();
  for (const [column, value] of Object.entries(row)) {
    if (!allowed.includes(column)) return `${table} has no ${op === 'delete' ? 'key ' : ''}column "${column}"`;
    const param = toParam(value, types[table][column]!);
    if (param === undefined) return `${column}: ${JSON.stringify(value)} is not a ${types[table][column]}`;
    values.set(column, param);
  }
  if (table === 'workshop_group_members') {
    if (!values.get('group_jid') || (!values.get('lid') && !values.get('phone'))) return 'A member needs group_jid and a lid or a phone';
  } else {
    const absent = spec.key.filter(
      (column) => !values.has(column) && !(table === 'workshop_automation_config' && column === 'workshop_id'),
    );
    if (absent.length) return `Missing key column${absent.length > 1 ? 's' : ''} ${absent.join(', ')}`;
  }
  return values;
}

function keyCondition(
  table: SyncTableName,
  values: Map<string, string | null>,
  types: ColumnTypes,
  params: (string | null)[],
  alias = 't',
): string {
  if (table === 'workshop_group_members') {
    params.push(values.get('lid') ?? null, values.get('phone') ?? null);
    const lid = `$${params.length - 1}::text`;
    const phone = `$${params.length}::text`;
    params.push(values.get('group_jid')!);
    return `${alias}.group_jid = $${params.length}::text and ((${alias}.lid = ${lid} and ${lid} is not null) or (${alias}.phone = ${phone} and ${phone} is not null))`;
  }
  return syncTables[table].key
    .map((column) => {
      params.push(values.get(column) ?? null);
      return `${alias}.${column} is not distinct from $${params.length}::text::${types[table][column]}`;
    })
    .join(' and ');
}

/** The server's current row in wire form, with its version, for a conflict answer. */
async function serverRow(
  tx: Tx,
  organizationId: string,
  table: SyncTableName,
  values: Map<string, string | null>,
  types: ColumnTypes,
): Promise<SyncRow | null> {
  const params: (string | null)[] = [organizationId];
  const where = keyCondition(table, values, types, params);
  const columns = [...syncTables[table].columns, 'updated_at'];
  const [row] = await tx.unsafe<Record<string, unknown>[]>(
    `select ${columns.map((c) => `t.${c}`).join(', ')}, t.sync_version from public.${table} t where t.organization_id = $1::uuid and ${where} limit 1`,
    params,
  );
  if (!row) return null;
  const wire: SyncRow = {};
  for (const column of columns) wire[column] = fromColumn(row[column], types[table][column] ?? 'text');
  wire.version = Number(row.sync_version);
  return wire;
}

/** The server's current row for a mutation's key (null when there is none, or the key is not valid). */
export function currentServerRow(tx: Tx, organizationId: string, mutation: Mutation, types: ColumnTypes): Promise<SyncRow | null> {
  const table = mutation.table as SyncTableName;
  const values = bindRow(table, mutation.row, types, mutation.op);
  return typeof values === 'string' ? Promise.resolve(null) : serverRow(tx, organizationId, table, values, types);
}

export function applyMutation(
  tx: Tx,
  organizationId: string,
  mutation: Mutation,
  types: ColumnTypes,
  seedTemplates: SeedTemplateIds = new Map(),
): Promise<Outcome> {
  const table = mutation.table as SyncTableName;
  const spec: { appendOnly?: boolean; direction: string; key: readonly string[] } = syncTables[table];
  const values = bindRow(table, mutation.row, types, mutation.op);
  if (typeof values === 'string') return Promise.resolve(reject('invalid', values));
  if (mutation.seed && mutation.op === 'upsert' && spec.direction === 'shared')
    return applySeed(tx, organizationId, mutation, values, types, seedTemplates);
  if (mutation.op === 'delete' && spec.appendOnly)
    return Promise.resolve(reject('append_only', `${table} is history: rows are never deleted`));

  if (table === 'membership_events') {
    return appendMembershipEvent(tx, organizationId, {
      event_id: values.get('event_id')!,
      group_jid: values.get('group_jid') ?? '',
      lid: values.get('lid') ?? null,
      phone: values.get('phone') ?? null,
      action: values.get('action') ?? '',
      source: values.get('source') ?? '',
      occurred_at: values.get('occurred_at') ?? '',
    }).then((event) => ({ status: 'applied', version: event.version }));
  }

  if (table === 'workshop_group_members' && mutation.op === 'upsert') {
    const { group_jid: groupJid, lid, phone, ...rest } = Object.fromEntries(values);
    return upsertMember(tx, organizationId, { group_jid: groupJid!, lid: lid ?? null, phone: phone ?? null, values: rest }).then(
      (member) => ({
        status: 'applied',
        version: member?.version ?? null,
      }),
    );
  }

  const guarded = spec.direction === 'shared' && mutation.base_version !== undefined;
  const params: (string | null)[] = [organizationId];

  if (mutation.op === 'delete') {
    const where = keyCondition(table, values, types, params);
    if (guarded) params.push(String(mutation.base_version));
    const deleted = tx.unsafe<{ sync_version: string }[]>(
      `delete from public.${table} t where t.organization_id = $1::uuid and ${where}${guarded ? ` and t.sync_version <= $${params.length}::int8` : ''} returning t.sync_version`,
      params,
    );
    return deleted.then(async (rows) => {
      if (rows.length) return { status: 'applied', version: null };
      const current = await serverRow(tx, organizationId, table, values, types);
      if (!current) return { status: 'applied', version: null };
      if (guarded && Number(current.version) > mutation.base_version!)
        return reject('conflict', `${table} row changed on the server after this desktop last saw it`, current);
      return reject('forbidden', `Your role in this organisation may not delete ${table.replace(/_/g, ' ')}`);
    });
  }

  const columns = [...values.keys()];
  const placeholders = columns.map((column) => {
    params.push(values.get(column)!);
    return `$${params.length}::text::${types[table][column]}`;
  });
  const conflictTarget = ['organization_id', ...spec.key].join(', ');
  const updates = columns.filter((column) => !spec.key.includes(column)).map((column) => columnUpdate(table, column));
  if (!updates.length) updates.push(`${spec.key[0]} = excluded.${spec.key[0]}`);
  if (guarded) params.push(String(mutation.base_version));
  const written = tx.unsafe<{ sync_version: string }[]>(
    `insert into public.${table} as t (organization_id, ${columns.join(', ')}) values ($1::uuid, ${placeholders.join(', ')})
     on conflict (${conflictTarget}) do update set ${updates.join(', ')}${guarded ? ` where t.sync_version <= $${params.length}::int8` : ''}
     returning t.sync_version`,
    params,
  );
  return written.then(async (rows) => {
    if (rows[0]) return { status: 'applied', version: Number(rows[0].sync_version) };
    return reject(
      'conflict',
      `${table} row changed on the server after this desktop last saw it`,
      await serverRow(tx, organizationId, table, values, types),
    );
  });
}

/**
 * A row every new console makes for itself: the organisation's own row of that kind stays
 * and is returned (`existing`). A default template is known by its name and text, since
 * each console made up its own id; a reminder rule by its key, pointing at the template
 * the organisation has.
 */
async function applySeed(
  tx: Tx,
  organizationId: string,
  mutation: Mutation,
  values: Map<string, string | null>,
  types: ColumnTypes,
  seedTemplates: SeedTemplateIds,
): Promise<Outcome> {
  const table = mutation.table as SyncTableName;
  if (table === 'message_templates') {
    const [same] = await tx.unsafe<{ id: string }[]>(
      `select t.id from public.message_templates t
       where t.organization_id = $1::uuid and (t.id = $2::text or (t.name = $3::text and t.body = $4::text))
       order by (t.id = $2::text) desc, t.sync_version limit 1`,
      [organizationId, values.get('id') ?? null, values.get('name') ?? null, values.get('body') ?? null],
    );
    if (same) {
      if (same.id !== values.get('id')) seedTemplates.set(values.get('id')!, same.id);
      const row = await serverRow(tx, organizationId, table, new Map([['id', same.id]]), types);
      if (row) return { status: 'existing', server_row: row };
    }
  } else {
    const templateId = values.get('template_id');
    const organizationTemplate = templateId ? seedTemplates.get(templateId) : undefined;
    if (organizationTemplate) values.set('template_id', organizationTemplate);
    const row = await serverRow(tx, organizationId, table, values, types);
    if (row) return { status: 'existing', server_row: row };
    if (organizationTemplate) mutation = { ...mutation, row: { ...mutation.row, template_id: organizationTemplate } };
  }
  return applyMutation(tx, organizationId, { ...mutation, seed: false, base_version: 0 }, types, seedTemplates);
}

interface PostgresError {
  code?: string;
  constraint_name?: string;
  table_name?: string;
  message?: string;
}

/** A Postgres error that says the mutation itself is wrong (it will never apply), or null for a transient failure. */
export function rejectionFor(error: unknown, table: string): Outcome | null {
  const e = error as PostgresError;
  const code = typeof e?.code === 'string' ? e.code : '';
  const what = e.constraint_name ? ` (${e.constraint_name})` : '';
  if (code === '23503') return reject('missing_reference', `It refers to a row that does not exist${what}`);
  if (code === '23505') return reject('constraint', `Another ${table.replace(/_/g, ' ')} row already has these values${what}`);
  if (code.startsWith('23')) return reject('constraint', `A value is not allowed${what}`);
  if (code.startsWith('22')) return reject('invalid', `A value has the wrong form: ${e.message ?? code}`);
  if (code === '42501') return reject('forbidden', 'Your role in this organisation may not make this change');
  if (code === 'P0001' && /append-only/.test(e.message ?? '')) return reject('append_only', `${table} is history: rows are never changed`);
  return null;
}
