import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// electron-builder cannot run here (no Electron binary), so its own validator checks the
// file and these tests check what the installers depend on.
const root = join(import.meta.dirname, '..', '..');
interface BuilderConfig {
  [platform: string]: unknown;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  extraResources: { from: string }[];
  electronFuses: Record<string, boolean>;
  files: string[];
}
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const require = createRequire(import.meta.url);

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, linux: { target: 'AppImage', notAnOption: true } }, { isEnabled: false, add: () => undefined })).rejects.toThrow();
  });

  it('builds AppImage and deb for Linux, NSIS for Windows and dmg for macOS', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });

  it('unpacks native modules from the asar and rebuilds them for Electron', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**']));
    expect(config.npmRebuild).toBe(true);
  });

  it('uses icons that exist in resources/', () => {
    for (const platform of [config.linux, config.win, config.mac]) {
      expect(existsSync(join(root, platform.icon))).toBe(true);
    }
    for (const extra of config.extraResources) expect(existsSync(join(root, extra.from))).toBe(true);
  });

  it('turns off the Electron fuses an attacker could use', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('packages the build output the app starts from', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect(config.files).toContain('out/**');
  });
});
