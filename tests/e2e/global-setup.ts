import { execFileSync } from 'node:child_process';

/** End-to-end tests drive the built app, exactly what `npm run serve` runs; build it first. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}
