import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { App } from 'electron';
import { APP_ID } from './app-identity.js';

/** Started by the OS at login: stay in the tray instead of opening the window. */
export const HIDDEN_FLAG = '--hidden';

export type StartAtLoginMethod = 'login-items' | 'xdg-autostart' | null;

/**
 * How this build can start at login, or null where it cannot. Electron's login items
 * exist on macOS and Windows only (on Linux they are silently ignored), so Linux uses an
 * XDG autostart entry. A development run never registers: it would register the bare
 * Electron binary, which opens Electron's default app at login. Flatpak and Snap
 * sandboxes have their own autostart portals, not handled here.
 */
export function startAtLoginMethod(platform: NodeJS.Platform, isPackaged: boolean, env: NodeJS.ProcessEnv): StartAtLoginMethod {
  if (!isPackaged) return null;
  if (platform === 'darwin' || platform === 'win32') return 'login-items';
  if (platform === 'linux' && !env.FLATPAK_ID && !env.SNAP) return 'xdg-autostart';
  return null;
}

/** ~/.config/autostart/<app id>.desktop, honouring XDG_CONFIG_HOME. */
export function autostartFile(env: NodeJS.ProcessEnv, home = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart', `${APP_ID}.desktop`);
}

/**
 * The program to start: inside an AppImage, process.execPath is a mount that exists only
 * while it runs, and APPIMAGE names the file itself.
 */
export function linuxExecutable(env: NodeJS.ProcessEnv, execPath: string): string {
  return env.APPIMAGE || execPath;
}

/** Quoted as the Desktop Entry spec's Exec key requires (quote rule, then string escapes). */
function execArgument(path: string): string {
  return `"${path.replace(/(["`$\\])/g, '\\$1')}"`.replaceAll('\\', '\\\\');
}

export function autostartEntry(executable: string, name: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    `Exec=${execArgument(executable)} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface StartAtLoginTarget {
  method: StartAtLoginMethod;
  app: Pick<App, 'setLoginItemSettings'>;
  env: NodeJS.ProcessEnv;
  execPath: string;
  name: string;
}

/** Makes the OS start the console at login, or stop doing so. */
export function applyStartAtLogin(target: StartAtLoginTarget, enabled: boolean): void {
  if (target.method === 'login-items') {
    // Windows passes args to the program; macOS ignores them and reports wasOpenedAtLogin.
    target.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
  } else if (target.method === 'xdg-autostart') {
    const file = autostartFile(target.env);
    if (enabled) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, autostartEntry(linuxExecutable(target.env, target.execPath), target.name));
    } else if (existsSync(file)) {
      rmSync(file);
    }
  }
}
