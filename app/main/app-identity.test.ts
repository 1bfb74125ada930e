import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_ID, appUserModelId, userDataFolder } from './app-identity.js';

describe('app identity', () => {
  it('uses the appId the installer writes into its shortcuts as the Windows AppUserModelID', () => {
    const builder = parse(readFileSync(join(import.meta.dirname, '..', '..', 'electron-builder.yml'), 'utf8')) as { appId: string };
    expect(APP_ID).toBe(builder.appId);
    expect(appUserModelId(true, 'C:\\Program Files\\Console\\console.exe')).toBe(builder.appId);
  });

  it('gives development runs (bare electron.exe) their own id', () => {
    expect(appUserModelId(false, 'C:\\src\\node_modules\\electron\\dist\\electron.exe')).toBe(
      'C:\\src\\node_modules\\electron\\dist\\electron.exe',
    );
  });

  it('keeps development data in its own folder next to the installed app’s', () => {
    expect(userDataFolder('/home/ana/.config/WhatsApp Operator Console', true)).toBe('/home/ana/.config/WhatsApp Operator Console');
    expect(userDataFolder('/home/ana/.config/WhatsApp Operator Console', false)).toBe('/home/ana/.config/WhatsApp Operator Console (dev)');
  });
});
