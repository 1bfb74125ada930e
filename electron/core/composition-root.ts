import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ShellKind } from '../../shared/contract/api-contract.js';
import { fail, type Result } from '../../shared/contract/result.js';
import { ApiRouter } from './api/api-router.js';
import { AppInfoService } from './app-info/app-info-service.js';
import { SystemClock, type Clock } from './clock/clock.js';
import { acquireDataDirLock } from './data-dir/data-dir-lock.js';
import { openDatabase } from './database/open-database.js';
import { CoreEvents, type CoreEventListener } from './events/core-events.js';
import { createLogger, type Logger } from './logging/logger.js';
import { KeyFileSecretStore } from './secrets/key-file-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { retireUnreadableCredentials } from './secrets/unreadable-credentials.js';
import { ValueCipher } from './secrets/value-cipher.js';
import { SettingsRepository } from './settings/settings-repository.js';
import { SettingsService } from './settings/settings-service.js';
import { GroupDirectory } from './whatsapp/group-directory.js';
import { sessionHandlers } from './whatsapp/session-handlers.js';
import { AutomationService } from './messages/automation-service.js';
import { messageHandlers } from './messages/message-handlers.js';
import { MessageRepository } from './messages/message-repository.js';
import { MessageSender } from './messages/message-sender.js';
import { MessageService } from './messages/message-service.js';
import { ScheduleGenerator } from './messages/schedule-generator.js';
import { LeadService } from './workshops/lead-service.js';
import { LidResolver } from './workshops/lid-resolver.js';
import { MembershipService } from './workshops/membership-service.js';
import { workshopHandlers } from './workshops/workshop-handlers.js';
import { WorkshopRepository } from './workshops/workshop-repository.js';
import { WorkshopService } from './workshops/workshop-service.js';
import { SessionSupervisor } from './whatsapp/session-supervisor.js';
import { createTransportFactory } from './whatsapp/transport-factory.js';
import type { WhatsAppTransportFactory } from './whatsapp/whatsapp-transport.js';

export const APP_NAME = 'WhatsApp Operator Console';
export const DATABASE_FILE = 'console.sqlite';
export const KEY_FILE = 'secret.key';

export interface CoreDependencies {
  shell: ShellKind;
  /** Folder that holds the database and every other file the console keeps. */
  dataDir: string;
  appVersion: string;
  clock?: Clock;
  logger?: Logger;
  /** Baileys for real accounts and the simulator for the demo, unless a test passes fakes. */
  whatsApp?: WhatsAppTransportFactory;
  /** Protects WhatsApp credentials at rest; a key file in the data folder by default. */
  secretStore?: SecretStore;
  /** Path of a better-sqlite3 build for the current runtime's ABI, when not the default. */
  nativeBinding?: string;
  /** Where the shell writes the log files, shown in Health; none when logs go to a terminal. */
  logFolder?: string;
  /** The shell can make the OS start the console at login (packaged desktop app). */
  startAtLoginSupported?: boolean;
  random?: () => number;
}

