import { app, BrowserWindow, dialog, ipcMain, Notification, powerMonitor, protocol, safeStorage, session, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../../shared/contract/ipc-channels.js';
import type { ConsoleNotification } from '../../shared/messages/message-schemas.js';
import type { Settings } from '../../shared/settings/settings.js';
import { createCore, type Core } from '../core/composition-root.js';
import { createLogger } from '../core/logging/logger.js';
import { APP_ORIGIN, APP_SCHEME, isOwnUrl, isTrustedSender } from './app-origin.js';
import { handleAppProtocol } from './app-protocol.js';
import { denyAllPermissions, hardenWebContents } from './harden-web-contents.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { SafeStorageSecretStore } from './safe-storage-secret-store.js';
import { quitWarning, todaysWorkshop, trayMenuModel } from './tray-menu-model.js';
import { createTray, type TrayActionId } from './tray.js';
import { mainWindowOptions } from './window-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const resources = app.isPackaged ? process.resourcesPath : join(here, '..', '..', 'resources');
/** Started by the OS at login: stay in the tray instead of opening the window. */
const HIDDEN_FLAG = '--hidden';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: Core | undefined;
  let window: BrowserWindow | undefined;
  let quitting = false;
  const logger = createLogger();

  const showWindow = (): void => {
    if (!window || window.isDestroyed()) window = createWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow(mainWindowOptions(join(here, '..', 'preload', 'index.cjs'), app.isPackaged, join(resources, 'icon.png')));
    win.once('ready-to-show', () => win.show());
    // Closing the window keeps the console working in the tray; only Quit stops it.
    win.on('close', (event) => {
      if (!quitting) {
        event.preventDefault();
        win.hide();
      }
    });
    void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
    return win;
  }

  function electronSqliteBinding(): string | undefined {
    if (app.isPackaged) return undefined; // electron-builder rebuilt better-sqlite3 for Electron
    const candidate = join(app.getAppPath(), 'native', 'electron', 'better_sqlite3.node');
    if (existsSync(candidate)) return candidate;
    logger.error('better-sqlite3 has no Electron build yet: run `npm run rebuild:electron` while online');
    return undefined;
  }

  function applyStartAtLogin(settings: Settings): void {
    app.setLoginItemSettings({ openAtLogin: settings.startAtLogin, args: [HIDDEN_FLAG] });
  }

  function notify(notice: ConsoleNotification): void {
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: notice.title, body: notice.body, urgency: notice.level === 'error' ? 'critical' : 'normal' });
    shown.on('click', showWindow);
    shown.show();
  }

  async function confirmQuit(active: Core): Promise<boolean> {
    const warning = quitWarning(active.sender.status(), Date.now());
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

  app.on('second-instance', showWindow);

  app
    .whenReady()
    .then(() => {
      denyAllPermissions(session.defaultSession);
      hardenWebContents(app, (url) => isOwnUrl(url, devServerUrl));
      handleAppProtocol(protocol, APP_SCHEME, join(here, '..', 'renderer'));

      core = createCore({
        shell: 'electron',
        dataDir: app.getPath('userData'),
        appVersion: app.getVersion(),
        logger,
        nativeBinding: electronSqliteBinding(),
        secretStore: new SafeStorageSecretStore(app.getPath('userData'), safeStorage),
      });
      const active = core;
      registerIpcHandlers(ipcMain, active, (event: IpcMainInvokeEvent) => isTrustedSender(event.senderFrame, devServerUrl));

      // Today's workshop needs every workshop's stats: computed on a throttle, not on each send or reconnect.
      let today = todaysWorkshop(active.workshops.list(), Date.now());
      const trayModel = () => trayMenuModel(active.sessions.list(), active.sender.status(), Date.now(), today);
      // Membership changes arrive in bursts; the join rate in the tray can lag a few seconds.
      let trayRefresh: NodeJS.Timeout | null = null;
      const refreshTraySoon = () => {
        trayRefresh ??= setTimeout(() => {
          trayRefresh = null;
          today = todaysWorkshop(active.workshops.list(), Date.now());
          tray.update(trayModel());
        }, 5_000);
      };
      const onTrayAction = (id: TrayActionId): void => {
        if (id === 'open') showWindow();
        else if (id === 'pause') active.sender.setPaused(true);
        else if (id === 'resume') active.sender.setPaused(false);
        else void confirmQuit(active).then((ok) => ok && app.quit());
      };
      const tray = createTray(join(resources, 'tray-icon.png'), onTrayAction, trayModel());

      active.subscribe((event, payload) => {
        for (const win of BrowserWindow.getAllWindows()) {
          if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
        }
        if (event === 'sessions:changed' || event === 'sessions:removed' || event === 'messages:status-changed') tray.update(trayModel());
        if (event === 'members:changed' || event === 'workshops:changed') refreshTraySoon();
        if (event === 'notifications:raised') notify(payload as ConsoleNotification);
        if (event === 'settings:changed') applyStartAtLogin(payload as Settings);
      });
      applyStartAtLogin(active.settings.get());
      // After sleep, timers and sockets are stale: reconnect and re-plan the next send now.
      powerMonitor.on('resume', () => active.resume());
      active.start();

      const startedHidden = process.argv.includes(HIDDEN_FLAG) || app.getLoginItemSettings().wasOpenedAtLogin;
      if (!startedHidden) showWindow();
    })
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'start-up failed');
      dialog.showErrorBox('The console could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });

  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    // Stay alive in the tray: reminders keep going out with no window open.
  });

  // Quitting waits for the core to stop cleanly (timers off, database closed).
  app.on('before-quit', (event) => {
    quitting = true;
    if (!core) return;
    event.preventDefault();
    const stopping = core;
    core = undefined;
    void stopping.stop().finally(() => app.quit());
  });
}
