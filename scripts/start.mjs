#!/usr/bin/env node
// `npm start`: the desktop app in development. The electron package downloads its binary
// only when asked (its install.js), and electron-vite refuses to start without it
// ("Electron uninstall"), so this fetches it first, then makes sure better-sqlite3 has an
// Electron build, then hands over to `electron-vite dev` with the given arguments.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(lines) {
  console.error(lines.join('\n'));
  process.exit(1);
}

// ELECTRON_EXEC_PATH is electron-vite's own way to run an Electron binary from elsewhere.
if (!process.env.ELECTRON_EXEC_PATH) {
  const electronDir = join(root, 'node_modules', 'electron');
  const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
  // install.js exits at once when the binary is already there.
  const download = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (download.status !== 0) {
    const reason = (download.stderr || download.error?.message || '').trim().split('\n')[0];
    fail([
      `npm start: could not download the Electron ${version} binary (${reason || `install.js exited with ${download.status}`}).`,
      '  The desktop app needs it once; it is cached afterwards. Connect to the internet and run `npm start` again.',
      '  Behind a proxy, set HTTPS_PROXY; with a local mirror, set ELECTRON_MIRROR (https://www.electronjs.org/docs/latest/tutorial/installation).',
      '  Without Electron, `npm test` and `npm run serve` (the console in a browser) still work.',
    ]);
  }
}

const native = spawnSync(process.execPath, [join(root, 'scripts', 'native-for-electron.mjs'), '--require'], {
  cwd: root,
  stdio: 'inherit',
});
if (native.status !== 0) fail(['npm start: better-sqlite3 has no Electron build, so the console could not open its database (see above).']);

const child = spawn(
  process.execPath,
  [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'dev', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
