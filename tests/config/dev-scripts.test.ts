import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The scripts behind `npm install` and `npm start`, run for real with this machine's
// electron and better-sqlite3 packages. Every download points at a closed local port, so
// the results are the same with or without internet.
const root = join(import.meta.dirname, '..', '..');
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string })
  .version;
const sqliteVersion = (
  JSON.parse(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }
).version;
let scratch: string;
let offlineEnv: NodeJS.ProcessEnv;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'console-dev-scripts-'));
  const nowhere = `http://127.0.0.1:${await closedPort()}`;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_config_|ELECTRON_|SKIP_ELECTRON_NATIVE)/i.test(key)),
  );
  offlineEnv = {
    ...env,
    ELECTRON_MIRROR: `${nowhere}/`,
    electron_config_cache: join(scratch, 'electron-cache'),
    HTTPS_PROXY: nowhere,
    https_proxy: nowhere,
    npm_config_proxy: nowhere,
    npm_config_https_proxy: nowhere,
    npm_config_devdir: join(scratch, 'node-gyp-cache'),
  };
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A project folder holding only the script under test, with this checkout's node_modules. */
function project(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  cpSync(join(root, 'scripts', 'native-for-electron.mjs'), join(dir, 'scripts', 'native-for-electron.mjs'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function runNative(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(dir, 'scripts', 'native-for-electron.mjs'), ...args], {
    cwd: dir,
    env: offlineEnv,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('npm start', () => {
  it('runs scripts/start.mjs, which fetches the Electron binary before electron-vite dev', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
  });

  it.skipIf(existsSync(join(root, 'node_modules', 'electron', 'path.txt')))(
    'offline, stops with what to do instead of electron-vite’s "Electron uninstall"',
    () => {
      const result = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs')], { cwd: root, env: offlineEnv, encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`could not download the Electron ${electronVersion} binary`);
      expect(result.stderr).toMatch(/Connect to the internet and run `npm start` again/);
      expect(result.stderr).toMatch(/`npm test` and `npm run serve`.*still work/);
      expect(`${result.stdout}${result.stderr}`).not.toContain('Electron uninstall');
    },
  );
});

describe('the Electron build of better-sqlite3 (scripts/native-for-electron.mjs)', () => {
  it('offline, says why each way of building failed; npm install carries on, npm start stops', () => {
    const dir = project('offline');
    const install = runNative(dir);
    expect(install.status).toBe(0);
    expect(install.output).toContain(`could not build better-sqlite3 for Electron ${electronVersion}`);
    expect(install.output).toMatch(/prebuild-install: .*(ECONNREFUSED|ENOTFOUND|network|proxy|connect)/i);
    expect(install.output).toMatch(/node-gyp: .*\S/);
    expect(existsSync(join(dir, 'native', 'electron', 'better_sqlite3.node'))).toBe(false);
    expect(runNative(dir, '--require').status).toBe(1);
  }, 120_000);

  it('rebuilds instead of reusing a binary made for another better-sqlite3 version', () => {
    const dir = project('stale');
    mkdirSync(join(dir, 'native', 'electron'), { recursive: true });
    writeFileSync(join(dir, 'native', 'electron', 'better_sqlite3.node'), 'an old build');
    // Both the old stamp (Electron version only) and a stamp for another better-sqlite3.
    writeFileSync(join(dir, 'native', 'electron', `better_sqlite3.node.${electronVersion}`), '{}');
    const stamp = { electron: electronVersion, betterSqlite3: '0.0.1', platform: process.platform, arch: process.arch };
    writeFileSync(join(dir, 'native', 'electron', 'better_sqlite3.json'), JSON.stringify(stamp));
    const result = runNative(dir);
    expect(result.output).not.toContain('already built');
    expect(result.output).toContain('could not build');
  }, 120_000);

  it('reuses a binary stamped for exactly this Electron, better-sqlite3, platform and arch', () => {
    const dir = project('current');
    mkdirSync(join(dir, 'native', 'electron'), { recursive: true });
    writeFileSync(join(dir, 'native', 'electron', 'better_sqlite3.node'), 'a build');
    const stamp = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };
    writeFileSync(join(dir, 'native', 'electron', 'better_sqlite3.json'), JSON.stringify(stamp));
    const result = runNative(dir, '--require');
    expect(result.status).toBe(0);
    expect(result.output).toContain(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}`);
    expect(result.output).toContain('already built');
  });
});
