import { WhoAmIResponseSchema, SYNC_PROTOCOL_VERSION } from '../../../shared/sync/sync-protocol.js';
import type { BackendStatus, Organisation } from '../../../shared/backend/backend-status.js';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { BackendAuth, BackendProject } from '../backend/backend-auth.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRows, num, oneOfThese, text, textOf } from '../database/row-reader.js';
import type { Logger } from '../logging/logger.js';
import { SyncFailure, type DesktopSyncClient } from './desktop-sync-client.js';
import type { Outbox } from './outbox.js';
import type { AppliedChanges } from './pull-applier.js';
import { syncTableNames, syncTables, type SyncTableName } from '../../../shared/sync/sync-tables.js';
import type { SyncEngine } from './sync-engine.js';
import type { SyncPoke } from './sync-poke.js';
import type { SyncStateStore } from './sync-state-store.js';

const ORGANISATION_KEY = 'organisation';

const conflictRow = columns({
  id: num,
  entity: text,
  row_key: text,
  reason: oneOfThese(['stale', 'rejected'] as const),
  message: text,
  local_payload: text,
  detected_at: text,
});

const conflictSubjects: Record<string, string> = {
  workshops: 'Workshop',
  leads: 'Registration',
  lead_assignments: 'Registration for a workshop',
  message_templates: 'Message template',
  workshop_automation_config: 'Reminder rule',
};

export interface SyncServiceDeps {
  db: Database;
  auth: BackendAuth;
  state: SyncStateStore;
  outbox: Outbox;
  engine: SyncEngine;
  client: DesktopSyncClient;
  poke: SyncPoke;
  logger: Logger;
  clock: Clock;
  /** Pushes `sync:changed` to the UI. */
  publish: (status: BackendStatus) => void;
  /** Makes what a new console starts with (the default templates and reminder rules) where they are missing. */
  startingRows: () => void;
  /** Local rows went away (the organisation was left): refresh the pages and the reminder schedule. */
  onRemoved: (changes: AppliedChanges) => void;
}

/**
 * What this console holds of an organisation, children before parents: the workshop data
 * both sides edit and the queue that belongs to those workshops. The WhatsApp accounts,
 * groups and who is in them stay: they are this computer's view of WhatsApp, uploaded to
 * whichever organisation it syncs with.
 */
const organisationTables = [
  'message_receipts',
  'scheduled_whatsapp_messages',
  'lead_assignments',
  'workshop_automation_config',
  'workshops',
  'leads',
  'message_templates',
] as const;

/**
 * Settings → Hosted backend: the project, who is signed in, which organisation this
 * database syncs with, and the loop's state. Signed out (or never configured) the
 * console works as before; changes made meanwhile wait in the outbox.
 */
export class SyncService {
  private stopPoke: (() => void) | null = null;
  private signedIn: { id: string; email: string } | null = null;

  constructor(private readonly deps: SyncServiceDeps) {}

  async start(): Promise<void> {
    this.signedIn = await this.deps.auth.user().catch(() => null);
    this.listen();
    this.deps.engine.start();
    this.publish();
  }

  async stop(): Promise<void> {
    this.stopPoke?.();
    this.stopPoke = null;
    await this.deps.engine.stop();
    await this.deps.auth.stop();
  }

  organisation(): Organisation | null {
    return this.deps.state.get<Organisation>(ORGANISATION_KEY);
  }

  /** The organisation to sync with, or null while signed out: the loop does nothing then. */
  activeOrganisationId(): string | null {
    return this.signedIn ? (this.organisation()?.id ?? null) : null;
  }

  async status(): Promise<BackendStatus> {
    const loop = this.deps.engine.status();
    const active = this.activeOrganisationId() !== null;
    const conflicts = mapRows(
      this.deps.db
        .prepare(
          'SELECT id, entity, row_key, reason, message, local_payload, detected_at FROM sync_conflicts WHERE dismissed_at IS NULL ORDER BY id DESC LIMIT 50',
        )
        .all(),
      conflictRow,
    );
    return {
      project: this.deps.auth.project(),
      user: this.signedIn,
      organisation: this.organisation(),
      sync: {
        state: active ? loop.state : 'off',
        lastSyncedAt: this.deps.state.get<string>('lastSyncedAt'),
        pending: this.deps.outbox.pending(),
        lastError: active ? loop.lastError : null,
        progress: active ? loop.progress : null,
        clockSkewMs: active ? loop.clockSkewMs : null,
        conflicts: conflicts.map((row) => ({
          id: row.id,
          subject: describe(row.entity, row.local_payload),
          reason: row.reason,
          message: row.message,
          detectedAt: row.detected_at,
        })),
      },
    };
  }

  async configure(project: BackendProject): Promise<BackendStatus> {
    await this.deps.auth.configure(project);
    await this.refreshUser();
    return this.status();
  }

  async signInWithPassword(email: string, password: string): Promise<BackendStatus> {
    await this.deps.auth.signInWithPassword(email, password);
    return this.afterSignIn();
  }

  async sendCode(email: string): Promise<{ sent: true }> {
    await this.deps.auth.sendCode(email);
    return { sent: true };
  }

  async verifyCode(email: string, code: string): Promise<BackendStatus> {
    await this.deps.auth.verifyCode(email, code);
    return this.afterSignIn();
  }

