// Memory of the headless core holding one connected demo session with 10 groups of
// 1,024 members, against the same core with no session, and the time from "connect" to
// a QR being available.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../shared/contract/wire.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { median, printFigures } from './figures.js';

execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

async function client(url: string) {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`ws://${parsed.host}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`]);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const waiters: ((frame: { type: string; event?: string; payload?: { state?: string; qr?: string | null }; id?: number; result?: unknown }) => boolean)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    for (const waiter of [...waiters]) if (waiter(frame)) waiters.splice(waiters.indexOf(waiter), 1);
  });
  const until = (predicate: (frame: { type: string; event?: string; payload?: { state?: string; qr?: string | null } }) => boolean) =>
    new Promise<void>((resolve) => waiters.push((frame) => (predicate(frame) ? (resolve(), true) : false)));
  const call = (method: string, input: unknown) => {
    const callId = ++id;
    ws.send(JSON.stringify({ type: 'call', id: callId, method, input }));
    return new Promise<unknown>((resolve) => waiters.push((frame) => (frame.type === 'result' && frame.id === callId ? (resolve(frame.result), true) : false)));
  };
  return { ws, call, until };
}

const qrTimes: number[] = [];
let idleRss = 0;
let connectedRss = 0;
for (let run = 0; run < 3; run++) {
  const dir = makeTempDir('bench-demo-');
  const running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 500, churnIntervalMs: null, groups: '10x1024' }) });
  const { ws, call, until } = await client(running.url);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  if (run === 0) idleRss = rssMb(running.process.pid ?? 0);
  const started = performance.now();
  const qr = until((frame) => frame.event === 'sessions:changed' && Boolean(frame.payload?.qr));
  await call('sessions:create', { kind: 'simulator' });
  await qr;
  qrTimes.push(performance.now() - started);
  await until((frame) => frame.event === 'sessions:changed' && frame.payload?.state === 'open');
  if (run === 0) {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    connectedRss = rssMb(running.process.pid ?? 0);
  }
  ws.close();
  await running.stop();
  dir.remove();
}

printFigures('demo session', [
  ['"connect" → QR available to the UI, median of 3', `${median(qrTimes).toFixed(0)} ms`],
  ['RSS, no session', `${idleRss.toFixed(1)} MB`],
  ['RSS, one connected demo session, 10 groups × 1,024 members', `${connectedRss.toFixed(1)} MB`],
  ['ratio connected / idle', `${(connectedRss / idleRss).toFixed(2)}×`],
]);
