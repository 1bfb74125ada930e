import type { Clock } from '../clock/clock.js';
import { withTimeout } from '../clock/with-timeout.js';
import type { Database } from '../database/open-database.js';
import { textOf } from '../database/row-reader.js';
import type { Logger } from '../logging/logger.js';
import type { SessionSupervisor } from '../whatsapp/session-supervisor.js';
import type { MembershipService } from './membership-service.js';
import type { WorkshopRepository } from './workshop-repository.js';

/**
 * How long registering waits for WhatsApp to name the LIDs behind new phones. Past it the
 * registration is stored anyway and the answer, when it comes, matches them a moment later.
 */
export const LOOKUP_BEFORE_REGISTERING_MS = 3_000;

export interface LidResolverDeps {
  db: Database;
  clock: Clock;
  sessions: SessionSupervisor;
  membership: MembershipService;
  workshops: Pick<WorkshopRepository, 'get'>;
  logger: Logger;
}

/**
 * Registered leads' phones resolved to LIDs ahead of time: WhatsApp shows many group
 * members only by LID, and without this a registered person in the group would count as
 * missing and as "not registered" at once.
 */
export class LidResolver {
  private readonly unresolvedPhones;
  private readonly hasMapping;
  private readonly clock: Clock;
  private readonly sessions: SessionSupervisor;
  private readonly membership: MembershipService;
  private readonly workshops: Pick<WorkshopRepository, 'get'>;
  private readonly logger: Logger;

  constructor(deps: LidResolverDeps) {
    this.clock = deps.clock;
    this.sessions = deps.sessions;
    this.membership = deps.membership;
    this.workshops = deps.workshops;
    this.logger = deps.logger;
    this.unresolvedPhones = deps.db
      .prepare(
        `SELECT l.phone FROM lead_assignments a JOIN leads l ON l.id = a.lead_id
         WHERE a.workshop_id = ? AND NOT EXISTS (SELECT 1 FROM wa_lid_mappings m WHERE m.phone = l.phone)`,
      )
      .pluck();
    this.hasMapping = deps.db.prepare('SELECT 1 FROM wa_lid_mappings WHERE phone = ?').pluck();
  }

  /**
   * Phones about to be registered, looked up on the account of the workshop's group first:
   * committed together afterwards, a registered person WhatsApp shows only by LID is never
   * counted as Missing (and as "in group, not registered") while the answer is on its way.
   * Waits at most LOOKUP_BEFORE_REGISTERING_MS; a slower answer still lands when it comes.
   */
  async beforeRegistering(workshopId: string, phones: readonly string[]): Promise<void> {
    const unknown = [...new Set(phones)].filter((phone) => this.hasMapping.get(phone) === undefined);
    if (unknown.length === 0) return;
    const lookup = this.resolve(workshopId, this.workshops.get(workshopId)?.session_id ?? null, unknown);
    await withTimeout(this.clock, lookup, { ms: LOOKUP_BEFORE_REGISTERING_MS, onTimeout: () => undefined });
  }

  /** Looks up the given phones, or every registered phone without a known LID. Never throws. */
  async resolve(workshopId: string, sessionId: string | null, phones?: string[]): Promise<void> {
    if (!sessionId || !this.sessions.isOpen(sessionId)) return;
    const wanted = phones ?? this.unresolvedPhones.all(workshopId).map((phone) => textOf(phone, 'phone'));
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
