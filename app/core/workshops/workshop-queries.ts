import type { MemberRow, MemberTab, TimelinePoint, WorkshopStats } from '../../../shared/workshops/workshop-schemas.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRows, num, oneOfTheseOrNull, sqlRow, text, textOrNull } from '../database/row-reader.js';

const memberSources = ['live', 'sync'] as const;

/** A row of any tab: Missing's leads carry NULL in the member columns. */
export const rawMemberRow = columns({
  id: num,
  lid: textOrNull,
  phone: textOrNull,
  name: textOrNull,
  registered: num,
  joined_at: textOrNull,
  joined_source: oneOfTheseOrNull(memberSources),
  left_at: textOrNull,
  left_source: oneOfTheseOrNull(memberSources),
  removed_by: textOrNull,
  is_admin: num,
});
export type RawMember = ReturnType<typeof rawMemberRow>;

const statsRow = columns({
  registered: num,
  inGroup: num,
  left: num,
  leftNotRegistered: num,
  inGroupNotRegistered: num,
  unknownPhone: num,
});

const registrationHourRow = columns({ hour: text, count: num, first: text, last: text });

/**
 * The member `m` is a registered lead of this workshop: a probe per member (the lead by
 * phone, then its assignment by primary key), where `m.phone IN (<every registered phone>)`
 * would build a list of 50,000 phones on each read.
 */
const isRegisteredMember = `EXISTS (SELECT 1 FROM leads l JOIN lead_assignments a ON a.workshop_id = @workshop AND a.lead_id = l.id WHERE l.phone = m.phone)`;
const memberColumns = `m.id, m.lid, m.phone, m.joined_at, m.joined_source, m.left_at, m.left_source, m.removed_by, m.is_admin`;

/**
 * Not the coordinator's own account: the linked WhatsApp account is a member of every group it
 * manages, and counting it as "in group, not registered" would make every new group read 1.
 */
const notOwnAccount = `(m.phone IS NULL OR m.phone <> coalesce((SELECT s.phone FROM whatsapp_sessions s WHERE s.id = (SELECT w.session_id FROM workshops w WHERE w.id = @workshop)), ''))`;

const workshopCreatedAt = '(SELECT w.created_at FROM workshops w WHERE w.id = @workshop)';
/** A member row that counts as "left" for this workshop: they left while the workshop existed. */
const leftSinceCreated = `m.status = 'left' AND m.left_at >= ${workshopCreatedAt}`;
/** The row that puts a registered lead in In Group or Left; a lead without one is Missing. */
export const accountedFor = `m.group_jid = @group AND m.phone = l.phone AND (m.status = 'active' OR (${leftSinceCreated}))`;

/**
 * The rows of each tab, unordered, every one with the same columns, so a window can search
 * and sort any of them the same way. Missing lists leads: no member columns of its own.
 */
export const memberTabSource: Record<MemberTab, string> = {
  missing: `
        SELECT l.id, NULL AS lid, l.phone, l.name, l.name_folded, 1 AS registered, NULL AS joined_at, NULL AS joined_source,
               NULL AS left_at, NULL AS left_source, NULL AS removed_by, 0 AS is_admin
        FROM lead_assignments a JOIN leads l ON l.id = a.lead_id
        WHERE a.workshop_id = @workshop
          AND NOT EXISTS (SELECT 1 FROM workshop_group_members m WHERE ${accountedFor})`,
  left: `
        SELECT ${memberColumns}, l.name, l.name_folded, 1 AS registered
        FROM lead_assignments a JOIN leads l ON l.id = a.lead_id
        JOIN workshop_group_members m ON m.group_jid = @group AND m.phone = l.phone AND ${leftSinceCreated}
        WHERE a.workshop_id = @workshop`,
  'left-not-registered': `
        SELECT ${memberColumns}, NULL AS name, NULL AS name_folded, 0 AS registered
        FROM workshop_group_members m
        WHERE m.group_jid = @group AND ${leftSinceCreated}
          AND (m.phone IS NULL OR NOT ${isRegisteredMember})`,
  'in-group': `
        SELECT ${memberColumns}, l.name, l.name_folded, 1 AS registered
        FROM lead_assignments a JOIN leads l ON l.id = a.lead_id
        JOIN workshop_group_members m ON m.group_jid = @group AND m.phone = l.phone AND m.status = 'active'
        WHERE a.workshop_id = @workshop`,
  'not-registered': `
        SELECT ${memberColumns}, l.name, l.name_folded, 0 AS registered
        FROM workshop_group_members m
        LEFT JOIN leads l ON l.phone = m.phone
        WHERE m.group_jid = @group AND m.status = 'active' AND ${notOwnAccount}
          AND (m.phone IS NULL OR NOT ${isRegisteredMember})`,
};

