#!/usr/bin/env node
// `npm run dist`: the installers for this platform. It builds the app, packages it with
// electron-builder, puts the Node builds of native modules back (electron-builder rebuilt
// them for Electron in place) and reports what it made and how big it is.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { macSigningArgs } from './mac-signing.mjs';
import { preserveNodeBuilds } from './node-native-builds.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status === 0;

if (!node([join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])) process.exit(1);

let identities = '';
if (process.platform === 'darwin') {
  try {
    identities = execFileSync('security', ['find-identity', '-v', '-p', 'codesigning'], { encoding: 'utf8' });
  } catch {
    // No keychain access: treated as no certificate.
  }
}
const signing = macSigningArgs({ platform: process.platform, env: process.env, identities });
if (signing.note) console.log(`dist: ${signing.note}`);

const restore = preserveNodeBuilds(root);
let packaged = false;
try {
  packaged = node([
    join(root, 'node_modules', 'electron-builder', 'cli.js'),
    '--config',
    'electron-builder.yml',
    ...signing.args,
    ...process.argv.slice(2),
  ]);
} finally {
  const restored = restore();
  if (restored.length > 0) console.log(`dist: restored the Node builds of ${restored.join(', ')} for npm test and npm run serve`);
}
if (!packaged) process.exit(1);

const output = join(root, 'dist');
const installers = existsSync(output) ? readdirSync(output).filter((name) => /\.(AppImage|deb|exe|dmg|zip|rpm)$/.test(name)) : [];
for (const name of installers) console.log(`dist: ${name}  ${(statSync(join(output, name)).size / 1024 / 1024).toFixed(1)} MB`);
