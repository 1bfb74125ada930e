// Start-up of the built headless console until it accepts a WebSocket, from a cold page
// cache, against a bare `node -e ""` in the same run, and its idle memory.
//
// Dropping the whole page cache needs a privilege containers rarely grant, so before each
// cold start every file the console reads at start-up (out/ and the packages it imports,
// found by following its imports) is evicted with posix_fadvise(DONTNEED) through
// `dd iflag=nocache`, and `fincore` confirms it left the cache. The Node binary itself stays
// cached: other processes have it mapped, as they would on a coordinator's machine.
//
// BENCH_BEFORE_OUT=/path/to/other/out starts another build (e.g. main before a change) in
// the same loop, for before/after figures from one run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, goal, verdict, within } from './bench-checks.js';
import { median, printFigures } from './figures.js';

announce('spawn of out/main/headless.js → first WebSocket accepted, cold and warm page cache, against spawn of `node -e ""`');
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

const root = resolve(import.meta.dirname, '..');
const builds = [
  ...(process.env.BENCH_BEFORE_OUT ? [{ label: 'before', out: resolve(process.env.BENCH_BEFORE_OUT, 'main') }] : []),
  { label: process.env.BENCH_BEFORE_OUT ? 'after' : 'this build', out: join(root, 'out', 'main') },
];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => (name === 'node_modules' ? [] : filesUnder(join(path, name))));
}