/**
 * The hot read queries, exported so a test can check their plans use indexes. The cards
 * partition the registered leads: each one is In Group (a member now), Left (joined, then
 * left after the workshop was created) or Missing (everyone else, including people who left
 * the group before this workshop existed). Members who match no registration are counted
 * apart, in the group and among the leavers.
 */
export const workshopQuerySql = {
  // Missing is not counted here: the partition makes it Registered - In Group - Left, which
  // spares a probe for each of 50,000 leads. Every count runs over the group's members.
  stats: `
        SELECT
          (SELECT count(*) FROM lead_assignments WHERE workshop_id = @workshop) AS registered,
          (SELECT count(*) FROM workshop_group_members m WHERE m.group_jid = @group AND m.status = 'active' AND ${isRegisteredMember}) AS inGroup,
          (SELECT count(*) FROM workshop_group_members m WHERE m.group_jid = @group AND ${leftSinceCreated} AND ${isRegisteredMember}) AS "left",
          (SELECT count(*) FROM workshop_group_members m WHERE m.group_jid = @group AND ${leftSinceCreated}
             AND (m.phone IS NULL OR NOT ${isRegisteredMember})) AS leftNotRegistered,
          (SELECT count(*) FROM workshop_group_members m WHERE m.group_jid = @group AND m.status = 'active' AND ${notOwnAccount}
             AND (m.phone IS NULL OR NOT ${isRegisteredMember})) AS inGroupNotRegistered,
          (SELECT count(*) FROM workshop_group_members m WHERE m.group_jid = @group AND m.status = 'active' AND m.phone IS NULL) AS unknownPhone`,
  // Only what varies: for 50,000 rows, each column read costs more than the query itself.
  missing: `
        SELECT l.id, l.phone, l.name
        FROM lead_assignments a JOIN leads l ON l.id = a.lead_id
        WHERE a.workshop_id = @workshop
          AND NOT EXISTS (SELECT 1 FROM workshop_group_members m WHERE ${accountedFor})
        ORDER BY l.name, l.phone`,
  left: `${memberTabSource.left} ORDER BY m.left_at DESC`,
  leftNotRegistered: `${memberTabSource['left-not-registered']} ORDER BY m.left_at DESC`,
  inGroup: `${memberTabSource['in-group']} ORDER BY m.joined_at DESC`,
  notRegistered: `${memberTabSource['not-registered']} ORDER BY m.joined_at DESC`,
  events: `
        SELECT e.id, e.occurred_at AS at, e.action, ${isRegisteredMember} AS registered
        FROM membership_events e JOIN workshop_group_members m ON m.id = e.member_id
        WHERE e.group_jid = @group AND e.action IN ('joined', 'left')
        ORDER BY e.occurred_at, e.id`,
  // A live change's own events: the newest rows of the log by id (ids only grow), not a walk of the group's history.
  eventsAfter: `
        SELECT e.id, e.occurred_at AS at, e.action, ${isRegisteredMember} AS registered
        FROM membership_events e JOIN workshop_group_members m ON m.id = e.member_id
        WHERE e.id > @after AND +e.group_jid = @group AND e.action IN ('joined', 'left')
        ORDER BY e.occurred_at, e.id`,
  // Registrations per UTC hour (ISO strings: the first 13 characters are the hour), so a
  // 50,000-lead timeline folds a few hundred rows, not 50,000.
  registrations: `
        SELECT substr(created_at, 1, 13) || ':00:00.000Z' AS hour, count(*) AS count, min(created_at) AS first, max(created_at) AS last
        FROM lead_assignments WHERE workshop_id = @workshop GROUP BY 1 ORDER BY 1`,
};

/**
 * The read side of a workshop: stats cards, tabs and the timeline. Leads and members meet
 * on the phone column, which the ledger keeps filled from the LID table, so a LID member
 * is matched to a lead as soon as WhatsApp reveals the phone.
 */
