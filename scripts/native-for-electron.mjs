#!/usr/bin/env node
// better-sqlite3 is a native module built for one ABI. `npm install` builds it for plain
// Node (tests, the headless console). Electron needs its own build: this script makes one
// in a scratch copy of the package and keeps only the .node file under native/electron/,
// where the Electron shell points better-sqlite3's `nativeBinding` option in development.
// Installers do not use it: electron-builder rebuilds native modules for them.
//
// It needs Electron's headers or a prebuilt binary from the internet. Offline it explains
// what is missing and exits 0, so `npm install`, `npm test` and `npm run serve` still work;
// with --require (what `npm start` passes) it exits 1 instead, since Electron cannot start.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'native', 'electron', 'better_sqlite3.node');
const stampFile = join(root, 'native', 'electron', 'better_sqlite3.json');
const required = process.argv.includes('--require');
const failExitCode = required ? 1 : 0;

if (process.env.SKIP_ELECTRON_NATIVE === '1') {
  console.log('native-for-electron: skipped (SKIP_ELECTRON_NATIVE=1)');
  process.exit(0);
}

const electronPackage = join(root, 'node_modules', 'electron', 'package.json');
const sqlitePackage = join(root, 'node_modules', 'better-sqlite3');
if (!existsSync(electronPackage) || !existsSync(sqlitePackage)) {
  console.log('native-for-electron: electron or better-sqlite3 not installed; nothing to do');
  process.exit(failExitCode);
}
const readVersion = (path) => JSON.parse(readFileSync(path, 'utf8')).version;

/**
 * The arch Electron's own installer downloads (node_modules/electron/install.js): Node
 * running under Rosetta reports x64, yet the Electron it fetched is arm64.
 */
function electronArch() {
  let arch = process.env.ELECTRON_INSTALL_ARCH || process.env.npm_config_arch || process.arch;
  if (process.platform === 'darwin' && arch === 'x64' && process.env.npm_config_arch === undefined) {
    try {
      if (execFileSync('sysctl', ['-in', 'sysctl.proc_translated'], { encoding: 'utf8' }).trim() === '1') arch = 'arm64';
    } catch {
      // Not translated, or no sysctl: the reported arch stands.
    }
  }
  return arch;
}

// A binary is reused only for exactly this Electron, better-sqlite3, platform and arch.
const wanted = {
  electron: readVersion(electronPackage),
  betterSqlite3: readVersion(join(sqlitePackage, 'package.json')),
  platform: process.platform,
  arch: electronArch(),
};
const built = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : null;
if (existsSync(target) && built && Object.entries(wanted).every(([key, value]) => built[key] === value)) {
  console.log(`native-for-electron: better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron} (${wanted.arch}) already built`);
  process.exit(0);
}

/** A binary this Node can load was built for Node's ABI, not Electron's: never keep it. */
function loadsInThisNode(path) {
  try {
    execFileSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(path)})`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

// The tools' JavaScript entry points run with this Node: node_modules/.bin holds shell
// scripts and .cmd shims, which execFile cannot start on Windows.
const require = createRequire(import.meta.url);
const attempts = [
  {
    name: 'prebuild-install',
    args: [
      require.resolve('prebuild-install/bin.js'),
      '--runtime',
      'electron',
      '--target',
      wanted.electron,
      '--platform',
      wanted.platform,
      '--arch',
      wanted.arch,
    ],
  },
  {
    name: 'node-gyp',
    args: [
      require.resolve('node-gyp/bin/node-gyp.js'),
      'rebuild',
      '--release',
      `--target=${wanted.electron}`,
      `--arch=${wanted.arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
  },
];

const scratch = mkdtempSync(join(tmpdir(), 'console-native-'));
const failures = [];
let ok = false;
try {
  const copy = join(scratch, 'better-sqlite3');
  cpSync(sqlitePackage, copy, { recursive: true, filter: (path) => !path.includes(join('build', 'Release', 'obj')) });
  rmSync(join(copy, 'build'), { recursive: true, force: true });
  const output = join(copy, 'build', 'Release', 'better_sqlite3.node');
  // npm passes its own `nodedir` (plain Node's headers) to scripts; node-gyp would then
  // build for Node's ABI and call it Electron's. Build with Electron's headers or not at all.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_config_(nodedir|target|runtime|disturl|arch)$/i.test(key)),
  );
  for (const { name, args } of attempts) {
    try {
      // No time limit: compiling SQLite takes minutes on a small machine.
      execFileSync(process.execPath, args, { cwd: copy, stdio: 'pipe', env });
      ok = existsSync(output) && !loadsInThisNode(output);
      if (ok) break;
      failures.push(`${name}: produced no Electron build`);
    } catch (error) {
      // node-gyp explains itself in its first "ERR!" lines, before the stack and its environment.
      const lines = `${error.stderr ?? ''}${error.stdout ?? ''}`.split('\n').filter((line) => line.trim());
      const reasons = lines.filter(
        (line) => /ERR!/.test(line) && !/ERR! (stack\s+at |System|command|cwd|node -v|node-gyp -v|not ok)/.test(line),
      );
      const detail = (reasons.length > 0 ? reasons.slice(0, 4) : lines.slice(-4)).join('\n    ');
      failures.push(`${name}: ${detail || error.message}`);
    }
  }
  if (ok) {
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(output, target);
    writeFileSync(stampFile, `${JSON.stringify(wanted, null, 2)}\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (ok) {
  console.log(
    `native-for-electron: built better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron} (${wanted.arch}) at ${target}`,
  );
} else {
  console.warn(
    [
      `native-for-electron: could not build better-sqlite3 for Electron ${wanted.electron} (${wanted.platform}-${wanted.arch}).`,
      '  It needs a prebuilt binary or Electron headers from the internet, and a C++ toolchain to compile.',
      ...failures.map((failure) => `  ${failure}`),
      '  Tests and `npm run serve` are unaffected. For `npm start`, run `npm run rebuild:electron` when online.',
    ].join('\n'),
  );
  process.exitCode = failExitCode;
}
