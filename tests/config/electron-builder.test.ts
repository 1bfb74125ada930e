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
  linuxMaintainer?: string;
  deb?: { depends?: string[] };
}
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const require = createRequire(import.meta.url);

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, linux: { target: 'AppImage', notAnOption: true } }, { isEnabled: false, add: () => undefined }),
    ).rejects.toThrow();
  }, 60_000); // loading electron-builder's schema compiler takes seconds on a busy machine

  it('builds AppImage and deb for Linux, NSIS for Windows and dmg for macOS', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });

  it('unpacks native modules from the asar and rebuilds them for Electron', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
  });

  it('keeps every dependency electron-builder gives a .deb by default (libnss3, xdg-utils, libsecret…)', () => {
    const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js') as {
      default: { prototype: { getDefaultDepends(target: string): string[] } };
    };
    const defaults = FpmTarget.prototype.getDefaultDepends('deb');
    expect(defaults).toEqual(expect.arrayContaining(['libnss3', 'xdg-utils', 'libsecret-1-0']));
    // A `depends` list replaces the defaults; it may only add to them.
    if (config.deb?.depends) expect(config.deb.depends).toEqual(expect.arrayContaining(defaults));
  });

  it('gives the .deb the homepage and maintainer e-mail its metadata step requires, without a GitHub remote', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js') as {
      default: { prototype: { computeFpmMetaInfoOptions(this: unknown): Promise<{ url: string; maintainer: string }> } };
    };
    const { AppInfo } = require('app-builder-lib/out/appInfo.js') as {
      AppInfo: { prototype: { computePackageUrl(this: unknown): Promise<string | null> } };
    };
    // The real metadata step, with electron-builder's own package-URL lookup and no repository info.
    const info = { metadata: pkg, repositoryInfo: Promise.resolve(null) };
    const appInfo = {
      computePackageUrl: () => AppInfo.prototype.computePackageUrl.call({ info, notNullDevMetadata: {} }),
      linuxPackageName: 'x',
    };
    const target = { packager: { appInfo, info }, options: config.linux };
    const meta = await FpmTarget.prototype.computeFpmMetaInfoOptions.call(target);
    expect(meta.url).toMatch(/^https:\/\//);
    expect(meta.maintainer).toMatch(/<[^@\s]+@[^@\s]+>$/);
  });

  it('re-signs macOS builds ad hoc after flipping the fuses, so Apple Silicon runs a build made without a certificate', () => {
    expect(config.electronFuses.resetAdHocDarwinSignature).toBe(true);
  });

  it('leaves SQLite’s sources and build leftovers out of the package and unpacks only what must be on disk', () => {
    expect(config.files).toEqual(expect.arrayContaining(['!node_modules/better-sqlite3/{deps,src}/**']));
    expect(config.asarUnpack).not.toContain('node_modules/better-sqlite3/**');
    expect(config.asarUnpack).not.toContain('node_modules/sharp/**');
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