export class WorkshopQueries {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      stats: db.prepare(workshopQuerySql.stats),
      missing: db.prepare(workshopQuerySql.missing),
      left: db.prepare(workshopQuerySql.left),
      leftNotRegistered: db.prepare(workshopQuerySql.leftNotRegistered),
      inGroup: db.prepare(workshopQuerySql.inGroup),
      notRegistered: db.prepare(workshopQuerySql.notRegistered),
      events: db.prepare(workshopQuerySql.events),
      eventsAfter: db.prepare(workshopQuerySql.eventsAfter),
      registrations: db.prepare(workshopQuerySql.registrations),
    };
  }

  stats(workshop: string, group: string | null): WorkshopStats {
    const row = statsRow(sqlRow(this.statements.stats.get({ workshop, group: group ?? '' })));
    const missing = row.registered - row.inGroup - row.left;
    return { ...row, missing, joinRate: row.registered === 0 ? 0 : row.inGroup / row.registered };
  }

  members(workshop: string, group: string | null, tab: MemberTab): MemberRow[] {
    const statement = {
      missing: this.statements.missing,
      left: this.statements.left,
      'left-not-registered': this.statements.leftNotRegistered,
      'in-group': this.statements.inGroup,
      'not-registered': this.statements.notRegistered,
    }[tab];
    if (tab === 'missing') {
      const leads = statement.all({ workshop, group: group ?? '' }) as Pick<RawMember, 'id' | 'phone' | 'name'>[];
      return leads.map((row) => ({
        key: `lead:${row.id}`,
        name: row.name || null,
        phone: row.phone,
        lid: null,
        registered: true,
        joinedAt: null,
        joinedSeenAt: null,
        leftAt: null,
        leftSeenAt: null,
        isAdmin: false,
      }));
    }
    const rows = statement.all({ workshop, group: group ?? '' }) as RawMember[];
    return rows.map((row) => memberRow(row, 'member'));
  }

  /**
   * Registered leads in the group against registered, bucketed by hour (by day past a
   * week), with the joins and leaves of each bucket. Replays the event log, so a person
   * who left and came back counts once at every point.
   */
  timeline(workshop: string, group: string | null): TimelinePoint[] {
    return timelinePoints(this.timelineEvents(workshop, group, 0), this.registrationHours(workshop));
  }

  /** The group's joins and leaves after event `after` (0: all), in the order the timeline replays them. */
  timelineEvents(workshop: string, group: string | null, after: number): TimelineEvent[] {
    if (!group) return [];
    return (
      after === 0 ? this.statements.events.all({ workshop, group }) : this.statements.eventsAfter.all({ workshop, group, after })
    ) as TimelineEvent[];
  }

  registrationHours(workshop: string): RegistrationHour[] {
    return mapRows(this.statements.registrations.all({ workshop }), registrationHourRow);
  }
}

export interface TimelineEvent {
  id: number;
  at: string;
  action: 'joined' | 'left';
  registered: number;
}

export type RegistrationHour = ReturnType<typeof registrationHourRow>;

/** Timeline order: by time, then by the order the events were stored in. */
export function timelineOrder(a: TimelineEvent, b: TimelineEvent): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id;
}

/** Folds events (in `timelineOrder`) and registrations per hour into the timeline's points. */
export function timelinePoints(events: readonly TimelineEvent[], registrationRows: readonly RegistrationHour[]): TimelinePoint[] {
  const hours = registrationRows.map((row) => ({ at: Date.parse(row.hour), count: row.count }));
  const times = [
    ...(events.length > 0 ? [Date.parse(events[0]!.at), Date.parse(events.at(-1)!.at)] : []),
    ...(registrationRows.length > 0 ? [Date.parse(registrationRows[0]!.first), Date.parse(registrationRows.at(-1)!.last)] : []),
  ];
  if (times.length === 0) return [];
  const start = Math.min(...times);
  const end = Math.max(...times);
  const bucketMs = end - start > 7 * 86_400_000 ? 86_400_000 : 3_600_000;
  const first = Math.floor(start / bucketMs) * bucketMs;
  const points: TimelinePoint[] = [];
  let inGroup = 0;
  let registered = 0;
  let eventIndex = 0;
  let registrationIndex = 0;
  for (let bucket = first; bucket <= end; bucket += bucketMs) {
    const bucketEnd = bucket + bucketMs;
    let joins = 0;
    let leaves = 0;
    while (eventIndex < events.length && Date.parse(events[eventIndex]!.at) < bucketEnd) {
      const event = events[eventIndex++]!;
      if (event.action === 'joined') joins++;
      else leaves++;
      if (event.registered) inGroup = Math.max(0, inGroup + (event.action === 'joined' ? 1 : -1));
    }
    while (registrationIndex < hours.length && hours[registrationIndex]!.at < bucketEnd) {
      registered += hours[registrationIndex++]!.count;
    }
    points.push({ at: new Date(bucket).toISOString(), inGroup, registered, joins, leaves });
  }
  return points;
}

/** A row as the tabs show it; Missing rows are leads, the others group members. */
export function memberRow(row: RawMember, kind: 'lead' | 'member'): MemberRow {
  return {
    key: `${kind}:${row.id}`,
    name: row.name || null,
    phone: row.phone,
    lid: row.lid,
    registered: Boolean(row.registered),
    joinedAt: row.joined_at,
    joinedSeenAt: row.joined_source,
    leftAt: row.left_at,
    leftSeenAt: row.left_source,
    removedBy: row.removed_by,
    isAdmin: Boolean(row.is_admin),
  };
}
