import type BetterSqlite3 from 'better-sqlite3';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The pieces of `npm run dist` that decide and repair, run on real files. electron-builder
// itself cannot run here (it downloads Electron), so the packaging step between them is the
// one thing not exercised: its in-place rebuild is imitated by overwriting the Node build.
const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const { preserveNodeBuilds } = (await import(pathToFileURL(join(root, 'scripts', 'node-native-builds.mjs')).href)) as {
  preserveNodeBuilds(root: string): () => string[];
};
const { macSigningArgs } = (await import(pathToFileURL(join(root, 'scripts', 'mac-signing.mjs')).href)) as {
  macSigningArgs(input: { platform: string; env: Record<string, string | undefined>; identities: string }): {
    args: string[];
    note: string | null;
  };
};

const scratches: string[] = [];
afterEach(() => {
  for (const dir of scratches.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project whose node_modules holds a copy of this checkout's better-sqlite3 with its Node build. */
function projectWithSqlite(): { dir: string; binary: string } {
  const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  scratches.push(dir);
  const source = join(root, 'node_modules', 'better-sqlite3');
  const target = join(dir, 'node_modules', 'better-sqlite3');
  mkdirSync(join(target, 'build', 'Release'), { recursive: true });
  for (const entry of ['package.json', 'binding.gyp', 'lib']) cpSync(join(source, entry), join(target, entry), { recursive: true });
  cpSync(join(source, 'build', 'Release', 'better_sqlite3.node'), join(target, 'build', 'Release', 'better_sqlite3.node'));
  return { dir, binary: join(target, 'build', 'Release', 'better_sqlite3.node') };
}

function opensInNode(binary: string): boolean {
  const db = new Database(':memory:', { nativeBinding: binary });
  const row = db.prepare('SELECT 1 AS one').get() as { one: number };
  db.close();
  return row.one === 1;
}

describe('npm run dist', () => {
  it('runs scripts/dist.mjs', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
  });

  it('puts back the Node build of better-sqlite3 after packaging replaced it with an Electron one', () => {
    const { dir, binary } = projectWithSqlite();
    const original = readFileSync(binary);
    const restore = preserveNodeBuilds(dir);
    writeFileSync(binary, 'an Electron build plain Node cannot load');
    expect(() => opensInNode(binary)).toThrow();
    expect(restore()).toEqual([join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')]);
    expect(readFileSync(binary).equals(original)).toBe(true);
    expect(opensInNode(binary)).toBe(true);
  });

  it('puts it back even when the rebuild removed the whole build folder and failed', () => {
    const { dir, binary } = projectWithSqlite();
    const restore = preserveNodeBuilds(dir);
    rmSync(join(dir, 'node_modules', 'better-sqlite3', 'build'), { recursive: true });
    restore();
    expect(opensInNode(binary)).toBe(true);
  });

  describe('macOS signing', () => {
    const none = '     0 valid identities found\n';
    const developerId = '  1) 0123456789ABCDEF "Developer ID Application: Example Org (TEAM123456)"\n     1 valid identities found\n';

    it('signs ad hoc on a Mac without a Developer ID, and says how to distribute', () => {
      const result = macSigningArgs({ platform: 'darwin', env: {}, identities: none });
      expect(result.args).toEqual(['--config.mac.identity=-']);
      expect(result.note).toMatch(/ad hoc.*notarize/);
    });

    it('leaves signing to electron-builder when a certificate is given or in the keychain', () => {
      expect(macSigningArgs({ platform: 'darwin', env: { CSC_LINK: '/certs/id.p12' }, identities: none }).args).toEqual([]);
      expect(macSigningArgs({ platform: 'darwin', env: { CSC_NAME: 'Example Org' }, identities: none }).args).toEqual([]);
      expect(macSigningArgs({ platform: 'darwin', env: {}, identities: developerId }).args).toEqual([]);
    });

    it('signs ad hoc when certificate discovery is turned off, and never on Linux or Windows', () => {
      expect(macSigningArgs({ platform: 'darwin', env: { CSC_IDENTITY_AUTO_DISCOVERY: 'false' }, identities: developerId }).args).toEqual([
        '--config.mac.identity=-',
      ]);
      expect(macSigningArgs({ platform: 'linux', env: {}, identities: '' }).args).toEqual([]);
      expect(macSigningArgs({ platform: 'win32', env: {}, identities: '' }).args).toEqual([]);
    });
  });
});