/** The packages the start-up imports statically, and everything they depend on. */
function startupPackages(out: string): string[] {
  const seen = new Set<string>();
  const bundles = new Set<string>([join(out, 'headless.js')]);
  const bareImports = new Set<string>();
  for (const file of bundles) {
    const text = readFileSync(file, 'utf8');
    // Static imports only: a dynamic import() (Baileys) is not part of start-up.
    for (const [, spec] of text.matchAll(/^(?:import|export)\b[^;'"]*?from\s*["']([^"']+)["']/gm)) {
      if (!spec || spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) bundles.add(resolve(dirname(file), spec));
      else bareImports.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  const visit = (name: string, from: string) => {
    let manifest: string;
    try {
      manifest = createRequire(join(from, 'noop.js')).resolve(`${name}/package.json`);
    } catch {
      return;
    }
    const dir = dirname(manifest);
    if (seen.has(dir)) return;
    seen.add(dir);
    const dependencies = (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
    for (const dependency of Object.keys(dependencies)) visit(dependency, dir);
  };
  for (const name of bareImports) visit(name, root);
  return [...seen];
}

const packages = [...new Set(builds.flatMap((build) => startupPackages(build.out)))];
const coldFiles = [...new Set([...builds.flatMap((build) => filesUnder(build.out)), ...packages.flatMap(filesUnder)])];
// A native module another process has mapped (the node_modules of this shared machine are
// hard links of one another) cannot be evicted; it is reported, not counted as a failure.
const scriptFiles = coldFiles.filter((file) => !file.endsWith('.node'));
const nativeFiles = coldFiles.filter((file) => file.endsWith('.node'));

function evict(): void {
  for (const file of coldFiles) spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
}

/** Bytes of `files` still in the page cache, from fincore's RES column. */
function cachedBytes(files: readonly string[]): number {
  let total = 0;
  for (let i = 0; i < files.length; i += 200) {
    const result = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', ...files.slice(i, i + 200)], { encoding: 'utf8' });
    for (const line of result.stdout.split('\n')) total += Number(line.trim()) || 0;
  }
  return total;
}

function bareNodeMs(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  return performance.now() - started;
}

async function accepts(url: string): Promise<void> {
  (await connectConsole(url)).close();
}

/** A start in a fresh data folder (the first run: it builds the whole schema), or in `existing`. */
async function startMs(out: string, existing?: string): Promise<number> {
  const dir = existing ? null : makeTempDir('bench-start-');
  const started = performance.now();
  const running = await startHeadlessConsole(existing ?? dir!.path, [], {}, { entry: join(out, 'headless.js') });
  await within(accepts(running.url), 10_000, 'WebSocket accepted');
  const ms = performance.now() - started;
  await running.stop();
  dir?.remove();
  return ms;
}

const totalBytes = scriptFiles.reduce((sum, file) => sum + statSync(file).size, 0);
const RUNS = 7;
const cold = builds.map((): number[] => []);
// An installed console starts on the data folder it made before: no schema to build.
const reopened = builds.map((): number[] => []);
const folders = builds.map(() => makeTempDir('bench-reopen-'));
for (const [index, build] of builds.entries()) await startMs(build.out, folders[index]!.path);
const warm = builds.map((): number[] => []);
const bare: number[] = [];
const leftCached: number[] = [];
let nativeCached = 0;
for (let run = 0; run < RUNS; run++) {
  bare.push(bareNodeMs());
  for (const [index, build] of builds.entries()) {
    warm[index]!.push(await startMs(build.out));
    evict();
    leftCached.push(cachedBytes(scriptFiles));
    nativeCached = Math.max(nativeCached, cachedBytes(nativeFiles));
    cold[index]!.push(await startMs(build.out));
    evict();
    reopened[index]!.push(await startMs(build.out, folders[index]!.path));
  }
}
for (const folder of folders) folder.remove();
const worstLeft = Math.max(...leftCached);
// Other processes on a shared machine may read the same files back in between; a quarter is
// tolerated (on a loaded shared machine they re-read the popular packages within seconds), more
// means eviction did not work here.
check(
  worstLeft <= totalBytes * 0.25,
  `eviction left ${(worstLeft / 1e6).toFixed(1)} of ${(totalBytes / 1e6).toFixed(1)} MB cached: the "cold" starts were not cold`,
);

const dir = makeTempDir('bench-idle-');
const running = await startHeadlessConsole(dir.path);
await within(accepts(running.url), 10_000, 'WebSocket accepted');
await new Promise((resolve) => setTimeout(resolve, 5_000));
const idle = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${running.process.pid ?? 0}/status`, 'utf8'))?.[1] ?? 0) / 1024;
await running.stop();
dir.remove();

const last = builds.length - 1;
printFigures('headless start-up', [
  [
    `files evicted before each cold start (out/ + ${packages.length} packages)`,
    `${scriptFiles.length} files, ${(totalBytes / 1e6).toFixed(1)} MB; at most ${(worstLeft / 1e3).toFixed(0)} kB still cached`,
  ],
  ['native modules still cached (mapped by other processes)', `${(nativeCached / 1e6).toFixed(1)} MB`],
  [`baseline: bare \`node -e ""\` start, median of ${RUNS}`, `${median(bare).toFixed(0)} ms`],
  ...builds.flatMap(({ label }, index): [string, string][] => {
    const ratio = median(cold[index]!) / median(bare);
    return [
      [`${label}: cold start until a WebSocket is accepted, median of ${RUNS}`, `${median(cold[index]!).toFixed(0)} ms`],
      [`${label}: warm start, median of ${RUNS}`, `${median(warm[index]!).toFixed(0)} ms`],
      [
        `${label}: cold start on a data folder made before (no schema to build), median of ${RUNS}`,
        `${median(reopened[index]!).toFixed(0)} ms, ${(median(reopened[index]!) / median(bare)).toFixed(1)}× bare node`,
      ],
      [
        `${label}: ratio cold start / bare node`,
        index === last ? `${ratio.toFixed(1)}×, goal ${goal('≤ 3×', ratio <= 3)}` : `${ratio.toFixed(1)}×`,
      ],
      [`${label}: ratio warm start / bare node`, `${(median(warm[index]!) / median(bare)).toFixed(1)}×`],
    ];
  }),
  ['idle RSS after 5 s, fresh data folder', `${idle.toFixed(1)} MB`],
]);
verdict();
