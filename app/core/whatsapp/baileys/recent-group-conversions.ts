import type { GroupInfo } from '../whatsapp-transport.js';

/**
 * Our conversions of the groups read most recently, each under the digest of the metadata it
 * came from: a repeated Sync Members of a 1,000-member group reuses its conversion instead of
 * redoing a thousand. Bounded, least recently read dropped first: an account in hundreds of big
 * groups would otherwise keep every member list in memory for the life of the socket, beside
 * the copy in SQLite that sends are served from.
 */
export class RecentGroupConversions {
  private readonly entries = new Map<string, { digest: string; group: GroupInfo }>();

  constructor(private readonly limit: number) {}

  /** The conversion of exactly this metadata while it is kept; reading it makes it the most recent. */
  get(jid: string, digest: string): GroupInfo | undefined {
    const entry = this.entries.get(jid);
    if (entry?.digest !== digest) return undefined;
    this.entries.delete(jid);
    this.entries.set(jid, entry);
    return entry.group;
  }

  set(jid: string, digest: string, group: GroupInfo): void {
    this.entries.delete(jid);
    this.entries.set(jid, { digest, group });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limit) break;
      this.entries.delete(oldest);
    }
  }

  /** The groups whose conversion is kept, least recently read first. */
  kept(): string[] {
    return [...this.entries.keys()];
  }
}
