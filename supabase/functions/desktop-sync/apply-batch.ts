import type { Mutation } from '../../../shared/sync/sync-protocol.ts';
import { type SyncTableName, syncTables } from '../../../shared/sync/sync-tables.ts';
import type { Tx } from '../_shared/db.ts';
import { columnUpdate, type Outcome } from './apply-mutation.ts';
import { type ColumnTypes, toParam } from './column-types.ts';
import { kept } from './prepared.ts';

/**
 * The fast path of a push: one multi-row statement per table instead of one statement per
 * mutation (an outbox drained after a day offline is thousands of member rows and events).
 * Taken only when the result is the same as applying the mutations one by one in seq
 * order — plain upserts, the same columns in every row of a table, every parent row
 * (session, workshop, lead, template) before the rows that refer to it, and no member
 * named twice in different ways — otherwise null, and the caller goes one by one.
 * A statement Postgres refuses throws; the caller rolls the savepoint back and goes one by
 * one to find the mutation at fault.
 */

/** Foreign keys between synced tables: child → parents. */
const parents: Partial<Record<SyncTableName, SyncTableName[]>> = {
  whatsapp_groups: ['whatsapp_sessions'],
  workshops: ['whatsapp_sessions'],
  lead_assignments: ['workshops', 'leads'],
  workshop_automation_config: ['workshops', 'message_templates'],
  scheduled_whatsapp_messages: ['workshops'],
  message_receipts: ['scheduled_whatsapp_messages'],
};

interface Group {
  table: SyncTableName;
  columns: string[];
  /** Last mutation per key, in seq order; `seqs` lists every mutation it stands for. */
  rows: { key: string; values: Map<string, string | null>; seqs: number[] }[];
}

function plan(pending: Mutation[], types: ColumnTypes): Group[] | null {
  if (pending.some((m) => m.op !== 'upsert' || m.base_version !== undefined || m.seed)) return null;
  const groups = new Map<SyncTableName, Group & { first: number; last: number; byKey: Map<string, Group['rows'][number]> }>();
  for (const mutation of pending) {
    const table = mutation.table as SyncTableName;
    const spec = syncTables[table];
    const columns = Object.keys(mutation.row).sort();
    const values = new Map<string, string | null>();
    for (const column of columns) {
      if (!(spec.columns as readonly string[]).includes(column)) return null;
      const param = toParam(mutation.row[column], types[table][column]!);
      if (param === undefined) return null;
      values.set(column, param);
    }
    if (spec.key.some((column) => !values.has(column) && !(table === 'workshop_automation_config' && column === 'workshop_id'))) {
      if (table !== 'workshop_group_members') return null;
    }
    let group = groups.get(table);
    if (!group) {
      group = { table, columns, rows: [], first: mutation.seq, last: mutation.seq, byKey: new Map() };
      groups.set(table, group);
    }
    if (group.columns.join() !== columns.join()) return null;
    group.last = mutation.seq;
    const key = JSON.stringify(spec.key.map((column) => values.get(column) ?? null));
    const same = group.byKey.get(key);
    if (same) {
      // History keeps the first version of an event; any other row takes the last upsert.
      if (!(spec as { appendOnly?: boolean }).appendOnly) same.values = values;
      same.seqs.push(mutation.seq);
    } else {
      const row = { key, values, seqs: [mutation.seq] };
      group.byKey.set(key, row);
      group.rows.push(row);
    }
  }
  for (const group of groups.values()) {
    for (const parent of parents[group.table] ?? []) {
      const p = groups.get(parent);
      if (p && p.last > group.first) return null;
    }
    if (group.table === 'workshop_group_members') {
      // One member per LID and per phone in the batch, or the matching depends on order.
      const lids = new Set<string>();
      const phones = new Set<string>();
      for (const row of group.rows) {
        const groupJid = row.values.get('group_jid');
        const lid = row.values.get('lid');
        const phone = row.values.get('phone');
        if (!groupJid || (!lid && !phone)) return null;
        if (lid && lids.has(`${groupJid} ${lid}`)) return null;
        if (phone && phones.has(`${groupJid} ${phone}`)) return null;
        if (lid) lids.add(`${groupJid} ${lid}`);
        if (phone) phones.add(`${groupJid} ${phone}`);
      }
    }
  }
  return [...groups.values()].sort((a, b) => a.first - b.first);
}

function recordset(group: Group, types: ColumnTypes): { json: string; definition: string } {
  const definition = ['ord int', ...group.columns.map((column) => `${column} ${types[group.table][column]}`)].join(', ');
  const json = JSON.stringify(group.rows.map((row, ord) => ({ ord, ...Object.fromEntries(row.values) })));
  return { json, definition };
}

