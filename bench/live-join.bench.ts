// In Chromium against the built headless console, with the workshop page open on the demo
// group: the time from a join (or leave) reaching the core until the frame in which the
// cards, the tab counts and the open Missing table all show it, and how many renders a
// burst of 500 joins costs. The page itself sends the demo's join over its own WebSocket, so
// start and end are read on one clock. On every change of the page an observer checks that
// cards, tabs and the timeline agree with each other. Joins and leaves are reported apart:
// hops, CPU per change of the core and the page, and the page's React commits per change
// (counted through the hook React reports to developer tools), animation frames included.
//
// BENCH_BEFORE_OUT=/path/to/other/out measures another build (e.g. main before a change)
// in the same run, first, for before/after figures from one sitting.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../shared/contract/wire.js';
import { demoPerson } from '../app/core/whatsapp/simulator/demo-world.js';
import { launchChromium, saveScreenshot } from '../tests/support/browser.js';
import { linkDemoGroup } from '../tests/support/demo-group.js';
import { chromiumRequirement } from '../tests/support/requirements.js';
import { localTimeInDays } from '../shared/time/local-date-time.js';
import { startDemoBenchConsole } from './demo-bench-console.js';
import { announce, check, goal, verdict } from './bench-checks.js';
import { mean, median, percentile, printFigures } from './figures.js';
import { pageCpuMeter } from './page-cpu.js';
import { processCpuMs } from './process-cpu.js';

announce(
  'demo join/leave sent from the page → the frame showing it on the cards, tab counts and Missing table; renders for a 500-join burst; Chromium',
);
const chromium = chromiumRequirement();
if (!chromium.available) process.exit(0);
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

const SINGLES = 30;
const BURST = 500;
const builds = [
  ...(process.env.BENCH_BEFORE_OUT ? [{ label: 'before', entry: join(process.env.BENCH_BEFORE_OUT, 'main', 'headless.js') }] : []),
  { label: process.env.BENCH_BEFORE_OUT ? 'after' : 'this build', entry: undefined },
];

type Kind = 'join' | 'leave';

/** What one kind of single change cost: CPU from the call until its frame, per process, and the page's React commits. */
interface ChangeCost {
  core: number[];
  page: number[];
  pageScript: number[];
  /** React commits from the call until 300 ms after it is on screen (animation frames included). */
  commits: number[];
}

interface BuildFigures {
  idle: number[];
  joins: number[];
  leaves: number[];
  /** Per-hop split of every single join and leave. */
  hops: (Hops & { kind: Kind })[];
  burstRenders: number;
  burstMs: number;
  inconsistencies: string[];
  cpu: Record<Kind, ChangeCost> & { coreIdleMsPerS: number; benchOnly: { core: number[]; page: number[] } };
}

/** Counts the page's React commits through the hook React reports to developer tools, installed before the app starts. */
const countCommits = `(() => {
  window.__commits = 0;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    renderers: new Map(), supportsFiber: true, isDisabled: false,
    inject(renderer) { this.renderers.set(this.renderers.size + 1, renderer); return this.renderers.size; },
    onCommitFiberRoot() { window.__commits++; },
    onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, onScheduleFiberRoot() {}, checkDCE() {},
  };
})();`;

/**
 * Wraps the page's WebSocket before the app starts: every frame in and out is logged with
 * its arrival time, so a join can be split into hops (event pushed, refetch calls sent,
 * replies in, DOM updated, frame painted) on the page's own clock.
 */
const traceSockets = `(() => {
  const log = [];
  window.__wsLog = log;
  const Original = window.WebSocket;
  class Traced extends Original {
    constructor(...args) {
      super(...args);
      this.__label = 'app';
      this.addEventListener('message', (event) => {
        const t = performance.now();
        let frame = null;
        try { frame = JSON.parse(event.data); } catch {}
        log.push({ t, socket: this.__label, dir: 'in', type: frame && frame.type, name: frame && (frame.event || frame.method), id: frame && frame.id, bytes: String(event.data).length });
      });
    }
    send(data) {
      let frame = null;
      try { frame = JSON.parse(data); } catch {}
      log.push({ t: performance.now(), socket: this.__label, dir: 'out', type: frame && frame.type, name: frame && frame.method, id: frame && frame.id, bytes: String(data).length });
      return super.send(data);
    }
  }
  window.WebSocket = Traced;
})();`;

