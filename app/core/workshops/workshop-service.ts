import { randomUUID } from 'node:crypto';
import { ApiFailure } from '../../../shared/contract/result.js';
import type {
  MemberRow,
  MemberTab,
  MemberWindow,
  MemberWindowQuery,
  TimelinePoint,
  Workshop,
  WorkshopInputSchema,
} from '../../../shared/workshops/workshop-schemas.js';
import type { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { CoreEvents } from '../events/core-events.js';
import type { Logger } from '../logging/logger.js';
import type { GroupDirectory } from '../whatsapp/group-directory.js';
import type { SessionSupervisor } from '../whatsapp/session-supervisor.js';
import type { GroupInfo } from '../whatsapp/whatsapp-transport.js';
import type { LidResolver } from './lid-resolver.js';
import type { MembershipService } from './membership-service.js';
import { MemberWindows } from './member-windows.js';
import { WorkshopQueries } from './workshop-queries.js';
import type { WorkshopRepository, WorkshopRow } from './workshop-repository.js';
import { instantFromLocal } from '../../../shared/time/local-date-time.js';

type WorkshopInput = z.output<typeof WorkshopInputSchema>;

export interface WorkshopServiceDeps {
  db: Database;
  repository: WorkshopRepository;
  sessions: SessionSupervisor;
  groups: GroupDirectory;
  membership: MembershipService;
  events: CoreEvents;
  clock: Clock;
  logger: Logger;
  /** Reminders follow the workshop: called whenever its time, name, link or group changes. */
  /** Returns what the change did to the reminders still to go, when the schedule says. */
  scheduleChanged: (workshopId: string) => { moved: number; cancelled: number } | void;
  lids: LidResolver;
}

/** Workshops, the group each is linked to, and keeping that group's membership current. */
export class WorkshopService {
  private readonly queries: WorkshopQueries;
  private readonly windows: MemberWindows;
  private readonly repository: WorkshopRepository;
  private readonly sessions: SessionSupervisor;
  private readonly groups: GroupDirectory;
  private readonly membership: MembershipService;
  private readonly events: CoreEvents;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly scheduleChanged: WorkshopServiceDeps['scheduleChanged'];
  private readonly lids: LidResolver;

  constructor(deps: WorkshopServiceDeps) {
    this.queries = new WorkshopQueries(deps.db);
    this.windows = new MemberWindows(deps.db, this.queries);
    this.repository = deps.repository;
    this.sessions = deps.sessions;
    this.groups = deps.groups;
    this.membership = deps.membership;
    this.events = deps.events;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.scheduleChanged = deps.scheduleChanged;
    this.lids = deps.lids;
  }

  list(): Workshop[] {
    return this.repository.list().map((row) => this.toView(row));
  }

  get(id: string): Workshop {
    return this.toView(this.require(id));
  }

  create(input: WorkshopInput): Workshop {
    const id = `ws_${randomUUID()}`;
    this.repository.insert(id, this.fields(input), this.now());
    this.scheduleChanged(id);
    this.changed(id);
    return this.get(id);
  }

  /** Saves the workshop and says how many reminders still to go moved or were cancelled with it. */
  update(id: string, input: Partial<WorkshopInput>): Workshop & { reminders?: { moved: number; cancelled: number } } {
    const current = this.require(id);
    const merged: WorkshopInput = {
      name: input.name ?? current.name,
      startsAtLocal: input.startsAtLocal ?? current.starts_at_local,
      timeZone: input.timeZone ?? current.time_zone,
      durationMinutes: input.durationMinutes ?? current.duration_minutes,
      description: input.description ?? current.description,
      joinLink: input.joinLink ?? current.join_link,
    };
    this.repository.update(id, this.fields(merged), this.now());
    const schedule = this.scheduleChanged(id);
    this.changed(id);
    return { ...this.get(id), ...(schedule ? { reminders: { moved: schedule.moved, cancelled: schedule.cancelled } } : {}) };
  }

  delete(id: string): void {
    this.require(id);
    this.repository.delete(id);
    this.events.emit('workshops:removed', { id });
  }

  async linkGroup(id: string, sessionId: string, groupJid: string): Promise<Workshop> {
    this.require(id);
    if (!this.groups.get(sessionId, groupJid)) {
      throw new ApiFailure('not-found', 'That group is not among this account’s groups. Sync groups and pick it again.');
    }
    // LIDs first: the registrants the group shows only by LID are matched from the link's first read on.
    const open = this.sessions.isOpen(sessionId);
    if (open) await this.lids.resolve(id, sessionId);
    this.repository.update(id, { session_id: sessionId, group_jid: groupJid, last_synced_at: null }, this.now());
    this.scheduleChanged(id);
    this.changed(id);
    if (open) await this.syncMembers(id);
    return this.get(id);
  }

  /** A new WhatsApp group for the workshop, with its invite link as the join link when none was set. */
  async createGroup(id: string, sessionId: string, subject?: string): Promise<Workshop> {
    const workshop = this.require(id);
    const connection = this.sessions.connection(sessionId);
    const group = await connection.createGroup(subject ?? workshop.name, []);
    const inviteLink = await connection.inviteLink(group.jid).catch(() => null);
    this.groups.upsert(sessionId, group, inviteLink, this.now());
    this.repository.update(
      id,
      { session_id: sessionId, group_jid: group.jid, ...(inviteLink && !workshop.join_link ? { join_link: inviteLink } : {}) },
      this.now(),
    );
    await this.membership.reconcile(group.jid, group.participants);
    this.repository.update(id, { last_synced_at: this.now() }, this.now());
    this.scheduleChanged(id);
    this.changed(id);
    return this.get(id);
  }

  unlinkGroup(id: string): Workshop {
    this.require(id);
    this.repository.update(id, { session_id: null, group_jid: null, last_synced_at: null }, this.now());
    this.scheduleChanged(id);
    this.changed(id);
    return this.get(id);
  }

  /** "Sync Members": the group's participants now; absent members become `left`. */
  async syncMembers(id: string): Promise<{ synced: number; marked_left: number; lastSyncedAt: string }> {
    const workshop = this.require(id);
    if (!workshop.group_jid || !workshop.session_id) throw new ApiFailure('conflict', 'Link a WhatsApp group to this workshop first.');
    const group = await this.sessions.connection(workshop.session_id).groupMetadata(workshop.group_jid);
    return this.applySync([id], group, workshop.session_id);
  }

  /**
   * After every (re)connect: one request for all groups, then each linked workshop's
   * membership reconciled, so joins and leaves missed while offline are caught up.
   */
  async catchUp(sessionId: string): Promise<void> {
    const linked = this.repository.bySession(sessionId);
    const groups = await this.groups.sync(sessionId, this.sessions.connection(sessionId));
    this.events.emit('groups:changed', { sessionId });
    const byJid = new Map(groups.map((group) => [group.jid, group]));
    for (const workshop of linked) {
      const group = workshop.group_jid ? byJid.get(workshop.group_jid) : undefined;
      await this.lids.resolve(workshop.id, sessionId);
      if (group) await this.applySync([workshop.id], group);
      else this.logger.warn({ workshopId: workshop.id }, 'linked group not found after reconnect; this account may have left it');
    }
  }

  members(id: string, tab: MemberTab): MemberRow[] {
    const workshop = this.require(id);
    return this.queries.members(id, workshop.group_jid, tab);
  }

  membersWindow({ id, watch, ...query }: MemberWindowQuery): MemberWindow {
    const workshop = this.require(id);
    if (watch) this.membership.views.watchWindow(watch, id, query);
    return this.windows.window(id, workshop.group_jid, query);
  }

  timeline(id: string, watch?: string): TimelinePoint[] {
    const workshop = this.require(id);
    if (watch) return this.membership.views.watchTimeline(watch, id, workshop.group_jid);
    return this.queries.timeline(id, workshop.group_jid);
  }

  unwatch(watch: string): boolean {
    return this.membership.views.unwatch(watch);
  }

  changed(id: string): void {
    this.events.emit('workshops:changed', { id });
  }

  /**
   * "Last synced" is written in the same commit as the members it describes, and so is the
   * group's size: the group panel and the group list then show the count this sync found,
   * not the one from when the groups were last listed.
   */
  private async applySync(
    ids: string[],
    group: GroupInfo,
    sessionId?: string,
  ): Promise<{ synced: number; marked_left: number; lastSyncedAt: string }> {
    let at = this.now();
    let resized = false;
    const { synced, markedLeft } = await this.membership.reconcile(group.jid, group.participants, (now) => {
      at = now;
      for (const id of ids) this.repository.update(id, { last_synced_at: now }, now);
      if (sessionId) resized = this.groups.recordSize(sessionId, group.jid, group.participants.length);
    });
    if (sessionId && resized) this.events.emit('groups:changed', { sessionId });
    for (const id of ids) this.changed(id);
    return { synced, marked_left: markedLeft, lastSyncedAt: at };
  }

  private toView(row: WorkshopRow): Workshop {
    const group = row.session_id && row.group_jid ? this.groups.get(row.session_id, row.group_jid) : undefined;
    return {
      id: row.id,
      name: row.name,
      startsAt: row.starts_at,
      startsAtLocal: row.starts_at_local,
      timeZone: row.time_zone,
      durationMinutes: row.duration_minutes,
      description: row.description,
      joinLink: row.join_link,
      group:
        row.session_id && row.group_jid
          ? {
              sessionId: row.session_id,
              groupJid: row.group_jid,
              subject: group?.subject ?? 'Unknown group',
              size: group?.size ?? 0,
              inviteLink: group?.inviteLink ?? null,
            }
          : null,
      lastSyncedAt: row.last_synced_at,
      stats: this.queries.stats(row.id, row.group_jid),
    };
  }

  private fields(input: WorkshopInput) {
    return {
      name: input.name,
      starts_at: instantFromLocal(input.startsAtLocal, input.timeZone),
      starts_at_local: input.startsAtLocal,
      time_zone: input.timeZone,
      duration_minutes: input.durationMinutes,
      description: input.description,
      join_link: input.joinLink,
    };
  }

  private require(id: string): WorkshopRow {
    const row = this.repository.get(id);
    if (!row) throw new ApiFailure('not-found', 'That workshop no longer exists.');
    return row;
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
