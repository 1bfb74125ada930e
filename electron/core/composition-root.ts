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
import { SettingsRepository } from './settings/settings-repository.js';
import { SettingsService } from './settings/settings-service.js';

export const APP_NAME = 'WhatsApp Operator Console';
export const DATABASE_FILE = 'console.sqlite';

export interface CoreDependencies {
  shell: ShellKind;
  /** Folder that holds the database and every other file the console keeps. */
  dataDir: string;
  appVersion: string;
  clock?: Clock;
  logger?: Logger;
  /** Path of a better-sqlite3 build for the current runtime's ABI, when not the default. */
  nativeBinding?: string;
}

export interface Core {
  invoke(method: unknown, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: CoreEventListener): () => void;
  readonly settings: SettingsService;
  readonly logger: Logger;
  /** Stops timers and connections and closes the database; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The one place where the core's parts are built and wired. Shells and tests call this
 * with their own clock, logger and paths; nothing in the core reaches for globals.
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

  const events = new CoreEvents();
  const settings = new SettingsService(new SettingsRepository(db), events, clock);
  const appInfo = new AppInfoService(
    { name: APP_NAME, version: deps.appVersion, shell: deps.shell, dataDir: deps.dataDir },
    db,
    clock,
  );

  const router = new ApiRouter(
    {
      'app:info': () => appInfo.info(),
      'app:health': () => appInfo.health(),
      'settings:get': () => settings.get(),
      'settings:set': (patch) => settings.set(patch),
    },
    logger.child({ module: 'api' }),
  );

  let stopped = false;
  return {
    invoke: (method, input) =>
      stopped
        ? Promise.resolve(fail('unavailable', 'The console is shutting down.'))
        : router.invoke(method, input),
    subscribe: (listener) => events.subscribe(listener),
    settings,
    logger,
    async stop() {
      if (stopped) return;
      stopped = true;
      db.close();
      releaseLock();
      logger.info('core stopped');
    },
  };
}
