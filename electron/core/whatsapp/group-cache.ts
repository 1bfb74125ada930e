import type { Database } from '../database/open-database.js';
import type { GroupDirectory } from './group-directory.js';
import type { GroupInfo, GroupMetadataCache } from './whatsapp-transport.js';

/**
 * Group metadata kept in `whatsapp_groups`, served back to Baileys before each group send;
 * without it every send fetches the metadata again, the usual cause of rate-overlimit.
 * The group's row itself is the directory's; this adds the transport's raw metadata to it.
 */
export class GroupCache implements GroupMetadataCache {
  constructor(
    private readonly db: Database,
    private readonly sessionId: string,
    private readonly directory: GroupDirectory,
  ) {}

  get(groupJid: string): unknown {
    const json = this.db
      .prepare('SELECT metadata_json FROM whatsapp_groups WHERE session_id = ? AND group_jid = ?')
      .pluck()
      .get(this.sessionId, groupJid) as string | null | undefined;
    return json ? (JSON.parse(json) as unknown) : undefined;
  }

  set(group: GroupInfo, raw: unknown): void {
    this.db.transaction(() => {
      this.directory.upsert(this.sessionId, group, null);
      this.db
        .prepare('UPDATE whatsapp_groups SET metadata_json = ? WHERE session_id = ? AND group_jid = ?')
        .run(JSON.stringify(raw), this.sessionId, group.jid);
    })();
  }
}
