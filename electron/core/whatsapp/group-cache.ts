import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { GroupInfo, GroupMetadataCache } from './whatsapp-transport.js';

/**
 * Group metadata kept in `whatsapp_groups`, served back to Baileys before each group send;
 * without it every send fetches the metadata again, the usual cause of rate-overlimit.
 */
export class GroupCache implements GroupMetadataCache {
  constructor(
    private readonly db: Database,
    private readonly sessionId: string,
    private readonly clock: Clock,
  ) {}

  get(groupJid: string): unknown {
    const json = this.db
      .prepare('SELECT metadata_json FROM whatsapp_groups WHERE session_id = ? AND group_jid = ?')
      .pluck()
      .get(this.sessionId, groupJid) as string | null | undefined;
    return json ? (JSON.parse(json) as unknown) : undefined;
  }

  set(group: GroupInfo, raw: unknown): void {
    this.db
      .prepare(
        `INSERT INTO whatsapp_groups (session_id, group_jid, subject, size, is_admin, addressing_mode, metadata_json, synced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, group_jid) DO UPDATE SET
           subject = excluded.subject, size = excluded.size, is_admin = excluded.is_admin,
           addressing_mode = excluded.addressing_mode, metadata_json = excluded.metadata_json, synced_at = excluded.synced_at`,
      )
      .run(
        this.sessionId,
        group.jid,
        group.subject,
        group.participants.length,
        group.weAreAdmin ? 1 : 0,
        group.addressingMode,
        JSON.stringify(raw),
        new Date(this.clock.now()).toISOString(),
      );
  }
}
