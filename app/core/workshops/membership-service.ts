import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { withoutFlush } from '../database/without-flush.js';
import type { CoreEvents } from '../events/core-events.js';
import type { Logger } from '../logging/logger.js';
import type { ParticipantChange, ParticipantInfo } from '../whatsapp/whatsapp-transport.js';
import { LiveViews } from './live-views.js';
import { MembershipLedger } from './membership-ledger.js';
import { WorkshopQueries } from './workshop-queries.js';
import type { WorkshopRepository } from './workshop-repository.js';

type Operation = (at: string) => Iterable<string>;

export interface MembershipServiceDeps {
  db: Database;
  events: CoreEvents;
  clock: Clock;
  logger: Logger;
  /** Which workshops a group's change concerns, named in each `members:changed`. */
  workshops: Pick<WorkshopRepository, 'byGroup'>;
}

/**
 * Applies live membership events and syncs. Live events are queued and committed together
 * on the next turn of the event loop (group commit): a burst of 500 joins is one
 * transaction and one `members:changed` per group, not 500 of each.
 */
export class MembershipService {
  readonly ledger: MembershipLedger;
  /** The tables and timelines pages keep open; each change carries them re-read. */
  readonly views: LiveViews;
  private queue: Operation[] = [];
  private flushing: Promise<void> | null = null;
  private readonly db: Database;
  private readonly events: CoreEvents;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly workshops: Pick<WorkshopRepository, 'byGroup'>;
  private readonly queries: WorkshopQueries;

  constructor(deps: MembershipServiceDeps) {
    this.db = deps.db;
    this.events = deps.events;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.workshops = deps.workshops;
    this.ledger = new MembershipLedger(deps.db);
    this.views = new LiveViews({ db: deps.db, events: deps.events, identityChanges: () => this.ledger.identityChanges });
    this.queries = new WorkshopQueries(deps.db);
  }

  ingestParticipants(change: ParticipantChange): void {
    const at = new Date(change.at).toISOString();
    this.enqueue(() =>
      this.ledger.applyEvent(change.groupJid, change.action, change.participants, at, change.by ?? null) > 0 ? [change.groupJid] : [],
    );
  }

  ingestMappings(pairs: readonly { lid: string; phone: string }[], source: string): void {
    if (pairs.length > 0) this.enqueue((at) => this.ledger.learnMappings(pairs, source, at));
  }

  /**
   * Sync: the group as WhatsApp lists it now becomes the truth, in one transaction, which
   * also runs `alongside` (the caller's own "last synced" stamps). It does not wait for the
   * disk flush: everything it writes is read from WhatsApp again by the next sync.
   */
  async reconcile(
    groupJid: string,
    participants: readonly ParticipantInfo[],
    alongside?: (at: string) => void,
  ): Promise<{ synced: number; markedLeft: number }> {
    await this.whenFlushed();
    const at = new Date(this.clock.now()).toISOString();
    const result = withoutFlush(this.db, () =>
      this.db
        .transaction(() =>
          this.ledger.batch(() => {
            this.ledger.learnMappings(
              this.ledger.newPairs(
                participants.flatMap((member) => (member.lid && member.phone ? [{ lid: member.lid, phone: member.phone }] : [])),
              ),
              'group-metadata',
              at,
            );
            const outcome = this.ledger.reconcile(groupJid, participants, at);
            alongside?.(at);
            return outcome;
          }),
        )
        .immediate(),
    );
    this.announce([groupJid]);
    return result;
  }

  /** Resolves once everything queued so far is committed. */
  whenFlushed(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  private enqueue(operation: Operation): void {
    this.queue.push(operation);
    this.flushing ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        try {
          this.flush();
        } finally {
          this.flushing = null;
          resolve();
        }
      }),
    );
  }

  private flush(): void {
    const operations = this.queue.splice(0);
    const at = new Date(this.clock.now()).toISOString();
    const touched = new Set<string>();
    try {
      // Live membership is WhatsApp's to tell again (the sync at the next connect), so its
      // commit does not wait for the disk flush either: most of a join's time on screen.
      withoutFlush(this.db, () =>
        this.db
          .transaction(() =>
            this.ledger.batch(() => {
              for (const operation of operations) for (const group of operation(at)) touched.add(group);
            }),
          )
          .immediate(),
      );
    } catch (error) {
      // Nothing was written; the next sync of these groups catches up from WhatsApp itself.
      this.logger.error({ err: error, operations: operations.length }, 'membership events could not be stored');
      return;
    }
    this.announce(touched);
  }

  /**
   * Each event carries the committed cards of every workshop on the group and the tables
   * and timelines open pages watch, all read after the same commit: an open page shows the
   * change at once, cards and rows from one moment, instead of asking for them again.
   */
  private announce(groups: Iterable<string>): void {
    for (const groupJid of groups) {
      const workshopIds = this.workshops.byGroup(groupJid).map((row) => row.id);
      const workshopStats = workshopIds.map((id) => ({ id, stats: this.queries.stats(id, groupJid) }));
      const views = this.views.read(workshopStats, groupJid);
      this.events.emit('members:changed', { groupJid, workshopIds, workshopStats, ...(views.length > 0 ? { views } : {}) });
    }
  }
}
