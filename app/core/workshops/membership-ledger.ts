import type { Database } from '../database/open-database.js';
import { columns, mapRow, mapRows, num, numberOf, oneOfThese, sqlRow, text, textOf, textOrNull } from '../database/row-reader.js';
import type { ChangeAuthor, ParticipantAction, ParticipantInfo } from '../whatsapp/whatsapp-transport.js';

export type MembershipSource = 'live' | 'sync';

const memberRow = columns({
  id: num,
  lid: textOrNull,
  phone: textOrNull,
  status: oneOfThese(['active', 'left'] as const),
  is_admin: num,
  joined_at: textOrNull,
});
type MemberRow = ReturnType<typeof memberRow>;

const memberWithLidRow = columns({ group_jid: text, id: num });

/** A plucked text column of a statement that may find nothing: null then. */
function textOrNone(value: unknown, column: string): string | null {
  return value === undefined ? null : textOf(value, column);
}

const EVENT_CHUNK = 200;
type EventRow = [
  group: string,
  memberId: number,
  action: 'joined' | 'left' | 'promoted' | 'demoted',
  source: MembershipSource,
  at: string,
  removedBy: string | null,
];

/**
 * The membership tables: one row per group and person, an event log whose rows are added
 * and never edited (except that merging two rows found to be one person moves that
 * person's events to the row that stays), and the LID ↔ phone table that lets a member
 * first seen only by LID be matched to a lead later.
 * Every method runs inside the caller's transaction; none commits on its own.
 */
export class MembershipLedger {
  private readonly statements;
  /** Event rows of the current batch, written together: one statement per 200 events instead of one each. */
  private pendingEvents: EventRow[] = [];
  /**
   * Counts the times a stored member got a phone or LID, or took over another row's events:
   * either can change who earlier events belong to, so a view built from the log so far
   * must be read again from scratch.
   */
  identityChanges = 0;

