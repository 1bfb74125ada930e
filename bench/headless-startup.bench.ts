// Start-up of the built headless console until its first answer, from a cold page cache,
// against a bare `node -e ""` in the same run, and its idle memory. The first answer is what a
// user's page or a test can get first: an `app:info` call answered over the authenticated
// WebSocket, so a console that listened early but answered late would not look faster.
//
// Dropping the whole page cache needs a privilege containers rarely grant, so before each
// cold start every file the console reads at start-up (out/ and the packages it imports,
// found by following its imports) is evicted with posix_fadvise(DONTNEED) through
// `dd iflag=nocache`, and `fincore` confirms it left the cache. The Node binary itself stays
// cached: other processes have it mapped, as they would on a coordinator's machine.
//
// BENCH_BEFORE_OUT=/path/to/other/out starts another build (e.g. main before a change) in
// the same loop, for before/after figures from one run. This build is also started with the
// young generation left to V8 (NODE_OPTIONS=--max-semi-space-size=16, which the console takes
// as the caller sizing it and so skips its own setting), to show what that setting costs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, goal, verdict, within } from './bench-checks.js';
import { median, printFigures } from './figures.js';

announce(
  'spawn of out/main/headless.js → first answer (`app:info` over the WebSocket), cold and warm page cache, against spawn of `node -e ""`',
);
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

const root = resolve(import.meta.dirname, '..');
interface Build {
  label: string;
  out: string;
  env?: NodeJS.ProcessEnv;
}
const thisBuild = process.env.BENCH_BEFORE_OUT ? 'after' : 'this build';
const builds: Build[] = [
  ...(process.env.BENCH_BEFORE_OUT ? [{ label: 'before', out: resolve(process.env.BENCH_BEFORE_OUT, 'main') }] : []),
  { label: thisBuild, out: join(root, 'out', 'main') },
  { label: `${thisBuild}, young generation left to V8`, out: join(root, 'out', 'main'), env: { NODE_OPTIONS: '--max-semi-space-size=16' } },
];
/** The build the goal is judged on. */
const judged = builds.findIndex((build) => build.label === thisBuild);

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

/** CPU time (user + system) of a bare `node -e ""`, from the shell's account of its children. */
function bareNodeCpuMs(): number {
  const result = spawnSync('bash', ['-c', `"$0" -e ''; times`, process.execPath], { encoding: 'utf8' });
  const children = result.stdout.trim().split('\n').at(-1) ?? '';
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, min, sec]) => sum + (Number(min) * 60 + Number(sec)) * 1000, 0);
}

/**
 * CPU time (user + system) a process has used so far, summed over its threads from schedstat
 * (nanoseconds; /proc/<pid>/stat counts in 10 ms ticks, too coarse for a 300 ms start).
 */
function cpuMsOf(pid: number): number {
  const threads = readdirSync(`/proc/${pid}/task`);
  return threads.reduce(
    (sum, thread) => sum + Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]) / 1e6,
    0,
  );
}

/** The first answer a page or a test can get: `app:info` over the authenticated socket, checked. */
async function firstAnswer(url: string, dataDir: string): Promise<void> {
  const client = await connectConsole(url);
  try {
    const info = (await client.call('app:info', {})) as { shell: string; dataDir: string };
    check(info.shell === 'headless' && info.dataDir === dataDir, `app:info answered ${JSON.stringify(info)} for ${dataDir}`);
  } finally {
    client.close();
  }
}

interface Start {
  ms: number;
  cpuMs: number;
}

/** A start in a fresh data folder (the first run: it builds the whole schema), or in `existing`. */
async function start(build: Build, existing?: string): Promise<Start> {
  const dir = existing ? null : makeTempDir('bench-start-');
  const dataDir = existing ?? dir!.path;
  const started = performance.now();
  const running = await startHeadlessConsole(dataDir, [], build.env ?? {}, { entry: join(build.out, 'headless.js') });
  await within(firstAnswer(running.url, dataDir), 10_000, 'first answer');
  const ms = performance.now() - started;
  const cpuMs = cpuMsOf(running.process.pid ?? 0);
  await running.stop();
  dir?.remove();
  return { ms, cpuMs };
}

