import type { Queryable } from './db.ts';

/**
 * The one way a membership change reaches Postgres, whoever reports it: a desktop pushing
 * its members and events (desktop-sync) or a team's own Baileys server posting join/leave
 * (whatsapp-membership-webhook). Callers hold the organisation's write lock
 * (`begin_sync_write`), so matching a member by LID or phone and inserting it when absent
 * cannot race.
 */

export interface MemberState {
  group_jid: string;
  lid: string | null;
  phone: string | null;
  /** Columns to set; a column not given keeps the stored value (or its default on insert). */
  values: Partial<Record<'status' | 'joined_at' | 'joined_source' | 'left_at' | 'left_source' | 'is_admin', string | boolean | null>>;
  /** Apply only when this change is at least as recent as the member's last join/leave (webhook replays arrive late). */
  notBefore?: string;
}

/**
 * Values travel as text and are cast in SQL: postgres.js would otherwise serialise each
 * parameter by the type Postgres describes for it (the string "true" for a bool parameter
 * becomes false, a timestamp loses its microseconds).
 */
const MEMBER_COLUMN_TYPES = {
  status: 'text',
  joined_at: 'timestamptz',
  joined_source: 'text',
  left_at: 'timestamptz',
  left_source: 'text',
  is_admin: 'bool',
} as const;

/** Returns the member's new version, or null when the change was older than what is stored. */
export async function upsertMember(db: Queryable, organizationId: string, member: MemberState): Promise<{ version: number } | null> {
  const columns = Object.keys(member.values).filter((name): name is keyof typeof MEMBER_COLUMN_TYPES => name in MEMBER_COLUMN_TYPES);
  const params: (string | null)[] = [organizationId, member.group_jid, member.lid, member.phone, member.notBefore ?? null];
  const placeholders = columns.map((column) => {
    const value = member.values[column];
    params.push(value === null || value === undefined ? null : String(value));
    return `$${params.length}::text::${MEMBER_COLUMN_TYPES[column]}`;
  });
  const sets = columns.map((column, i) => `${column} = ${placeholders[i]}`);
  const rows = await db.unsafe<{ sync_version: string }[]>(
    `with found as (
       select id from public.workshop_group_members
       where organization_id = $1::uuid and group_jid = $2::text
         and ((lid = $3::text and $3::text is not null) or (phone = $4::text and $4::text is not null))
       order by (lid is not distinct from $3::text) desc
       limit 1
     ), changed as (
       update public.workshop_group_members m
       set lid = coalesce($3::text, m.lid), phone = coalesce($4::text, m.phone)${sets.length ? `, ${sets.join(', ')}` : ''}
       from found
       where m.id = found.id
         and ($5::text is null or coalesce(greatest(m.joined_at, m.left_at), '-infinity') <= $5::text::timestamptz)
       returning m.sync_version
     ), added as (
       insert into public.workshop_group_members (organization_id, group_jid, lid, phone${columns.map((c) => `, ${c}`).join('')})
       select $1::uuid, $2::text, $3::text, $4::text${placeholders.map((p) => `, ${p}`).join('')}
       where not exists (select 1 from found)
       returning sync_version
     )
     select sync_version from changed union all select sync_version from added`,
    params,
  );
  return rows[0] ? { version: Number(rows[0].sync_version) } : null;
}

export interface MembershipEvent {
  event_id: string;
  group_jid: string;
  lid: string | null;
  phone: string | null;
  action: string;
  source: string;
  occurred_at: string;
}

/** Appends once: a replayed event_id inserts nothing and reports the stored event's version. */
export async function appendMembershipEvent(
  db: Queryable,
  organizationId: string,
  event: MembershipEvent,
): Promise<{ version: number; inserted: boolean }> {
  const rows = await db.unsafe<{ sync_version: string; inserted: boolean }[]>(
    `with added as (
       insert into public.membership_events (organization_id, event_id, group_jid, lid, phone, action, source, occurred_at)
       values ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text::timestamptz)
       on conflict (organization_id, event_id) do nothing
       returning sync_version
     )
     select sync_version, true as inserted from added
     union all
     select sync_version, false from public.membership_events
     where organization_id = $1::uuid and event_id = $2::text and not exists (select 1 from added)`,
    [organizationId, event.event_id, event.group_jid, event.lid, event.phone, event.action, event.source, event.occurred_at],
  );
  return { version: Number(rows[0]?.sync_version ?? 0), inserted: rows[0]?.inserted ?? false };
}

/** Takes the organisation's write lock for the rest of the transaction (and checks the caller may write). */
export async function beginOrganizationWrite(db: Queryable, organizationId: string): Promise<void> {
  await db.unsafe('select public.begin_sync_write($1::uuid)', [organizationId]);
}