export interface Core {
  invoke(method: unknown, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: CoreEventListener): () => void;
  /** Reconnects linked WhatsApp sessions and starts background work. */
  start(): void;
  /** The computer woke up: retry connections now and re-plan the next send. */
  resume(): void;
  readonly settings: SettingsService;
  readonly sessions: SessionSupervisor;
  readonly workshops: WorkshopService;
  readonly membership: MembershipService;
  readonly sender: MessageSender;
  readonly logger: Logger;
  /** Stops timers and connections and closes the database; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The one place where the core's parts are built and wired. Shells and tests call this
 * with their own clock, logger, transports and paths; nothing in the core reaches for globals.
 */
export function createCore(deps: CoreDependencies): Core {
  const clock = deps.clock ?? new SystemClock();
  const logger = deps.logger ?? createLogger();
  mkdirSync(deps.dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = acquireDataDirLock(deps.dataDir);
  let opened: ReturnType<typeof openDatabase>;
  try {
    opened = openDatabase({ path: join(deps.dataDir, DATABASE_FILE), nativeBinding: deps.nativeBinding });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const { db, migration } = opened;
  if (migration.applied.length > 0) logger.info({ from: migration.from, to: migration.to }, 'database migrated');

  const secretStore: SecretStore = deps.secretStore ?? new KeyFileSecretStore(join(deps.dataDir, KEY_FILE));
  let cipher: ValueCipher;
  try {
    cipher = new ValueCipher(secretStore.loadDataKey());
  } catch (error) {
    db.close();
    releaseLock();
    throw error;
  }
  if (!secretStore.locked) {
    const retired = retireUnreadableCredentials(db, cipher, new Date(clock.now()).toISOString());
    if (retired.length > 0) logger.warn({ sessions: retired }, 'stored WhatsApp credentials could not be decrypted; those accounts must be linked again');
  }
  const events = new CoreEvents();
  const settings = new SettingsService(new SettingsRepository(db), events, clock);
  const groups = new GroupDirectory(db, clock, logger.child({ module: 'groups' }));
  const sessions = new SessionSupervisor({
    groups,
    db,
    factory: deps.whatsApp ?? createTransportFactory(),
    clock,
    logger: logger.child({ module: 'sessions' }),
    events,
    cipher,
    dataDir: deps.dataDir,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const workshopRepository = new WorkshopRepository(db);
  const membership = new MembershipService(db, events, clock, logger.child({ module: 'membership' }), (groupJid) =>
    workshopRepository.byGroup(groupJid).map((row) => row.id),
  );
  const lids = new LidResolver(db, sessions, membership, logger.child({ module: 'lids' }));
  const automation = new AutomationService(db, clock);
  automation.ensureDefaults();
  const messageRepository = new MessageRepository(db);
  const sender = new MessageSender({
    db,
    repository: messageRepository,
    sessions,
    clock,
    logger: logger.child({ module: 'sender' }),
    events,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const generator = new ScheduleGenerator(db, automation, clock);
  // The whole queue of a workshop may have moved: `id` is empty to say "refetch the list".
  const queueChanged = (workshopId: string) => events.emit('messages:changed', { id: '', workshopId });
  const reschedule = (workshopId: string) => {
    if (generator.regenerate(workshopId)) queueChanged(workshopId);
    sender.arm();
  };
  const rescheduleAll = () => {
    for (const workshopId of generator.regenerateAll()) queueChanged(workshopId);
    sender.arm();
  };
  const messages = new MessageService(db, messageRepository, sender, clock, events);
  const workshopService = new WorkshopService(
    db,
    workshopRepository,
    sessions,
    groups,
    membership,
    events,
    clock,
    logger.child({ module: 'workshops' }),
    reschedule,
    lids,
  );
  const leads = new LeadService(db, settings, clock, (workshopId, phones) => {
    void lids.resolve(workshopId, workshopRepository.get(workshopId)?.session_id ?? null, phones);
  });
  sessions.addListener({
    participants: (_sessionId, change) => membership.ingestParticipants(change),
    lidMappings: (_sessionId, pairs) => membership.ingestMappings(pairs, 'whatsapp'),
    groupJoined: (sessionId, group) => groups.upsert(sessionId, group, null),
    groupsChanged: (_sessionId, changed) => {
      for (const group of changed) if (group.subject) groups.rename(group.jid, group.subject);
    },
    receipt: (_sessionId, receipt) => sender.onReceipt(receipt.messageId, receipt.status, receipt.error),
    opened: (sessionId) => {
      sender.arm();
      workshopService.catchUp(sessionId).catch((error: unknown) => logger.warn({ err: error, sessionId }, 'catch-up sync after connecting failed'));
    },
  });

  const appInfo = new AppInfoService(
    { name: APP_NAME, version: deps.appVersion, shell: deps.shell, dataDir: deps.dataDir, startAtLoginSupported: deps.startAtLoginSupported ?? false },
    db,
    clock,
    () => {
      const list = sessions.list();
      return {
        sessions: list.length,
        open: list.filter((session) => session.state === 'open').length,
        needsAttention: list.filter((session) => session.needsAttention).length,
      };
    },
    { protection: secretStore.protection, warning: secretStore.warning },
    deps.logFolder ?? null,
  );

  const router = new ApiRouter(
    {
      'app:info': () => appInfo.info(),
      'app:health': () => appInfo.health(),
      'settings:get': () => settings.get(),
      'settings:set': (patch) => settings.set(patch),
      ...sessionHandlers(sessions, settings),
      ...workshopHandlers(workshopService, leads, groups),
      ...messageHandlers({
        automation,
        messages,
        sender,
        workshops: workshopService,
        sessions,
        reschedule,
        rescheduleAll,
        timeZone: () => settings.get().timeZone,
      }),
    },
    logger.child({ module: 'api' }),
  );

  let stopped = false;
  return {
    invoke: (method, input) =>
      stopped ? Promise.resolve(fail('unavailable', 'The console is shutting down.')) : router.invoke(method, input),
    subscribe: (listener) => events.subscribe(listener),
    start: () => {
      sender.start();
      // With the key locked away the accounts cannot connect; they wait for a restart.
      if (!secretStore.locked) sessions.start();
    },
    resume: () => {
      sessions.retryNow();
      sender.arm();
    },
    settings,
    sessions,
    workshops: workshopService,
    membership,
    sender,
    logger,
    async stop() {
      if (stopped) return;
      stopped = true;
      sender.stop();
      await sessions.stop();
      await membership.whenFlushed();
      db.close();
      releaseLock();
      logger.info('core stopped');
    },
  };
}
