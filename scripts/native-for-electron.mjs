#!/usr/bin/env node
// better-sqlite3 is a native module built for one ABI. `npm install` builds it for plain
// Node (tests, the headless console). Electron needs its own build: this script makes one
// in a scratch copy of the package and keeps only the .node file under native/electron/,
// where the Electron shell points better-sqlite3's `nativeBinding` option in development.
// Installers do not use it: electron-builder rebuilds native modules for them.
//
// It needs Electron's headers or a prebuilt binary from the internet. Offline it explains
// what is missing and exits 0, so `npm install`, `npm test` and `npm run serve` still work.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'native', 'electron', 'better_sqlite3.node');

if (process.env.SKIP_ELECTRON_NATIVE === '1') {
  console.log('native-for-electron: skipped (SKIP_ELECTRON_NATIVE=1)');
  process.exit(0);
}

const electronPackage = join(root, 'node_modules', 'electron', 'package.json');
const sqlitePackage = join(root, 'node_modules', 'better-sqlite3');
if (!existsSync(electronPackage) || !existsSync(sqlitePackage)) {
  console.log('native-for-electron: electron or better-sqlite3 not installed; nothing to do');
  process.exit(0);
}
const electronVersion = JSON.parse(readFileSync(electronPackage, 'utf8')).version;
const stamp = `${target}.${electronVersion}`;
if (existsSync(target) && existsSync(stamp)) {
  console.log(`native-for-electron: better-sqlite3 for Electron ${electronVersion} already built`);
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

const scratch = mkdtempSync(join(tmpdir(), 'console-native-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const attempts = [
  [bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch]],
  [bin('node-gyp'), ['rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers']],
];
try {
  const copy = join(scratch, 'better-sqlite3');
  cpSync(sqlitePackage, copy, { recursive: true, filter: (path) => !path.includes(`${join('build', 'Release', 'obj')}`) });
  rmSync(join(copy, 'build'), { recursive: true, force: true });
  let built = false;
  // npm passes its own `nodedir` (plain Node's headers) to scripts; node-gyp would then
  // build for Node's ABI and call it Electron's. Build with Electron's headers or not at all.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_(nodedir|target|runtime|disturl)$/i.test(key)));
  for (const [command, args] of attempts) {
    try {
      execFileSync(command, args, { cwd: copy, stdio: 'pipe', timeout: 180_000, env });
      built = existsSync(join(copy, 'build', 'Release', 'better_sqlite3.node')) && !loadsInThisNode(join(copy, 'build', 'Release', 'better_sqlite3.node'));
      if (built) break;
    } catch {
      // Try the next way; the summary below says what to do when all fail.
    }
  }
  if (!built) {
    console.warn(
      [
        'native-for-electron: could not build better-sqlite3 for Electron ' + electronVersion + '.',
        '  It needs a prebuilt binary or Electron headers from the internet.',
        '  Tests and `npm run serve` are unaffected. For `npm start`, run `npm run rebuild:electron` when online.',
      ].join('\n'),
    );
    process.exit(0);
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), target);
  copyFileSync(join(copy, 'package.json'), stamp);
  console.log(`native-for-electron: built better-sqlite3 for Electron ${electronVersion} at ${target}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
