// Cold start of the headless console until it accepts a WebSocket, against the cost of
// starting a bare Node process in the same run, and its idle memory.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../shared/contract/wire.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { median, printFigures } from './figures.js';

execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

function bareNodeMs(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  return performance.now() - started;
}

async function accepts(url: string): Promise<void> {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`ws://${parsed.host}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`]);
    ws.on('open', () => {
      ws.close();
      resolve();
    });
    ws.on('error', reject);
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const starts: number[] = [];
const bare: number[] = [];
for (let run = 0; run < 5; run++) {
  bare.push(bareNodeMs());
  const dir = makeTempDir('bench-start-');
  const started = performance.now();
  const running = await startHeadlessConsole(dir.path);
  await accepts(running.url);
  starts.push(performance.now() - started);
  await running.stop();
  dir.remove();
}

const dir = makeTempDir('bench-idle-');
const running = await startHeadlessConsole(dir.path);
await accepts(running.url);
await new Promise((resolve) => setTimeout(resolve, 5_000));
const idle = rssMb(running.process.pid ?? 0);
await running.stop();
dir.remove();

printFigures('headless start-up', [
  ['cold start until a WebSocket is accepted, median of 5', `${median(starts).toFixed(0)} ms`],
  ['bare `node -e ""` start, median of 5', `${median(bare).toFixed(0)} ms`],
  ['ratio start-up / bare node', `${(median(starts) / median(bare)).toFixed(1)}×`],
  ['idle RSS after 5 s, fresh data folder', `${idle.toFixed(1)} MB`],
]);
