import '../core/memory/young-generation-at-start.js';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  type IpcMainInvokeEvent,
} from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName } from '../../shared/contract/api-contract.js';
import { IPC_EVENT_CHANNEL } from '../../shared/contract/ipc-channels.js';
import type { ConsoleNotification, SenderStatus } from '../../shared/messages/message-schemas.js';
import type { Settings } from '../../shared/settings/settings.js';
import { createCore, type Core } from '../core/composition-root.js';
import { createFileLogger, type FileLogger } from '../core/logging/log-file.js';
import { APP_ORIGIN, APP_SCHEME, isOwnUrl, isTrustedSender } from './app-origin.js';
import { appUserModelId, userDataFolder } from './app-identity.js';
import { handleAppProtocol } from './app-protocol.js';
import { applicationMenu } from './application-menu.js';
import { DesktopNotifications } from './desktop-notifications.js';
import { hardenWebContents } from './harden-web-contents.js';
import { restrictPermissions } from './permissions.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { QuitController } from './quit-controller.js';
import { SafeStorageSecretStore } from './safe-storage-secret-store.js';
import { applyStartAtLogin, HIDDEN_FLAG, startAtLoginMethod, type StartAtLoginTarget } from './start-at-login.js';
import { TrayController } from './tray-controller.js';
import { quitWarning } from './tray-menu-model.js';
import { createTray } from './tray.js';
import { mainWindowOptions } from './window-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const resources = app.isPackaged ? process.resourcesPath : join(here, '..', '..', 'resources');

