import { EncryptedSessionStorage } from '../backend/encrypted-session-storage.js';
import { BackendAuth } from '../backend/backend-auth.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { CoreEvents } from '../events/core-events.js';
import type { Logger } from '../logging/logger.js';
import type { ValueCipher } from '../secrets/value-cipher.js';
import { DesktopSyncClient } from './desktop-sync-client.js';
import { Outbox } from './outbox.js';
import { PullApplier, type AppliedChanges } from './pull-applier.js';
import { tenantColumn } from '../../../shared/sync/sync-tables.js';
import { defaultSyncTiming, pulledTables, SyncEngine, type SyncTiming } from './sync-engine.js';
import { RealtimeSyncPoke, type SyncPoke } from './sync-poke.js';
import { SyncService } from './sync-service.js';
import { SyncStateStore } from './sync-state-store.js';

export interface SyncOptions {
  /** Every HTTP call to the backend (auth and functions); the platform's fetch by default. */
  fetch?: typeof fetch;
  /** Supabase Realtime by default. */
  poke?: (auth: BackendAuth) => SyncPoke;
  timing?: Partial<SyncTiming>;
}

export interface SyncParts {
  db: Database;
  cipher: ValueCipher;
  clock: Clock;
  random: () => number;
  logger: Logger;
  events: CoreEvents;
  options: SyncOptions;
  /** Rows the CRM changed arrived, or the rows of an organisation left were removed: refresh what depends on them (pages, the reminder schedule). */
  onApplied: (changes: AppliedChanges) => void;
  /** Makes the default templates and reminder rules where they are missing (after leaving an organisation). */
  startingRows: () => void;
}

/** Builds the hosted-backend sync: auth, outbox, loop and the service the handlers call. */
export function createSync(parts: SyncParts): { service: SyncService; auth: BackendAuth; localChange: () => void } {
  const logger = parts.logger.child({ module: 'sync' });
  const state = new SyncStateStore(parts.db);
  const timing = { ...defaultSyncTiming, ...parts.options.timing };
  let service: SyncService | null = null;
  const auth = new BackendAuth({
    state,
    storage: new EncryptedSessionStorage(parts.db, parts.cipher),
    logger,
    ...(parts.options.fetch ? { fetch: parts.options.fetch } : {}),
    onChange: () => void service?.authChanged(),
  });
  const outbox = new Outbox(parts.db, state);
  const applier = new PullApplier({ db: parts.db, outbox, state, logger, clock: parts.clock });
  const client = new DesktopSyncClient(auth, parts.clock, timing.requestTimeoutMs);
  const poke = parts.options.poke
    ? parts.options.poke(auth)
    : new RealtimeSyncPoke(
        () => auth.client(),
        pulledTables.map((table) => ({ table, byOrganisation: tenantColumn(table) === 'organization_id' })),
      );
  const engine = new SyncEngine({
    db: parts.db,
    state,
    outbox,
    applier,
    client,
    clock: parts.clock,
    random: parts.random,
    logger,
    timing,
    organisationId: () => service?.activeOrganisationId() ?? null,
    pokeLive: () => poke.live,
    onStatus: () => service?.publish(),
    onApplied: parts.onApplied,
    onRestart: () => logger.warn('the backend lost its record of this desktop; uploading everything again'),
  });
  service = new SyncService({
    db: parts.db,
    auth,
    state,
    outbox,
    engine,
    client,
    poke,
    logger,
    clock: parts.clock,
    publish: (status) => parts.events.emit('sync:changed', status),
    startingRows: parts.startingRows,
    onRemoved: parts.onApplied,
  });
  let lastSeen = outbox.lastSeq();
  return {
    service,
    // The signed-in session, for the other functions the console calls as the user (send-reply).
    auth,
    // Called for every change the core announces; a cycle only when the outbox grew.
    localChange: () => {
      const last = outbox.lastSeq();
      if (last !== lastSeen) engine.request('local-change');
      lastSeen = last;
    },
  };
}