const totalBytes = scriptFiles.reduce((sum, file) => sum + statSync(file).size, 0);
const RUNS = 7;
const cold = builds.map((): Start[] => []);
// An installed console starts on the data folder it made before: no schema to build.
const reopened = builds.map((): Start[] => []);
const folders = builds.map(() => makeTempDir('bench-reopen-'));
for (const [index, build] of builds.entries()) await start(build, folders[index]!.path);
const warm = builds.map((): Start[] => []);
const bare: number[] = [];
const bareCpu: number[] = [];
const leftCached: number[] = [];
let nativeCached = 0;
for (let run = 0; run < RUNS; run++) {
  bare.push(bareNodeMs());
  bareCpu.push(bareNodeCpuMs());
  for (const [index, build] of builds.entries()) {
    warm[index]!.push(await start(build));
    evict();
    leftCached.push(cachedBytes(scriptFiles));
    nativeCached = Math.max(nativeCached, cachedBytes(nativeFiles));
    cold[index]!.push(await start(build));
    evict();
    reopened[index]!.push(await start(build, folders[index]!.path));
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
await within(firstAnswer(running.url, dir.path), 10_000, 'first answer');
await new Promise((resolve) => setTimeout(resolve, 5_000));
const idle = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${running.process.pid ?? 0}/status`, 'utf8'))?.[1] ?? 0) / 1024;
await running.stop();
dir.remove();

const wall = (starts: readonly Start[]) => median(starts.map((one) => one.ms));
const cpu = (starts: readonly Start[]) => median(starts.map((one) => one.cpuMs));
const bareMs = median(bare);
const describe = (starts: readonly Start[]) =>
  `${wall(starts).toFixed(0)} ms = ${(wall(starts) / bareMs).toFixed(1)}× bare node; CPU ${cpu(starts).toFixed(0)} ms`;
const before = builds.findIndex((build) => build.label === 'before');
const leftToV8 = builds.length - 1;
printFigures('headless start-up', [
  [
    `files evicted before each cold start (out/ + ${packages.length} packages)`,
    `${scriptFiles.length} files, ${(totalBytes / 1e6).toFixed(1)} MB; at most ${(worstLeft / 1e3).toFixed(0)} kB still cached`,
  ],
  ['native modules still cached (mapped by other processes)', `${(nativeCached / 1e6).toFixed(1)} MB`],
  [`baseline: bare \`node -e ""\` start, median of ${RUNS}`, `${bareMs.toFixed(0)} ms; CPU ${median(bareCpu).toFixed(0)} ms`],
  ...builds.flatMap(({ label }, index): [string, string][] => {
    const ratio = wall(cold[index]!) / bareMs;
    return [
      [`${label}: cold start until the first answer, new data folder, median of ${RUNS}`, describe(cold[index]!)],
      [
        `${label}: ratio cold start / bare node`,
        index === judged ? `${ratio.toFixed(1)}×, goal ${goal('≤ 3×', ratio <= 3)}` : `${ratio.toFixed(1)}×`,
      ],
      [`${label}: cold start, data folder made before (no schema to build)`, describe(reopened[index]!)],
      [`${label}: warm start, new data folder`, describe(warm[index]!)],
    ];
  }),
  ...(before >= 0
    ? ([
        [
          'after / before, cold start: wall, CPU',
          `${(wall(cold[judged]!) / wall(cold[before]!)).toFixed(2)}, ${(cpu(cold[judged]!) / cpu(cold[before]!)).toFixed(2)}`,
        ],
        [
          'after / before, cold start on a folder made before: wall, CPU',
          `${(wall(reopened[judged]!) / wall(reopened[before]!)).toFixed(2)}, ${(cpu(reopened[judged]!) / cpu(reopened[before]!)).toFixed(2)}`,
        ],
      ] as [string, string][])
    : []),
  [
    "the console's young-generation setting: cold start with it minus left to V8, wall and CPU",
    `${(wall(cold[judged]!) - wall(cold[leftToV8]!)).toFixed(0)} ms, ${(cpu(cold[judged]!) - cpu(cold[leftToV8]!)).toFixed(0)} ms`,
  ],
  ['idle RSS after 5 s, fresh data folder', `${idle.toFixed(1)} MB`],
]);
verdict();
