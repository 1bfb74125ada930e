import type { Database } from '../database/open-database.js';
import { mapRow, textOrNull } from '../database/row-reader.js';
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
    const json = this.storedJson(groupJid);
    return json ? (JSON.parse(json) as unknown) : undefined;
  }

  /**
   * Writes only metadata that differs from what is stored: a Sync Members that finds the
   * group as it was costs no write (and no disk flush) here. Callers that want the row's
   * freshness recorded stamp it in their own transaction.
   */
  set(group: GroupInfo, json: string): void {
    if (json === this.storedJson(group.jid)) return;
    this.db.transaction(() => {
      this.directory.upsert(this.sessionId, group, null);
      this.db
        .prepare('UPDATE whatsapp_groups SET metadata_json = ? WHERE session_id = ? AND group_jid = ?')
        .run(json, this.sessionId, group.jid);
    })();
  }

  private storedJson(groupJid: string): string | null | undefined {
    return mapRow(
      this.db.prepare('SELECT metadata_json FROM whatsapp_groups WHERE session_id = ? AND group_jid = ?').get(this.sessionId, groupJid),
      (row) => textOrNull(row, 'metadata_json'),
    );
  }
}
