import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import { applyStartAtLogin, autostartEntry, autostartFile, startAtLoginMethod, type StartAtLoginTarget } from './start-at-login.js';

const dirs: ReturnType<typeof makeTempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function target(method: StartAtLoginTarget['method'], env: NodeJS.ProcessEnv = {}) {
  const calls: Parameters<App['setLoginItemSettings']>[0][] = [];
  const app = { setLoginItemSettings: (settings: Parameters<App['setLoginItemSettings']>[0]) => void calls.push(settings) };
  return {
    calls,
    target: { method, app, env, execPath: '/opt/WhatsApp Operator Console/whatsapp-operator-console', name: 'WhatsApp Operator Console' },
  };
}

describe('start at login', () => {
  it('is offered by packaged builds on Windows, macOS and Linux, never by development runs', () => {
    expect(startAtLoginMethod('win32', true, {})).toBe('login-items');
    expect(startAtLoginMethod('darwin', true, {})).toBe('login-items');
    expect(startAtLoginMethod('linux', true, {})).toBe('xdg-autostart');
    for (const platform of ['win32', 'darwin', 'linux'] as const) expect(startAtLoginMethod(platform, false, {})).toBeNull();
    expect(startAtLoginMethod('linux', true, { FLATPAK_ID: 'org.operatorconsole.whatsapp' })).toBeNull();
  });

  it('on Linux writes an XDG autostart entry that starts the AppImage hidden, and removes it again', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const env = { XDG_CONFIG_HOME: dir.path, APPIMAGE: '/home/ana/Apps/WhatsApp Operator Console.AppImage' };
    const { target: linux, calls } = target('xdg-autostart', env);
    applyStartAtLogin(linux, true);
    const file = autostartFile(env);
    expect(file).toBe(join(dir.path, 'autostart', 'org.operatorconsole.whatsapp.desktop'));
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=WhatsApp Operator Console\n');
    expect(entry).toContain('Exec="/home/ana/Apps/WhatsApp Operator Console.AppImage" --hidden\n');
    applyStartAtLogin(linux, false);
    expect(existsSync(file)).toBe(false);
    applyStartAtLogin(linux, false); // already off: nothing to remove
    expect(calls).toEqual([]);
  });

  it('quotes the program as the Desktop Entry spec requires', () => {
    expect(autostartEntry('/opt/a "b"/$c`d\\e', 'X')).toContain('Exec="/opt/a \\\\"b\\\\"/\\\\$c\\\\`d\\\\\\\\e" --hidden');
  });

  it('on Windows and macOS uses Electron’s login items, with the flag that keeps the window closed', () => {
    const { target: windows, calls } = target('login-items');
    applyStartAtLogin(windows, true);
    applyStartAtLogin(windows, false);
    expect(calls).toEqual([
      { openAtLogin: true, args: ['--hidden'] },
      { openAtLogin: false, args: ['--hidden'] },
    ]);
  });

  it('registers nothing at all in a development run', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const { target: dev, calls } = target(startAtLoginMethod('linux', false, {}), { XDG_CONFIG_HOME: dir.path });
    applyStartAtLogin(dev, true);
    expect(calls).toEqual([]);
    expect(existsSync(join(dir.path, 'autostart'))).toBe(false);
  });
});