  constructor(private readonly db: Database) {
    this.statements = {
      phoneForLid: db.prepare('SELECT phone FROM wa_lid_mappings WHERE lid = ?').pluck(),
      lidForPhone: db.prepare('SELECT lid FROM wa_lid_mappings WHERE phone = ? ORDER BY updated_at DESC LIMIT 1').pluck(),
      upsertMapping: db.prepare(
        `INSERT INTO wa_lid_mappings (lid, phone, source, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (lid) DO UPDATE SET phone = excluded.phone, source = excluded.source, updated_at = excluded.updated_at
         WHERE wa_lid_mappings.phone <> excluded.phone`,
      ),
      byLid: db.prepare('SELECT id, lid, phone, status, is_admin, joined_at FROM workshop_group_members WHERE group_jid = ? AND lid = ?'),
      // Both identities in one lookup (two index probes); two rows back means two rows are one person.
      byEither: db.prepare(
        `SELECT id, lid, phone, status, is_admin, joined_at FROM workshop_group_members WHERE group_jid = ? AND lid = ?
         UNION ALL SELECT id, lid, phone, status, is_admin, joined_at FROM workshop_group_members WHERE group_jid = ? AND phone = ?`,
      ),
      byPhone: db.prepare(
        'SELECT id, lid, phone, status, is_admin, joined_at FROM workshop_group_members WHERE group_jid = ? AND phone = ?',
      ),
      membersWithLid: db.prepare('SELECT group_jid, id FROM workshop_group_members WHERE lid = ? AND phone IS NULL'),
      groupMembers: db.prepare('SELECT id, lid, phone, status, is_admin, joined_at FROM workshop_group_members WHERE group_jid = ?'),
      knownPairs: db.prepare('SELECT lid, phone FROM wa_lid_mappings WHERE lid IN (SELECT value FROM json_each(?))'),
      phonelessLids: db.prepare('SELECT DISTINCT lid FROM workshop_group_members WHERE lid IS NOT NULL AND phone IS NULL').pluck(),
      insert: db.prepare(
        `INSERT INTO workshop_group_members (group_jid, lid, phone, status, joined_at, joined_source, left_at, left_source, is_admin, created_at, updated_at, removed_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      join: db.prepare(
        `UPDATE workshop_group_members SET status = 'active', joined_at = @at, joined_source = @source, left_at = NULL, left_source = NULL,
         removed_by = NULL, is_admin = @isAdmin, updated_at = @at WHERE id = @id`,
      ),
      leave: db.prepare(
        `UPDATE workshop_group_members SET status = 'left', left_at = @at, left_source = @source, removed_by = @removedBy, is_admin = 0,
         updated_at = @at WHERE id = @id`,
      ),
      setAdmin: db.prepare('UPDATE workshop_group_members SET is_admin = ?, updated_at = ? WHERE id = ?'),
      fillIds: db.prepare(
        'UPDATE workshop_group_members SET lid = coalesce(lid, @lid), phone = coalesce(phone, @phone), updated_at = @now WHERE id = @id',
      ),
      event: db.prepare(
        'INSERT INTO membership_events (group_jid, member_id, action, source, occurred_at, removed_by) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      events: db.prepare(
        `INSERT INTO membership_events (group_jid, member_id, action, source, occurred_at, removed_by) VALUES ${Array(EVENT_CHUNK).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`,
      ),
      activeIds: db.prepare("SELECT id FROM workshop_group_members WHERE group_jid = ? AND status = 'active'").pluck(),
      moveEvents: db.prepare('UPDATE membership_events SET member_id = ? WHERE member_id = ?'),
      delete: db.prepare('DELETE FROM workshop_group_members WHERE id = ?'),
      get: db.prepare('SELECT id, lid, phone, status, is_admin, joined_at FROM workshop_group_members WHERE id = ?'),
    };
  }

  /**
   * Runs `work` (inside the caller's transaction) and writes the event rows it produced.
   * Every public method below must be called through here.
   */
  batch<T>(work: () => T): T {
    try {
      const result = work();
      this.writeEvents();
      return result;
    } finally {
      this.pendingEvents = [];
    }
  }

  private event(
    group: string,
    memberId: number,
    action: EventRow[2],
    source: MembershipSource,
    at: string,
    removedBy: string | null = null,
  ): void {
    this.pendingEvents.push([group, memberId, action, source, at, removedBy]);
  }

  private writeEvents(): void {
    const rows = this.pendingEvents;
    this.pendingEvents = [];
    let index = 0;
    for (; index + EVENT_CHUNK <= rows.length; index += EVENT_CHUNK)
      this.statements.events.run(rows.slice(index, index + EVENT_CHUNK).flat());
    for (; index < rows.length; index++) this.statements.event.run(rows[index]);
  }

  /**
   * The pairs `learnMappings` would change anything for: a pair already recorded is a no-op
   * unless some member with that LID still lacks a phone. Every Sync Members lists a
   * thousand pairs that are almost all known; checking them in two queries instead of two
   * statements each is most of what keeps a repeated sync cheap.
   */
  newPairs(pairs: readonly { lid: string; phone: string }[]): { lid: string; phone: string }[] {
    if (pairs.length === 0) return [];
    const known = new Map(
      (this.statements.knownPairs.all(JSON.stringify(pairs.map((pair) => pair.lid))) as { lid: string; phone: string }[]).map((row) => [
        row.lid,
        row.phone,
      ]),
    );
    const phoneless = new Set(this.statements.phonelessLids.all().map((lid) => textOf(lid, 'lid')));
    return pairs.filter(({ lid, phone }) => known.get(lid) !== phone || phoneless.has(lid));
  }

  /** Records LID ↔ phone pairs and fills in, or merges, members they identify. Returns the groups touched. */
  learnMappings(pairs: readonly { lid: string; phone: string }[], source: string, at: string): Set<string> {
    const touched = new Set<string>();
    for (const { lid, phone } of pairs) {
      this.statements.upsertMapping.run(lid, phone, source, at);
      for (const { group_jid: group, id } of mapRows(this.statements.membersWithLid.all(lid), memberWithLidRow)) {
        const samePerson = mapRow(this.statements.byPhone.get(group, phone), memberRow);
        if (samePerson && samePerson.id !== id) this.merge(samePerson.id, id, at);
        else this.statements.fillIds.run({ id, lid, phone, now: at });
        this.identityChanges++;
        touched.add(group);
      }
    }
    return touched;
  }

  /**
   * One live participant event (add, remove, leave, promote, demote) for several people.
   * `by` is who made it; for a remove it is the admin the Left tab names.
   */
  applyEvent(
    group: string,
    action: ParticipantAction,
    participants: readonly ParticipantInfo[],
    at: string,
    by: ChangeAuthor | null = null,
  ): number {
    const removedBy = action === 'remove' ? this.authorId(by) : null;
    let changes = 0;
    for (const participant of participants) {
      const member = this.resolve(group, participant, at);
      switch (action) {
        case 'add':
          changes += this.markJoined(group, member, participant, at, 'live') ? 1 : 0;
          break;
        case 'remove':
        case 'leave':
          changes += this.markLeft(group, member, participant, at, 'live', removedBy) ? 1 : 0;
          break;
        case 'promote':
        case 'demote': {
          const target = member ?? this.insertMember(group, participant, 'active', at, 'live');
          this.statements.setAdmin.run(action === 'promote' ? 1 : 0, at, target.id);
          this.event(group, target.id, action === 'promote' ? 'promoted' : 'demoted', 'live', at);
          changes++;
          break;
        }
      }
    }
    return changes;
  }

  /**
   * Makes the table match the group's participants as WhatsApp lists them now. Joins and
   * leaves found this way happened while nobody was watching: they are stamped with the
   * sync time and marked "sync", never given an invented time.
   */
  reconcile(group: string, participants: readonly ParticipantInfo[], at: string): { synced: number; markedLeft: number } {
    const present = new Set<number>();
    const stored = this.storedMembers(group);
    for (const participant of participants) {
      // Someone already on the table, active, with exactly the ids WhatsApp lists: only their admin flag can differ.
      const same = stored.unchanged(participant);
      if (same) {
        if (Boolean(same.is_admin) !== participant.isAdmin) this.statements.setAdmin.run(participant.isAdmin ? 1 : 0, at, same.id);
        present.add(same.id);
        continue;
      }
      const member = this.resolve(group, participant, at);
      if (member?.status === 'active') {
        if (Boolean(member.is_admin) !== participant.isAdmin) this.statements.setAdmin.run(participant.isAdmin ? 1 : 0, at, member.id);
        present.add(member.id);
      } else {
        this.markJoined(group, member, participant, at, 'sync');
        const joined = this.find(group, participant);
        if (joined) present.add(joined.id);
      }
    }
    let markedLeft = 0;
    for (const id of this.statements.activeIds.all(group).map((value) => numberOf(value, 'id'))) {
      if (present.has(id)) continue;
      this.statements.leave.run({ id, at, source: 'sync', removedBy: null });
      this.event(group, id, 'left', 'sync', at);
      markedLeft++;
    }
    return { synced: participants.length, markedLeft };
  }

  /** The group's rows in one read, to find members a sync finds as they were without a look-up each. */
  private storedMembers(group: string): { unchanged(participant: ParticipantInfo): MemberRow | undefined } {
    const byLid = new Map<string, MemberRow>();
    const byPhone = new Map<string, MemberRow>();
    for (const row of this.statements.groupMembers.all(group) as MemberRow[]) {
      if (row.lid) byLid.set(row.lid, row);
      if (row.phone) byPhone.set(row.phone, row);
    }
    return {
      // Only a participant carrying both ids, both on the same active row, is certain to need no
      // mapping look-up, merge or fill-in; anyone else takes the full path below.
      unchanged: ({ lid, phone }) => {
        const row = lid && phone ? byLid.get(lid) : undefined;
        return row && row.status === 'active' && byPhone.get(phone ?? '') === row ? row : undefined;
      },
    };
  }

  private markJoined(
    group: string,
    member: MemberRow | undefined,
    participant: ParticipantInfo,
    at: string,
    source: MembershipSource,
  ): boolean {
    if (member?.status === 'active') return false;
    const isAdmin = participant.isAdmin ? 1 : 0;
    const id = member
      ? (this.statements.join.run({ id: member.id, at, source, isAdmin }), member.id)
      : this.insertMember(group, participant, 'active', at, source).id;
    this.event(group, id, 'joined', source, at);
    return true;
  }

  private markLeft(
    group: string,
    member: MemberRow | undefined,
    participant: ParticipantInfo,
    at: string,
    source: MembershipSource,
    removedBy: string | null,
  ): boolean {
    if (member?.status === 'left') return false;
    // Someone we never saw join (they joined while the console was off) still left: keep them.
    const id = member
      ? (this.statements.leave.run({ id: member.id, at, source, removedBy }), member.id)
      : this.insertMember(group, participant, 'left', at, source, removedBy).id;
    this.event(group, id, 'left', source, at, removedBy);
    return true;
  }

  /** Finds the row for this person by LID or phone (through the mapping table), merging two rows that turn out to be one person. */
  private resolve(group: string, participant: ParticipantInfo, at: string): MemberRow | undefined {
    const ids = this.identify(participant);
    const rows = mapRows(this.statements.byEither.all(group, ids.lid, group, ids.phone), memberRow);
    const byPhone = rows.find((candidate) => ids.phone !== null && candidate.phone === ids.phone);
    const byLid = rows.find((candidate) => ids.lid !== null && candidate.lid === ids.lid);
    if (byLid && byPhone && byLid.id !== byPhone.id) return this.merge(byPhone.id, byLid.id, at);
    const row = byLid ?? byPhone;
    if (row && ((ids.lid && !row.lid) || (ids.phone && !row.phone))) {
      this.statements.fillIds.run({ id: row.id, lid: ids.lid, phone: ids.phone, now: at });
      this.identityChanges++;
      return this.member(row.id);
    }
    return row;
  }

  private find(group: string, participant: ParticipantInfo): MemberRow | undefined {
    const ids = this.identify(participant);
    const found =
      (ids.lid ? this.statements.byLid.get(group, ids.lid) : undefined) ??
      (ids.phone ? this.statements.byPhone.get(group, ids.phone) : undefined);
    return mapRow(found, memberRow);
  }

  /** How the Left tab names an admin: their phone when known (directly or through the LID table), else their LID. */
  private authorId(by: ChangeAuthor | null): string | null {
    if (!by) return null;
    const ids = this.identify({ jid: by.lid ?? by.phone ?? '', lid: by.lid, phone: by.phone, isAdmin: false });
    return ids.phone ?? ids.lid;
  }

  private identify(participant: ParticipantInfo): { lid: string | null; phone: string | null } {
    const lid = participant.lid ?? (participant.phone ? textOrNone(this.statements.lidForPhone.get(participant.phone), 'lid') : null);
    const phone = participant.phone ?? (lid ? textOrNone(this.statements.phoneForLid.get(lid), 'phone') : null);
    return { lid, phone };
  }

  private insertMember(
    group: string,
    participant: ParticipantInfo,
    status: 'active' | 'left',
    at: string,
    source: MembershipSource,
    removedBy: string | null = null,
  ): MemberRow {
    const ids = this.identify(participant);
    const row = {
      lid: ids.lid,
      phone: ids.phone,
      status,
      joined_at: status === 'active' ? at : null,
      is_admin: participant.isAdmin && status === 'active' ? 1 : 0,
    };
    const result = this.statements.insert.run(
      group,
      row.lid,
      row.phone,
      status,
      row.joined_at,
      status === 'active' ? source : null,
      status === 'left' ? at : null,
      status === 'left' ? source : null,
      row.is_admin,
      at,
      at,
      removedBy,
    );
    return { id: Number(result.lastInsertRowid), ...row };
  }

  /** Two rows turned out to be one person: keep `keepId`, fold the other's ids and history into it. */
  private merge(keepId: number, dropId: number, at: string): MemberRow {
    const drop = this.member(dropId);
    const keep = this.member(keepId);
    this.writeEvents();
    this.identityChanges++;
    this.statements.moveEvents.run(keepId, dropId);
    this.statements.delete.run(dropId);
    this.statements.fillIds.run({ id: keepId, lid: drop.lid, phone: drop.phone, now: at });
    if (drop.status === 'active' && keep.status !== 'active') {
      this.statements.join.run({ id: keepId, at: drop.joined_at ?? at, source: 'live', isAdmin: drop.is_admin });
    }
    return this.member(keepId);
  }

  /** A member row known to exist. */
  private member(id: number): MemberRow {
    return memberRow(sqlRow(this.statements.get.get(id)));
  }
}
