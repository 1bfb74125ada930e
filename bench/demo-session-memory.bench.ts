// Memory of the headless process holding one connected demo session with 10 groups of
// 1,024 members, against the same process with no session (the baseline), and the time
// from "connect" to a QR being available. The demo's "WhatsApp server" (the simulator's
// participants and LID directory) lives in the same process, so the connected figure is
// the console plus that world, an upper bound for what one real session costs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, verdict, within } from './bench-checks.js';
import { median, printFigures } from './figures.js';

announce(
  'RSS of the headless process (console + in-process simulator world) with one demo session of 10 × 1,024 members against no session; sessions:create → QR pushed',
);
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

const RUNS = 3;
const qrTimes: number[] = [];
const idleRss: number[] = [];
const connectedRss: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const dir = makeTempDir('bench-demo-');
  const running = await startHeadlessConsole(dir.path, [], {
    CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 500, churnIntervalMs: null, groups: '10x1024' }),
  });
  try {
    const api = await connectConsole(running.url);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    idleRss.push(rssMb(running.process.pid ?? 0));
    const started = performance.now();
    const qr = api.event('sessions:changed', (session) => Boolean(session.qr));
    const open = api.event('sessions:changed', (session) => session.state === 'open');
    const session = await api.call('sessions:create', { kind: 'simulator' });
    await within(qr, 30_000, 'QR pushed');
    qrTimes.push(performance.now() - started);
    await within(open, 30_000, 'demo session open');
    const groups = await api.call('groups:sync', { sessionId: session.id });
    const loaded = groups.filter((group) => group.size === 1_024).length;
    check(loaded === 10, `run ${run}: ${loaded} of 10 groups listed with 1,024 members`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    connectedRss.push(rssMb(running.process.pid ?? 0));
    api.close();
  } finally {
    await running.stop();
    dir.remove();
  }
}

printFigures('demo session', [
  [`"connect" → QR available to the UI, median of ${RUNS}`, `${median(qrTimes).toFixed(0)} ms`],
  [`baseline: RSS with no session, median of ${RUNS}`, `${median(idleRss).toFixed(1)} MB`],
  [
    `RSS, one demo session of 10 groups × 1,024 members (includes the simulator's world), median of ${RUNS}`,
    `${median(connectedRss).toFixed(1)} MB`,
  ],
  ['ratio connected / idle', `${(median(connectedRss) / median(idleRss)).toFixed(2)}×`],
]);
verdict();