// Before anything reads them: the single-instance lock and every file live under userData.
app.setPath('userData', userDataFolder(app.getPath('userData'), app.isPackaged));
app.setAppLogsPath(app.isPackaged ? undefined : join(app.getPath('userData'), 'logs'));
// Windows only (the call exists nowhere else); also names the login-item registry value.
if (process.platform === 'win32') app.setAppUserModelId(appUserModelId(app.isPackaged, process.execPath));

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Core | undefined;
  let window: BrowserWindow | undefined;
  let log: FileLogger | undefined;
  let tray: TrayController | undefined;
  let toldAboutBackground = false;
  const loginItems: StartAtLoginTarget = {
    method: startAtLoginMethod(process.platform, app.isPackaged, process.env),
    app,
    env: process.env,
    execPath: process.execPath,
    name: app.getName(),
  };

  const quit = new QuitController({
    stopCore: async () => {
      const stopping = core;
      core = undefined;
      await stopping?.stop();
      log?.flush();
    },
    exit: () => app.quit(),
    onQuitting: () => tray?.stop(),
    log: (message, error) => log?.logger.warn({ err: error }, message),
  });

  const showWindow = (): BrowserWindow => {
    if (!window || window.isDestroyed()) window = createWindow();
    else {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    }
    return window;
  };

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow(mainWindowOptions(join(here, '..', 'preload', 'index.cjs'), app.isPackaged, join(resources, 'icon.png')));
    win.once('ready-to-show', () => win.show());
    // Closing the window keeps the console working in the tray; only Quit stops it.
    win.on('close', (event) => {
      if (quit.quitting) return;
      event.preventDefault();
      win.hide();
      tellAboutBackground();
    });
    // Windows ends the session without a before-quit: stop the core while it still can.
    win.on('query-session-end', () => quit.sessionEnding('the end of the Windows session'));
    win.on('session-end', () => quit.sessionEnding('the end of the Windows session'));
    void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
    return win;
  }

  /** Desktops without a tray (GNOME without AppIndicator) would otherwise hide the app for good. */
  function tellAboutBackground(): void {
    if (toldAboutBackground || process.platform !== 'linux' || !Notification.isSupported()) return;
    toldAboutBackground = true;
    notifications.show({
      level: 'info',
      title: 'The console is still running',
      body: 'Reminders keep going out. Open it again from the app menu or the tray; quit with Ctrl+Q in its window.',
      workshopId: null,
    });
  }

  const notifications = new DesktopNotifications({
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    onClick: (notice) => {
      const win = showWindow();
      if (notice.workshopId) win.webContents.send(IPC_EVENT_CHANNEL, 'notifications:opened', notice);
    },
  });

  function electronSqliteBinding(logger: FileLogger['logger']): string | undefined {
    if (app.isPackaged) return undefined; // electron-builder rebuilt better-sqlite3 for Electron
    const candidate = join(app.getAppPath(), 'native', 'electron', 'better_sqlite3.node');
    if (existsSync(candidate)) return candidate;
    logger.error('better-sqlite3 has no Electron build yet: run `npm run rebuild:electron` while online');
    return undefined;
  }

  function setStartAtLogin(settings: Settings): void {
    try {
      applyStartAtLogin(loginItems, settings.startAtLogin);
    } catch (error) {
      log?.logger.warn({ err: error }, 'could not change whether the console starts at login');
    }
  }

  async function confirmQuit(active: Core): Promise<boolean> {
    const status = await active.invoke('messages:status', {});
    const warning = status.ok ? quitWarning(status.value as SenderStatus, Date.now()) : null;
    if (!warning) return true;
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      buttons: ['Keep running', 'Quit anyway'],
      defaultId: 0,
      cancelId: 0,
      message: 'A reminder is about to go out',
      detail: warning,
    });
    return response === 1;
  }
  const askToQuit = (): void => {
    const active = core;
    if (!active) return app.quit();
    void confirmQuit(active).then((ok) => ok && app.quit());
  };

  app.on('second-instance', () => showWindow());

  app
    .whenReady()
    .then(async () => {
      log = await createFileLogger({ folder: app.getPath('logs'), alsoToStdout: process.stdout.isTTY === true });
      const { logger } = log;
      restrictPermissions(session.defaultSession, (url) => isOwnUrl(url, devServerUrl));
      hardenWebContents(app, (url) => isOwnUrl(url, devServerUrl));
      handleAppProtocol(protocol, APP_SCHEME, join(here, '..', 'renderer'));
      Menu.setApplicationMenu(
        applicationMenu({ platform: process.platform, name: app.getName(), onShow: () => showWindow(), onQuit: askToQuit }),
      );

      const secretStore = await SafeStorageSecretStore.open(app.getPath('userData'), safeStorage, process.platform);
      core = createCore({
        shell: 'electron',
        dataDir: app.getPath('userData'),
        appVersion: app.getVersion(),
        logger,
        logFolder: log.folder,
        startAtLoginSupported: loginItems.method !== null,
        nativeBinding: electronSqliteBinding(logger),
        secretStore,
      });
      const active = core;
      registerIpcHandlers(ipcMain, active, (event: IpcMainInvokeEvent) => isTrustedSender(event.senderFrame, devServerUrl));

      tray = new TrayController({
        invoke: (method, input) => active.invoke(method, input),
        show: (model) => consoleTray.update(model),
        showBadge: (count) => consoleTray.badge(count),
        now: () => Date.now(),
        onOpen: () => showWindow(),
        onQuit: askToQuit,
      });
      const trayActions = tray;
      const consoleTray = createTray(join(resources, 'tray-icon.png'), (id) => void trayActions.action(id));

      active.subscribe((event, payload) => {
        if (quit.quitting) return;
        for (const win of BrowserWindow.getAllWindows()) {
          if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
        }
        trayActions.onEvent(event as EventName);
        if (event === 'notifications:raised') notifications.show(payload as ConsoleNotification);
        if (event === 'settings:changed') setStartAtLogin(payload as Settings);
      });
      setStartAtLogin(active.settings.get());
      // After sleep, timers and sockets are stale: reconnect and re-plan the next send now.
      powerMonitor.on('resume', () => active.resume());
      // Linux and macOS announce a shutdown here, where before-quit may not come.
      powerMonitor.on('shutdown', () => quit.sessionEnding('system shutdown'));
      active.start();
      await trayActions.start();

      const startedHidden = process.argv.includes(HIDDEN_FLAG) || app.getLoginItemSettings().wasOpenedAtLogin;
      if (!startedHidden) showWindow();
    })
    .catch((error: unknown) => {
      log?.logger.fatal({ err: error }, 'start-up failed');
      log?.flush();
      dialog.showErrorBox('The console could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });

  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    // Stay alive in the tray: reminders keep going out with no window open.
  });

  // Quitting waits for the core to stop cleanly (timers off, database closed).
  app.on('before-quit', (event) => {
    if (quit.beforeQuit()) event.preventDefault();
  });
}