/** Where the time of one change went, in ms from the bench's call. */
interface Hops {
  /** The core got the call, the simulator joined, the join was committed and `members:changed` reached the page. */
  event: number;
  /** The page decided to refetch and sent its calls. */
  callsSent: number;
  /** The last reply to those calls arrived. */
  replies: number;
  /** The DOM showed the new numbers (React committed). */
  dom: number;
  /** The frame that painted it. */
  frame: number;
  /** Calls the page made for this change, and the bytes of their replies, by method. */
  calls: Record<string, number>;
  /** Size of the `members:changed` frame, which carries the cards, the open window and the timeline. */
  eventBytes: number;
}

/** Installs the observer that checks, at every change of the page, that its numbers agree. */
async function watchConsistency(page: Page): Promise<void> {
  await page.evaluate(() => {
    const number = (text: string | null | undefined) => Number((text ?? '').replace(/[^\d]/g, '') || Number.NaN);
    const card = (label: string) => number(document.querySelector(`[role="group"][aria-label="${label}"] .stat-card__value`)?.textContent);
    const tabCount = (id: string) => number(document.querySelector(`[role="tab"][id$="-tab-${id}"] .tabs__count`)?.textContent);
    const found: string[] = [];
    const observer = new MutationObserver(() => {
      const registered = card('Registered');
      const inGroup = card('In Group');
      const missing = card('Missing');
      const left = card('Left');
      const problems: string[] = [];
      if (registered !== inGroup + missing + left)
        problems.push(`Registered ${registered} ≠ In Group ${inGroup} + Missing ${missing} + Left ${left}`);
      if (tabCount('in-group') !== inGroup) problems.push(`In Group card ${inGroup}, tab ${tabCount('in-group')}`);
      if (tabCount('missing') !== missing) problems.push(`Missing card ${missing}, tab ${tabCount('missing')}`);
      if (tabCount('left') !== left) problems.push(`Left card ${left}, tab ${tabCount('left')}`);
      const status = document.querySelector('.member-table [role="status"]')?.textContent;
      const selected = document.querySelector('[role="tab"][aria-selected="true"]')?.id.replace(/^.*-tab-/, '');
      const search = (document.querySelector('.member-table input[type="search"]') as HTMLInputElement | null)?.value ?? '';
      if (status && search === '' && selected && number(status) !== tabCount(selected))
        problems.push(`${selected} table says "${status}", its tab ${tabCount(selected)}`);
      const timeline = /^(\d+) in the group of (\d+) registered/.exec(
        document.querySelector('.timeline .visually-hidden')?.textContent ?? '',
      );
      if (timeline && (Number(timeline[1]) !== inGroup || Number(timeline[2]) !== registered))
        problems.push(`timeline ${timeline[0]}, cards ${inGroup} of ${registered}`);
      if (problems.length > 0 && found.length < 20) found.push(problems.join('; '));
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    (window as unknown as { inconsistencies: string[] }).inconsistencies = found;
  });
}

/**
 * Sends demo:simulate calls from the page over its own WebSocket and resolves with the
 * time until an animation frame finds the cards at the wanted values, and how many distinct
 * In Group values the page showed on the way (its renders of the change).
 */
function changeInPage(
  page: Page,
  token: string,
  calls: unknown[],
  want: { inGroup: number; left: number; missing: number },
): Promise<{ ms: number; renders: number; hops: Hops | null }> {
  return page.evaluate(
    async ([calls, want, protocol, tokenPrefix, token]) => {
      const card = (label: string) =>
        Number(
          (document.querySelector(`[role="group"][aria-label="${label}"] .stat-card__value`)?.textContent ?? '').replace(/[^\d]/g, ''),
        );
      const status = () => Number((document.querySelector('.member-table [role="status"]')?.textContent ?? '').replace(/[^\d]/g, ''));
      const ws = new WebSocket(`ws://${location.host}/api`, [protocol, `${tokenPrefix}${token}`]);
      (ws as unknown as { __label: string }).__label = 'bench';
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      const seen = new Set<string>();
      const wanted = () =>
        card('In Group') === want.inGroup && card('Left') === want.left && card('Missing') === want.missing && status() === want.missing;
      let domAt: number | null = null;
      const observer = new MutationObserver(() => {
        seen.add(String(card('In Group')));
        if (domAt === null && wanted()) domAt = performance.now();
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      const started = performance.now();
      calls.forEach((input, id) => ws.send(JSON.stringify({ type: 'call', id, method: 'demo:simulate', input })));
      try {
        for (;;) {
          const at = await new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
          if (wanted()) {
            type Entry = { t: number; socket: string; dir: 'in' | 'out'; type: string; name: string; id: number; bytes: number };
            const log = ((window as unknown as { __wsLog: Entry[] }).__wsLog ?? []).filter(
              (entry) => entry.t >= started && entry.t <= at && entry.socket === 'app',
            );
            const event = log.find((entry) => entry.type === 'event' && entry.name === 'members:changed');
            const sent = log.filter((entry) => entry.dir === 'out' && event && entry.t >= event.t);
            const ids = new Map(sent.map((entry) => [entry.id, entry.name]));
            const replies = log.filter((entry) => entry.dir === 'in' && entry.type === 'result' && ids.has(entry.id));
            const calls: Record<string, number> = {};
            for (const reply of replies) calls[ids.get(reply.id)!] = (calls[ids.get(reply.id)!] ?? 0) + reply.bytes;
            // A change that carried everything the page shows has no calls: those two hops take no time.
            const refetched = sent.length > 0 && replies.length > 0;
            const hops =
              event && domAt !== null
                ? {
                    event: event.t - started,
                    callsSent: (refetched ? sent[0]!.t : event.t) - started,
                    replies: (refetched ? replies.at(-1)!.t : event.t) - started,
                    dom: domAt - started,
                    frame: at - started,
                    calls,
                    eventBytes: event.bytes,
                  }
                : null;
            return { ms: at - started, renders: seen.size, hops };
          }
          if (at - started > 20_000)
            throw new Error(
              `page did not show ${JSON.stringify(want)} within 20 s (In Group ${card('In Group')}, Left ${card('Left')}, Missing ${card('Missing')})`,
            );
        }
      } finally {
        observer.disconnect();
        ws.close();
      }
    },
    [calls, want, WS_PROTOCOL, WS_TOKEN_PREFIX, token] as const,
  );
}

async function measure(browser: Browser, entry: string | undefined): Promise<BuildFigures> {
  const { dir, running, api } = await startDemoBenchConsole('bench-live-', entry);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    const { session, group } = await linkDemoGroup(api);
    // 100 people already in the group, 30 who join one by one, 500 who join in a burst, 100 who never do.
    const members = Array.from({ length: 100 }, (_, i) => demoPerson(1 + i).phone);
    const singles = Array.from({ length: SINGLES }, (_, i) => `9190000${String(10_000 + i).padStart(5, '0')}`);
    const burst = Array.from({ length: BURST }, (_, i) => `9190001${String(10_000 + i).padStart(5, '0')}`);
    const absent = Array.from({ length: 100 }, (_, i) => `9190002${String(10_000 + i).padStart(5, '0')}`);
    const everyone = [...members, ...singles, ...burst, ...absent];
    const workshop = await api.call('workshops:create', {
      name: 'Live',
      startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });
    await api.call('leads:import', {
      workshopId: workshop.id,
      csv: ['Name,Phone', ...everyone.map((phone, i) => `Lead ${i},${phone}`)].join('\n'),
      mapping: { name: 'Name', phone: 'Phone', email: null },
    });
    await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group.jid });
    let { inGroup, left, missing } = (await api.call('workshops:get', { id: workshop.id })).stats;
    check(inGroup === members.length && missing === everyone.length - members.length, `start: ${inGroup} in group, ${missing} missing`);

    await page.addInitScript('window.__name = (fn) => fn');
    await page.addInitScript(traceSockets);
    await page.addInitScript(countCommits);
    await page.goto(running.url);
    await page
      .getByRole('button', { name: 'Workshops', exact: true })
      .click({ timeout: 60_000 })
      .catch(async (error: Error) => {
        await saveScreenshot(page, 'live-join-no-sidebar');
        throw error;
      });
    await page.getByRole('button', { name: 'Live' }).click();
    await page.getByRole('table', { name: 'Missing' }).waitFor({ timeout: 30_000 });
    await page.locator('.timeline .visually-hidden').waitFor({ state: 'attached', timeout: 30_000 });
    await watchConsistency(page);

    // The page drops the token from its address once read; the bench's own call uses it too.
    const token = new URLSearchParams(new URL(running.url).hash.slice(1)).get('token') ?? '';
    const figures: BuildFigures = {
      idle: [],
      joins: [],
      leaves: [],
      hops: [],
      burstRenders: 0,
      burstMs: 0,
      inconsistencies: [],
      cpu: {
        join: { core: [], page: [], pageScript: [], commits: [] },
        leave: { core: [], page: [], pageScript: [], commits: [] },
        coreIdleMsPerS: 0,
        benchOnly: { core: [], page: [] },
      },
    };
    const commits = () => page.evaluate(() => (window as unknown as { __commits: number }).__commits);
    const pageCpu = await pageCpuMeter(page);
    const pid = running.process.pid!;
    const idleStarted = { cpu: processCpuMs(pid), at: performance.now() };
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    figures.cpu.coreIdleMsPerS = ((processCpuMs(pid) - idleStarted.cpu) * 1000) / (performance.now() - idleStarted.at);
    const timedCpu = async <T>(change: () => Promise<T>, into: { core: number[]; page: number[]; pageScript?: number[] }) => {
      const [core, pageBefore] = [processCpuMs(pid), await pageCpu()];
      const result = await change();
      const pageAfter = await pageCpu();
      into.core.push(processCpuMs(pid) - core);
      into.page.push(pageAfter.task - pageBefore.task);
      into.pageScript?.push(pageAfter.script - pageBefore.script);
      return result;
    };
    // The bench's own share of those figures: its socket, its call and its observers, for a call that changes nothing.
    const benchOnly = () =>
      timedCpu(() => changeInPage(page, token, [simulate([], [])], { inGroup, left, missing }), figures.cpu.benchOnly);
    const simulate = (join: string[], leave: string[]) => ({
      sessionId: session.id,
      groupJid: group.jid,
      join: join.map((phone) => ({ phone })),
      leave,
    });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    for (const phone of singles) {
      figures.idle.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const started = performance.now();
              requestAnimationFrame(() => resolve(performance.now() - started));
            }),
        ),
      );
      await benchOnly();
      await pause();
      inGroup++;
      missing--;
      const committed = await commits();
      const joined = await timedCpu(() => changeInPage(page, token, [simulate([phone], [])], { inGroup, left, missing }), figures.cpu.join);
      figures.joins.push(joined.ms);
      if (joined.hops) figures.hops.push({ ...joined.hops, kind: 'join' });
      await pause();
      figures.cpu.join.commits.push((await commits()) - committed);
    }
    for (const phone of singles) {
      inGroup--;
      left++;
      const committed = await commits();
      const gone = await timedCpu(() => changeInPage(page, token, [simulate([], [phone])], { inGroup, left, missing }), figures.cpu.leave);
      figures.leaves.push(gone.ms);
      if (gone.hops) figures.hops.push({ ...gone.hops, kind: 'leave' });
      await pause();
      figures.cpu.leave.commits.push((await commits()) - committed);
    }
    inGroup += BURST;
    missing -= BURST;
    const burstResult = await changeInPage(
      page,
      token,
      burst.map((phone) => simulate([phone], [])),
      { inGroup, left, missing },
    );
    figures.burstRenders = burstResult.renders;
    figures.burstMs = burstResult.ms;
    // Let any trailing refresh land before reading what the observer saw.
    await pause();
    figures.inconsistencies = await page.evaluate(() => (window as unknown as { inconsistencies: string[] }).inconsistencies);
    const final = (await api.call('workshops:get', { id: workshop.id })).stats;
    check(
      final.inGroup === inGroup && final.left === left,
      `core says ${final.inGroup} in group, ${final.left} left; the bench expected ${inGroup}, ${left}`,
    );
    return figures;
  } finally {
    await page.close();
    api.close();
    await running.stop();
    dir.remove();
  }
}

