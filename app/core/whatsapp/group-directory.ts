import type { GroupSummary } from '../../../shared/workshops/workshop-schemas.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRow, mapRows, num, text, textOf, textOrNull } from '../database/row-reader.js';
import type { Logger } from '../logging/logger.js';
import type { GroupInfo, WhatsAppConnection } from './whatsapp-transport.js';

const groupRow = columns({
  session_id: text,
  group_jid: text,
  subject: text,
  size: num,
  is_admin: num,
  invite_link: textOrNull,
  synced_at: text,
});
type GroupRow = ReturnType<typeof groupRow>;

const toSummary = (row: GroupRow): GroupSummary => ({
  sessionId: row.session_id,
  jid: row.group_jid,
  subject: row.subject,
  size: row.size,
  isAdmin: Boolean(row.is_admin),
  inviteLink: row.invite_link,
  syncedAt: row.synced_at,
});

/** The groups each session is in, as last synced into `whatsapp_groups`. */
export class GroupDirectory {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  list(sessionId?: string): GroupSummary[] {
    const rows = sessionId
      ? this.db.prepare('SELECT * FROM whatsapp_groups WHERE session_id = ? ORDER BY subject COLLATE NOCASE').all(sessionId)
      : this.db.prepare('SELECT * FROM whatsapp_groups ORDER BY subject COLLATE NOCASE').all();
    return mapRows(rows, groupRow).map(toSummary);
  }

  get(sessionId: string, groupJid: string): GroupSummary | undefined {
    const row = mapRow(
      this.db.prepare('SELECT * FROM whatsapp_groups WHERE session_id = ? AND group_jid = ?').get(sessionId, groupJid),
      groupRow,
    );
    return row ? toSummary(row) : undefined;
  }

  /**
   * One request for every group with its participants; invite links are fetched for the
   * groups where we are admin (others cannot read them). Groups we left disappear.
   */
  async sync(sessionId: string, connection: WhatsAppConnection): Promise<GroupInfo[]> {
    const groups = await connection.listGroups();
    const links = new Map<string, string | null>();
    for (const group of groups.filter((candidate) => candidate.weAreAdmin)) {
      links.set(
        group.jid,
        await connection.inviteLink(group.jid).catch((error: unknown) => {
          this.logger.warn({ err: error, groupJid: group.jid }, 'invite link unavailable');
          return null;
        }),
      );
    }
    const now = new Date(this.clock.now()).toISOString();
    this.db.transaction(() => {
      for (const group of groups) this.upsert(sessionId, group, links.get(group.jid) ?? null, now);
      const kept = new Set(groups.map((group) => group.jid));
      const stored = this.db
        .prepare('SELECT group_jid FROM whatsapp_groups WHERE session_id = ?')
        .pluck()
        .all(sessionId)
        .map((jid) => textOf(jid, 'group_jid'));
      const remove = this.db.prepare('DELETE FROM whatsapp_groups WHERE session_id = ? AND group_jid = ?');
      for (const jid of stored) if (!kept.has(jid)) remove.run(sessionId, jid);
    })();
    return groups;
  }

  upsert(sessionId: string, group: GroupInfo, inviteLink: string | null, now = new Date(this.clock.now()).toISOString()): void {
    this.db
      .prepare(
        `INSERT INTO whatsapp_groups (session_id, group_jid, subject, size, is_admin, invite_link, addressing_mode, synced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, group_jid) DO UPDATE SET subject = excluded.subject, size = excluded.size,
           is_admin = excluded.is_admin, invite_link = coalesce(excluded.invite_link, whatsapp_groups.invite_link),
           addressing_mode = excluded.addressing_mode, synced_at = excluded.synced_at`,
      )
      .run(sessionId, group.jid, group.subject, group.participants.length, group.weAreAdmin ? 1 : 0, inviteLink, group.addressingMode, now);
  }

  /** The participant count a Sync Members found; a group whose count did not change is not written. Says whether it changed. */
  recordSize(sessionId: string, groupJid: string, size: number): boolean {
    const { changes } = this.db
      .prepare('UPDATE whatsapp_groups SET size = ? WHERE session_id = ? AND group_jid = ? AND size <> ?')
      .run(size, sessionId, groupJid, size);
    return changes > 0;
  }

  /** The account left or was removed: the group is no longer one it can send to. */
  forget(sessionId: string, groupJid: string): void {
    this.db.prepare('DELETE FROM whatsapp_groups WHERE session_id = ? AND group_jid = ?').run(sessionId, groupJid);
  }

  rename(groupJid: string, subject: string): void {
    this.db.prepare('UPDATE whatsapp_groups SET subject = ? WHERE group_jid = ?').run(subject, groupJid);
  }
}
