import { join } from 'node:path';
import type { ShellKind } from '../../shared/contract/api-contract.js';
import { fail, type Result } from '../../shared/contract/result.js';
import { ApiRouter } from './api/api-router.js';
import { AppInfoService } from './app-info/app-info-service.js';
import { SystemClock, type Clock } from './clock/clock.js';
import { AccountEventLog } from './accounts/account-event-log.js';
import { accountEventHandlers } from './accounts/account-handlers.js';
import { AlertLog } from './alerts/alert-log.js';
import { alertHandlers } from './alerts/alert-handlers.js';
import { appInfoHandlers } from './app-info/app-info-handlers.js';
import { openDataDir } from './data-dir/open-data-dir.js';
import { CoreEvents, type CoreEventListener } from './events/core-events.js';
import { createLogger, type Logger } from './logging/logger.js';
import { KeyFileSecretStore } from './secrets/key-file-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { openCipher } from './secrets/open-cipher.js';
import { SettingsRepository } from './settings/settings-repository.js';
import { settingsHandlers } from './settings/settings-handlers.js';
import { SettingsService } from './settings/settings-service.js';
import { createSync, type SyncOptions } from './sync/create-sync.js';
import { syncHandlers } from './sync/sync-handlers.js';
import { createCampaigns } from './campaigns/create-campaigns.js';
import { InboxQueries } from './shop/inbox-queries.js';
import { InboxSearchIndex } from './shop/inbox-search-index.js';
import { ShopBadgeCount } from './shop/shop-badge.js';
import { OrderQueries } from './shop/order-queries.js';
import { ShopFunctions } from './shop/shop-functions.js';
import { shopHandlers } from './shop/shop-handlers.js';
import { shopTables } from './shop/shop-tables.js';
import { ShopNotifier } from './shop/shop-notifier.js';
import type { SyncService } from './sync/sync-service.js';
import { GroupDirectory } from './whatsapp/group-directory.js';
import { groupHandlers } from './whatsapp/group-handlers.js';
import { sessionHandlers } from './whatsapp/session-handlers.js';
import { demoHandlers } from './whatsapp/simulator/demo-handlers.js';
import { AutomationService } from './messages/automation-service.js';
import { messageHandlers } from './messages/message-handlers.js';
import { MessageRepository } from './messages/message-repository.js';
import { MessageSender } from './messages/message-sender.js';
import { MessageService } from './messages/message-service.js';
import { MessageText } from './messages/message-text.js';
import { Rescheduler } from './messages/rescheduler.js';
import { ScheduleGenerator } from './messages/schedule-generator.js';
import { LeadService } from './workshops/lead-service.js';
import { LidResolver } from './workshops/lid-resolver.js';
import { LeaveAlerts } from './workshops/leave-alerts.js';
import { MembershipService } from './workshops/membership-service.js';
import { workshopHandlers } from './workshops/workshop-handlers.js';
import { WorkshopRepository } from './workshops/workshop-repository.js';
import { WorkshopService } from './workshops/workshop-service.js';
import { routeSessionEvents } from './whatsapp/session-event-routes.js';
import { SessionSupervisor } from './whatsapp/session-supervisor.js';
import { createTransportFactory } from './whatsapp/transport-factory.js';
import type { WhatsAppTransportFactory } from './whatsapp/whatsapp-transport.js';

export const APP_NAME = 'WhatsApp Operator Console';
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
  /** Check every result against the contract's output schema (tests and development). */
  validateOutputs?: boolean;
  /** The hosted-backend sync: its fetch, poke and timings, for tests. */
  sync?: SyncOptions;
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
  readonly sync: SyncService;
  /** Stops timers and connections and closes the database; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The one place where the core's parts are built and wired; behaviour lives in the parts.
 * Shells and tests call this with their own clock, logger, transports and paths; nothing
 * in the core reaches for globals.
 */