  async signOut(): Promise<BackendStatus> {
    await this.deps.auth.signOut();
    await this.refreshUser();
    return this.status();
  }

  async organisations(): Promise<Organisation[]> {
    try {
      const answer = await this.deps.client.call({ protocol: SYNC_PROTOCOL_VERSION, kind: 'whoami' }, WhoAmIResponseSchema);
      return answer.organizations.map((org) => ({ id: org.id, name: org.name, role: org.role }));
    } catch (error) {
      if (error instanceof SyncFailure) throw new ApiFailure(error.kind === 'signed-out' ? 'forbidden' : 'unavailable', error.message);
      throw error;
    }
  }

  /**
   * Binds this database to an organisation. The first time, or for another organisation,
   * everything the desktop holds is uploaded from scratch (a snapshot replaces the outbox)
   * and every download starts over.
   */
  async chooseOrganisation(id: string): Promise<BackendStatus> {
    const organisation = (await this.organisations()).find((candidate) => candidate.id === id);
    if (!organisation) throw new ApiFailure('not-found', 'You are not a member of that organisation.');
    const current = this.organisation();
    if (current?.id !== id) {
      const pending = this.deps.outbox.pending();
      if (current && pending > 0)
        throw new ApiFailure(
          'conflict',
          `${pending} change${pending === 1 ? ' has' : 's have'} not reached ${current.name} yet. Press “Sync now” and switch once nothing is waiting, so nothing is lost.`,
        );
      const removed = this.deps.db.transaction(() => {
        const left = current ? this.forgetOrganisation() : null;
        this.deps.state.deletePrefix('cursor:');
        this.deps.state.deletePrefix('reset:');
        this.deps.db.prepare('DELETE FROM sync_reset_marks').run();
        this.deps.state.delete('lastSyncedAt');
        this.deps.db.prepare('DELETE FROM sync_row_versions').run();
        this.deps.db.prepare('DELETE FROM sync_conflicts').run();
        for (const table of syncTableNames.filter((name) => syncTables[name].direction === 'server'))
          this.deps.db.prepare(`DELETE FROM ${table}`).run();
        if (current) this.deps.startingRows();
        this.deps.outbox.startFresh();
        this.deps.state.set(ORGANISATION_KEY, organisation);
        return left;
      })();
      if (removed) this.deps.onRemoved(removed);
    } else {
      this.deps.state.set(ORGANISATION_KEY, organisation);
    }
    this.listen();
    this.deps.engine.request('now');
    this.publish();
    return this.status();
  }

  /**
   * Removes the organisation's rows from this console (capture off: the server keeps
   * them). Runs inside the switch's transaction, before the new organisation's snapshot.
   */
  private forgetOrganisation(): AppliedChanges {
    const db = this.deps.db;
    const workshopIds = new Set(
      db
        .prepare('SELECT id FROM workshops')
        .pluck()
        .all()
        .map((id) => textOf(id, 'id')),
    );
    let rows = 0;
    db.prepare('UPDATE sync_capture SET capturing = 0 WHERE id = 1').run();
    for (const table of organisationTables) rows += db.prepare(`DELETE FROM ${table}`).run().changes;
    this.deps.state.deletePrefix('foreign-session:');
    return { tables: new Set<SyncTableName>(organisationTables), workshopIds, rows };
  }

  async syncNow(): Promise<BackendStatus> {
    if (!this.activeOrganisationId())
      throw new ApiFailure('invalid-input', 'Sign in and choose an organisation first (Settings → Hosted backend).');
    await this.deps.engine.syncNow();
    return this.status();
  }

  dismissConflict(id: number): Promise<BackendStatus> {
    this.deps.db.prepare('UPDATE sync_conflicts SET dismissed_at = ? WHERE id = ?').run(new Date(this.deps.clock.now()).toISOString(), id);
    this.publish();
    return this.status();
  }

  /** Who is signed in may have changed (supabase-js refreshed, or gave up on, the session). */
  async authChanged(): Promise<void> {
    await this.refreshUser();
    this.listen();
    if (this.signedIn) this.deps.engine.request('now');
    this.publish();
  }

  publish(): void {
    void this.status().then(this.deps.publish, (error: unknown) => this.deps.logger.warn({ err: error }, 'sync status unavailable'));
  }

  private async afterSignIn(): Promise<BackendStatus> {
    await this.refreshUser();
    if (!this.organisation()) {
      const organisations = await this.organisations().catch(() => []);
      if (organisations.length === 1) return this.chooseOrganisation(organisations[0]!.id);
    }
    this.listen();
    this.deps.engine.request('now');
    return this.status();
  }

  private async refreshUser(): Promise<void> {
    this.signedIn = await this.deps.auth.user().catch(() => null);
  }

  private listen(): void {
    this.stopPoke?.();
    this.stopPoke = null;
    const organisationId = this.activeOrganisationId();
    if (organisationId) this.stopPoke = this.deps.poke.listen(organisationId, () => this.deps.engine.request('poke'));
  }
}

function describe(entity: string, payload: string): string {
  const subject = conflictSubjects[entity] ?? entity.replaceAll('_', ' ');
  try {
    const row = JSON.parse(payload) as Record<string, unknown>;
    const name = row.name ?? row.phone ?? row.rule_key;
    return typeof name === 'string' && name ? `${subject} “${name}”` : subject;
  } catch {
    return subject;
  }
}