const browser = await launchChromium(chromium.executablePath);
const results: { label: string; figures: BuildFigures }[] = [];
try {
  for (const build of builds) results.push({ label: build.label, figures: await measure(browser, build.entry) });
} finally {
  await browser.close();
}

/** Each hop's own duration (from the previous one), median and p95 over every single join and leave. */
function hopRows(kind: string, hops: Hops[]): [string, string][] {
  if (hops.length === 0) return [[`per-hop split, ${kind}`, 'not measured (no members:changed seen)']];
  const span = (name: string, values: number[]): [string, string] => [
    `  ${name}, median / p95`,
    `${median(values).toFixed(1)} / ${percentile(values, 95).toFixed(1)} ms`,
  ];
  const methods = [...new Set(hops.flatMap((hop) => Object.keys(hop.calls)))].sort();
  return [
    [`per hop, of ${hops.length} ${kind}:`, ''],
    ...(
      [
        ['call → members:changed in the page (core: simulate, commit, push)', (hop) => hop.event],
        ['members:changed → refetch calls sent (page)', (hop) => hop.callsSent - hop.event],
        ['calls sent → last reply in (core reads, transfer)', (hop) => hop.replies - hop.callsSent],
        ['last reply (or the event) → DOM shows it (parse, React)', (hop) => hop.dom - hop.replies],
        ['DOM → painted frame', (hop) => hop.frame - hop.dom],
      ] as [string, (hop: Hops) => number][]
    ).map(([name, duration]) => span(name, hops.map(duration))),
    ['  changes shown without any refetch', `${hops.filter((hop) => Object.keys(hop.calls).length === 0).length} of ${hops.length}`],
    ['  members:changed frame, median bytes', median(hops.map((hop) => hop.eventBytes)).toFixed(0)],
    [
      '  refetch replies, median bytes',
      methods.length === 0
        ? 'none'
        : methods.map((method) => `${method} ${median(hops.map((hop) => hop.calls[method] ?? 0)).toFixed(0)}`).join(', '),
    ],
  ];
}