async function applyGroup(tx: Tx, organizationId: string, group: Group, types: ColumnTypes): Promise<(number | null)[]> {
  const { json, definition } = recordset(group, types);
  const spec: { key: readonly string[] } = syncTables[group.table];
  const cols = group.columns;
  let rows: { ord: number; sync_version: string | null }[];
  if (group.table === 'membership_events') {
    rows = await tx.unsafe(
      `with input as (select * from jsonb_to_recordset($2::text::jsonb) as r(${definition})),
       added as (
         insert into public.membership_events as t (organization_id, ${cols.join(', ')})
         select $1::uuid, ${cols.map((c) => `i.${c}`).join(', ')} from input i order by i.ord
         on conflict (organization_id, event_id) do nothing
         returning t.event_id, t.sync_version)
       select i.ord, coalesce(a.sync_version, (
         select e.sync_version from public.membership_events e where e.organization_id = $1::uuid and e.event_id = i.event_id)) as sync_version
       from input i left join added a on a.event_id = i.event_id`,
      [organizationId, json],
      kept,
    );
  } else if (group.table === 'workshop_group_members') {
    const others = cols.filter((c) => !['group_jid', 'lid', 'phone'].includes(c));
    const has = (c: string) => cols.includes(c);
    // The member named by LID (preferred), else by phone: one equality join each, which
    // Postgres hashes on the whole key. One join on "LID or phone" could only hash on the
    // group and compared every input row with every member of the group (quadratic).
    const match = (by: 'lid' | 'phone', preference: number) =>
      `select i.ord, m.id, ${preference} as preference from input i
       join public.workshop_group_members m on m.organization_id = $1::uuid and m.group_jid = i.group_jid and m.${by} = i.${by}`;
    // Inserted rows find their input row again by the same key, for the same reason. A lid
    // or phone is never '' (both have format checks), so '' can stand for "none" in an
    // equality Postgres hashes; "is not distinct from" it cannot, and compared every new
    // member with every input row of its group.
    const same = (c: 'lid' | 'phone') => (has(c) ? `coalesce(i.${c}, '') = coalesce(a.${c}, '')` : `a.${c} is null`);
    rows = await tx.unsafe(
      `with input as (select * from jsonb_to_recordset($2::text::jsonb) as r(${definition})),
       found as (
         select distinct on (x.ord) x.ord, x.id from (${[...(has('lid') ? [match('lid', 0)] : []), ...(has('phone') ? [match('phone', 1)] : [])].join(' union all ') || 'select null::int as ord, null::bigint as id, 0 as preference where false'}) x
         order by x.ord, x.preference),
       changed as (
         update public.workshop_group_members m
         set ${[...(has('lid') ? ['lid = coalesce(i.lid, m.lid)'] : []), ...(has('phone') ? ['phone = coalesce(i.phone, m.phone)'] : []), ...others.map((c) => `${c} = i.${c}`), 'group_jid = m.group_jid'].join(', ')}
         from found f join input i on i.ord = f.ord
         where m.id = f.id
         returning f.ord, m.sync_version),
       added as (
         insert into public.workshop_group_members (organization_id, ${cols.join(', ')})
         select $1::uuid, ${cols.map((c) => `i.${c}`).join(', ')} from input i
         where not exists (select 1 from found f where f.ord = i.ord) order by i.ord
         returning group_jid, lid, phone, sync_version)
       select ord, sync_version from changed
       union all
       select i.ord, a.sync_version from added a join input i on i.group_jid = a.group_jid and ${same('lid')} and ${same('phone')}`,
      [organizationId, json],
      kept,
    );
  } else {
    const updates = cols.filter((c) => !spec.key.includes(c));
    const setList = updates.length
      ? updates.map((c) => columnUpdate(group.table, c)).join(', ')
      : `${spec.key[0]} = excluded.${spec.key[0]}`;
    const keyJoin = spec.key.map((k) => `i.${k} is not distinct from w.${k}`).join(' and ');
    rows = await tx.unsafe(
      `with input as (select * from jsonb_to_recordset($2::text::jsonb) as r(${definition})),
       written as (
         insert into public.${group.table} as t (organization_id, ${cols.join(', ')})
         select $1::uuid, ${cols.map((c) => `i.${c}`).join(', ')} from input i order by i.ord
         on conflict (${['organization_id', ...spec.key].join(', ')}) do update set ${setList}
         returning ${spec.key.map((k) => `t.${k}`).join(', ')}, t.sync_version)
       select i.ord, w.sync_version from written w join input i on ${keyJoin}`,
      [organizationId, json],
      kept,
    );
  }
  const versions: (number | null)[] = group.rows.map(() => null);
  for (const row of rows) versions[row.ord] = row.sync_version === null ? null : Number(row.sync_version);
  return versions;
}

/** Outcomes per seq, or null when this batch must go one mutation at a time. */
export async function applyBatched(
  tx: Tx,
  organizationId: string,
  pending: Mutation[],
  types: ColumnTypes,
): Promise<Map<number, Outcome> | null> {
  const groups = plan(pending, types);
  if (!groups) return null;
  const outcomes = new Map<number, Outcome>();
  await tx.savepoint(async (sp) => {
    for (const group of groups) {
      const versions = await applyGroup(sp, organizationId, group, types);
      group.rows.forEach((row, i) => {
        for (const seq of row.seqs) outcomes.set(seq, { status: 'applied', version: versions[i] ?? null });
      });
    }
  });
  return outcomes;
}