export function createCore(deps: CoreDependencies): Core {
  const clock = deps.clock ?? new SystemClock();
  const logger = deps.logger ?? createLogger();
  const random = deps.random ? { random: deps.random } : {};
  const dataDir = openDataDir({ dataDir: deps.dataDir, nativeBinding: deps.nativeBinding, logger });
  const { db } = dataDir;

  const secretStore: SecretStore = deps.secretStore ?? new KeyFileSecretStore(join(deps.dataDir, KEY_FILE));
  const cipher = openCipher({ secretStore, db, clock, logger, closeDataDir: () => dataDir.close() });
  const events = new CoreEvents((error, event) =>
    logger.error({ err: error, event }, 'an event subscriber failed; the event itself stands'),
  );
  const settingsRepository = new SettingsRepository(db);
  const settings = new SettingsService(settingsRepository, events, clock);
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
    ...random,
  });
  const workshopRepository = new WorkshopRepository(db);
  const membership = new MembershipService({
    db,
    events,
    clock,
    logger: logger.child({ module: 'membership' }),
    workshops: workshopRepository,
  });
  const lids = new LidResolver({
    db,
    clock,
    sessions,
    membership,
    workshops: workshopRepository,
    logger: logger.child({ module: 'lids' }),
  });
  const messageRepository = new MessageRepository(db);
  const automation = new AutomationService(db, clock, messageRepository);
  automation.ensureDefaults();
  const messageText = new MessageText(workshopRepository, clock, messageRepository);
  const sender = new MessageSender({
    repository: messageRepository,
    settings: settingsRepository,
    sessions,
    clock,
    logger: logger.child({ module: 'sender' }),
    events,
    text: messageText,
    ...random,
  });
  const rescheduler = new Rescheduler({
    generator: new ScheduleGenerator({ db, automation, clock, messages: messageRepository, workshops: workshopRepository }),
    sender,
    events,
  });
  const messages = new MessageService({
    db,
    repository: messageRepository,
    workshops: workshopRepository,
    sender,
    clock,
    events,
    text: messageText,
  });
  const workshopService = new WorkshopService({
    db,
    repository: workshopRepository,
    sessions,
    groups,
    membership,
    events,
    clock,
    logger: logger.child({ module: 'workshops' }),
    scheduleChanged: (workshopId) => rescheduler.workshop(workshopId),
    lids,
  });
  const leads = new LeadService({ db, settings, clock, lids });
  routeSessionEvents(sessions, { membership, groups, sender, workshops: workshopService, logger });

  const shopNotifier = new ShopNotifier(db, () => settings.get(), events);
  const shopSearch = new InboxSearchIndex(db);
  const sync = createSync({
    db,
    cipher,
    clock,
    random: deps.random ?? Math.random,
    logger,
    events,
    options: deps.sync ?? {},
    startingRows: () => automation.ensureDefaults(),
    onApplied: (changes) => {
      for (const id of changes.workshopIds) events.emit('workshops:changed', { id });
      const shop = [...changes.tables].filter((table) => shopTables.has(table));
      if (shop.length) {
        if (changes.tables.has('messaging_log')) shopSearch.catchUp();
        events.emit('shop:changed', { tables: shop });
        shopNotifier.pulled();
      }
      campaigns.pulled(changes.tables);
      rescheduler.all();
    },
  });
  events.subscribe((event) => {
    if (event !== 'sync:changed') sync.localChange();
  });
  const stopLeaveAlerts = new LeaveAlerts(db, events).start();
  const alerts = new AlertLog(db, events, clock);
  alerts.start();
  const accountEvents = new AccountEventLog(db, events, clock);
  accountEvents.start();

  const appInfo = new AppInfoService({
    identity: {
      name: APP_NAME,
      version: deps.appVersion,
      shell: deps.shell,
      dataDir: deps.dataDir,
      startAtLoginSupported: deps.startAtLoginSupported ?? false,
    },
    db,
    clock,
    sessions,
    secrets: { protection: secretStore.protection, warning: secretStore.warning },
    logFolder: deps.logFolder ?? null,
  });

  const campaigns = createCampaigns({
    db,
    clock,
    auth: sync.auth,
    events,
    workshops: workshopService,
    text: messageText,
    organisationId: () => sync.service.activeOrganisationId(),
    timeZone: () => settings.get().timeZone,
    pullSoon: () => void sync.service.syncNow().catch(() => undefined),
  });

  const shopOrders = new OrderQueries(db, () => settings.get().timeZone);
  const shopInbox = new InboxQueries({ db, clock, orders: shopOrders, search: shopSearch });

  const router = new ApiRouter(
    {
      ...appInfoHandlers(appInfo),
      ...settingsHandlers(settings),
      ...sessionHandlers(sessions, settings),
      ...groupHandlers({ groups, workshops: workshopService }),
      ...workshopHandlers(workshopService, leads),
      ...messageHandlers({
        automation,
        messages,
        sender,
        workshops: workshopService,
        rescheduler,
        clock,
        text: messageText,
        timeZone: () => settings.get().timeZone,
      }),
      ...demoHandlers(sessions),
      ...alertHandlers(alerts),
      ...accountEventHandlers(accountEvents),
      ...syncHandlers(sync.service),
      ...shopHandlers({
        inbox: shopInbox,
        orders: shopOrders,
        functions: new ShopFunctions(sync.auth, clock),
        events,
        pullSoon: () => void sync.service.syncNow(),
        templates: campaigns.approvedTemplates,
        badge: new ShopBadgeCount(db, () => settings.get()),
      }),
      ...campaigns.handlers,
    },
    logger.child({ module: 'api' }),
    { validateOutputs: deps.validateOutputs ?? false },
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
      void sync.service.start();
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
    sync: sync.service,
    async stop() {
      if (stopped) return;
      stopped = true;
      await sync.service.stop();
      sender.stop();
      await sessions.stop();
      await membership.whenFlushed();
      stopLeaveAlerts();
      dataDir.close();
      logger.info('core stopped');
    },
  };
}