for (const { label, figures } of results) {
  const final = label !== 'before';
  check(
    !final || figures.inconsistencies.length === 0,
    `${label}: cards, tabs and timeline disagreed: ${figures.inconsistencies.slice(0, 3).join(' | ')}`,
  );
  printFigures(`live join → visible, ${label}`, [
    [`baseline: idle page, call → next animation frame, median of ${SINGLES}`, `${median(figures.idle).toFixed(1)} ms`],
    [
      `join → on screen, median / p95 of ${SINGLES}`,
      `${median(figures.joins).toFixed(1)} / ${percentile(figures.joins, 95).toFixed(1)} ms`,
    ],
    [
      `leave → on screen, median / p95 of ${SINGLES}`,
      `${median(figures.leaves).toFixed(1)} / ${percentile(figures.leaves, 95).toFixed(1)} ms`,
    ],
    [`burst of ${BURST} joins (one call each): renders of the In Group card`, String(figures.burstRenders)],
    [`burst of ${BURST} joins: until the last is on screen`, `${figures.burstMs.toFixed(0)} ms`],
    [
      'moments cards, tabs and timeline disagreed',
      figures.inconsistencies.length === 0 ? 'none' : `${figures.inconsistencies.length}: ${figures.inconsistencies[0]}`,
    ],
    ...hopRows(
      'joins',
      figures.hops.filter((hop) => hop.kind === 'join'),
    ),
    ...hopRows(
      'leaves',
      figures.hops.filter((hop) => hop.kind === 'leave'),
    ),
    ...(['join', 'leave'] as const).flatMap((kind): [string, string][] => {
      const cost = figures.cpu[kind];
      return [
        [`CPU per single ${kind} (${cost.core.length}), mean / median:`, ''],
        [
          '  core process, every thread',
          `${mean(cost.core).toFixed(1)} / ${median(cost.core).toFixed(1)} ms (idle: ${figures.cpu.coreIdleMsPerS.toFixed(1)} ms per s)`,
        ],
        [
          '  page main thread, all tasks / script only',
          `${mean(cost.page).toFixed(1)} / ${median(cost.page).toFixed(1)} ms, script ${mean(cost.pageScript).toFixed(1)} / ${median(cost.pageScript).toFixed(1)} ms`,
        ],
        [
          `  page React commits per ${kind}, until 300 ms after it is on screen, median / max`,
          `${median(cost.commits)} / ${Math.max(...cost.commits)}`,
        ],
      ];
    }),
    [
      `  of which the bench itself (a call that changes nothing, ${figures.cpu.benchOnly.core.length}): core / page`,
      `${mean(figures.cpu.benchOnly.core).toFixed(1)} / ${mean(figures.cpu.benchOnly.page).toFixed(1)} ms`,
    ],
    ...(final
      ? ([
          ['join p95 ≤ 50 ms', goal('join p95 ≤ 50 ms', percentile(figures.joins, 95) <= 50)],
          ['leave p95 ≤ 50 ms', goal('leave p95 ≤ 50 ms', percentile(figures.leaves, 95) <= 50)],
          ['burst renders ≤ 10', goal('burst renders ≤ 10', figures.burstRenders <= 10)],
        ] as [string, string][])
      : []),
  ]);
}
verdict();
