import type { Database } from '../database/open-database.js';
import type { Logger } from '../logging/logger.js';
import type { SessionSupervisor } from '../whatsapp/session-supervisor.js';
import type { MembershipService } from './membership-service.js';

/**
 * Registered leads' phones resolved to LIDs ahead of time: WhatsApp shows many group
 * members only by LID, and without this a registered person in the group would count as
 * missing and as "not registered" at once.
 */
export class LidResolver {
  private readonly unresolvedPhones;

  constructor(
    db: Database,
    private readonly sessions: SessionSupervisor,
    private readonly membership: MembershipService,
    private readonly logger: Logger,
  ) {
    this.unresolvedPhones = db
      .prepare(
        `SELECT l.phone FROM lead_assignments a JOIN leads l ON l.id = a.lead_id
         WHERE a.workshop_id = ? AND NOT EXISTS (SELECT 1 FROM wa_lid_mappings m WHERE m.phone = l.phone)`,
      )
      .pluck();
  }

  /** Looks up the given phones, or every registered phone without a known LID. Never throws. */
  async resolve(workshopId: string, sessionId: string | null, phones?: string[]): Promise<void> {
    if (!sessionId || !this.sessions.isOpen(sessionId)) return;
    const wanted = phones ?? (this.unresolvedPhones.all(workshopId) as string[]);
    if (wanted.length === 0) return;
    try {
      const pairs = await this.sessions.connection(sessionId).lookupLids(wanted);
      this.membership.ingestMappings(pairs, 'lid-lookup');
      await this.membership.whenFlushed();
    } catch (error) {
      this.logger.warn({ err: error, workshopId, phones: wanted.length }, 'looking up LIDs for leads failed');
    }
  }
}
