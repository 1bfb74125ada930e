import { app, BrowserWindow, ipcMain, protocol, safeStorage, session, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../../shared/contract/ipc-channels.js';
import { createCore, type Core } from '../core/composition-root.js';
import { createLogger } from '../core/logging/logger.js';
import { APP_ORIGIN, APP_SCHEME, isOwnUrl, isTrustedSender } from './app-origin.js';
import { handleAppProtocol } from './app-protocol.js';
import { denyAllPermissions, hardenWebContents } from './harden-web-contents.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { SafeStorageSecretStore } from './safe-storage-secret-store.js';
import { trayStatus } from './tray-status.js';
import { createTray } from './tray.js';
import { mainWindowOptions } from './window-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const resources = app.isPackaged ? process.resourcesPath : join(here, '..', '..', 'resources');

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

  app.on('second-instance', showWindow);

  app.whenReady().then(() => {
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
    const activeCore = core;
    registerIpcHandlers(ipcMain, activeCore, (event: IpcMainInvokeEvent) => isTrustedSender(event.senderFrame, devServerUrl));
    activeCore.subscribe((event, payload) => {
      for (const win of BrowserWindow.getAllWindows()) {
        if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
      }
    });

    activeCore.start();
    const tray = createTray(
      join(resources, 'tray-icon.png'),
      { open: showWindow, quit: () => app.quit() },
      trayStatus(activeCore.sessions.list()),
    );
    activeCore.subscribe((event) => {
      if (event === 'sessions:changed' || event === 'sessions:removed') tray.update(trayStatus(activeCore.sessions.list()));
    });
    showWindow();
  }).catch((error: unknown) => {
    logger.fatal({ err: error }, 'start-up failed');
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
