// In Chromium against the built headless console: a workshop of 50,000 leads linked to the
// demo group. Each figure runs from the user's action (a tab click, a keystroke, a click on a
// column header) until the frame in which the expected rows and their count are in the page,
// checked against the core's own answer; an idle frame in the same page is the baseline.
// Also frame gaps while scrolling the 50,000-row Missing tab.
import { execFileSync } from 'node:child_process';
import { memberTabs, type MemberRow, type MemberSort, type MemberTab, type MemberWindow } from '../shared/workshops/workshop-schemas.js';
import { demoPerson } from '../electron/core/whatsapp/simulator/demo-world.js';
import { createRowSearch } from '../renderer/src/pages/workshops/search-rows.js';
import { memberTabLabels } from '../renderer/src/pages/workshops/member-columns.js';
import { launchChromium } from '../tests/support/browser.js';
import { connectConsole } from '../tests/support/console-client.js';
import { linkDemoGroup } from '../tests/support/demo-group.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { chromiumRequirement } from '../tests/support/requirements.js';
import { localTimeInDays } from '../shared/time/local-date-time.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, goal, verdict } from './bench-checks.js';
import { median, percentile, printFigures } from './figures.js';
import { timeInPage, type OnScreen, type PageAct } from './time-in-page.js';

announce('tab click / keystroke / sort click → the frame showing the expected rows and count, 50,000-lead workshop, Chromium');
const chromium = chromiumRequirement();
if (!chromium.available) process.exit(0);
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

const LEADS = 50_000;
const dir = makeTempDir('bench-browser-');
const running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 0, churnIntervalMs: null }) });
const api = await connectConsole(running.url);
const { session, group } = await linkDemoGroup(api);

// 400 of the group's people registered, 300 newcomers who register and join, 100 of them
// leave again, and 30 unregistered members leave.
const members = Array.from({ length: 400 }, (_, i) => demoPerson(1 + i).phone);
const joiners = Array.from({ length: 300 }, (_, i) => `9190000${String(10_000 + i).padStart(5, '0')}`);
const others = Array.from({ length: LEADS - members.length - joiners.length }, (_, i) => `91${8_000_000_000 + i}`);
const csv = ['Name,Phone', ...[...members, ...joiners, ...others].map((phone, i) => `Lead ${i},${phone}`)].join('\n');
const workshop = await api.call('workshops:create', {
  name: 'Fifty thousand',
  startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
  timeZone: 'Asia/Kolkata',
  durationMinutes: 60,
});
await api.call('leads:import', { workshopId: workshop.id, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });
await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group.jid });
await api.call('demo:simulate', {
  sessionId: session.id,
  groupJid: group.jid,
  join: joiners.map((phone) => ({ phone })),
  leave: joiners.slice(0, 100),
});
await api.call('demo:simulate', {
  sessionId: session.id,
  groupJid: group.jid,
  join: [],
  leave: Array.from({ length: 30 }, (_, i) => demoPerson(450 + i).phone),
});
await new Promise((resolve) => setTimeout(resolve, 500));
const stats = (await api.call('workshops:get', { id: workshop.id })).stats;
const expected = Object.fromEntries(
  await Promise.all(memberTabs.map(async (tab) => [tab, await api.call('workshops:members', { id: workshop.id, tab })] as const)),
) as Record<MemberTab, MemberRow[]>;
// The tabs with rows, Missing (the 50,000-row one) last so the searches and sorts run on it.
const tabs = memberTabs.filter((tab) => tab !== 'missing' && expected[tab].length > 0).concat('missing');
check(tabs.length === memberTabs.length, `empty tabs: ${memberTabs.filter((tab) => !tabs.includes(tab)).join(', ')}`);
check(stats.registered === LEADS, `${stats.registered} registered instead of ${LEADS}`);
check(
  expected.missing.length === stats.missing && expected.missing.length > 49_000,
  `Missing tab has ${expected.missing.length} rows, stats say ${stats.missing}`,
);
check(expected.left.length === 100, `Left tab has ${expected.left.length} rows instead of 100`);

/** The core's first row of a tab for a search and order, cross-checked against the whole tab. */
async function firstOfWindow(tab: MemberTab, search: string, sort: MemberSort | null): Promise<MemberWindow> {
  const window = await api.call('workshops:members-window', { id: workshop.id, tab, search, sort, offset: 0, limit: 1 });
  check(window.total === expected[tab].length, `${tab}: window says ${window.total} rows, the whole tab has ${expected[tab].length}`);
  return window;
}
// The first row of each tab in its own order, as the core answers it.
const firsts = Object.fromEntries(
  await Promise.all(tabs.map(async (tab) => [tab, (await firstOfWindow(tab, '', null)).rows] as const)),
) as Record<MemberTab, MemberRow[]>;
check(firsts.missing[0]?.key === expected.missing[0]?.key, 'Missing: the window and the whole tab start with different people');

const browser = await launchChromium(chromium.executablePath);
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
// tsx keeps function names with a helper the page does not have.
await page.addInitScript('window.__name = (fn) => fn');
await page.goto(running.url);
await page.getByRole('button', { name: 'Workshops', exact: true }).click();
await page.getByRole('button', { name: 'Fifty thousand' }).click();
await page.getByRole('table', { name: 'Missing' }).waitFor({ timeout: 60_000 });

/** What the page must show: the tab's table, the count line and the first row's name. */
interface Expectation {
  table: string;
  status: string;
  firstName: string | null;
}

const onScreen = (want: Expectation): OnScreen => ({
  present: [
    { selector: '.member-table [role="status"]', text: want.status, first: true },
    want.firstName === null
      ? { selector: '.member-table__none' }
      : {
          selector: `[role="table"][aria-label="${want.table}"] [role="rowgroup"].vtable__body [role="row"][aria-rowindex="2"] [role="cell"]`,
          text: want.firstName,
          first: true,
        },
  ],
});
const timeUntilShown = (act: PageAct, want: Expectation) => timeInPage(page, act, onScreen(want));

const people = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'person' : 'people'}`;
// What the Name cell says: the name, or the tab's word for a member without one.
const firstName = (rows: readonly MemberRow[], tab: MemberTab = 'missing') =>
  rows.length === 0 ? null : (rows[0]!.name ?? (tab === 'not-registered' || tab === 'left-not-registered' ? 'Unknown' : '—'));
const tabSelector = (tab: MemberTab) => `[role="tab"][id$="-tab-${tab}"]`;
const searchSelector = '.member-table input[type="search"]';

const idle: number[] = [];
const opens = Object.fromEntries(memberTabs.map((tab) => [tab, [] as number[]])) as Record<MemberTab, number[]>;
const searches: number[] = [];
const clears: number[] = [];
const sorts: number[] = [];
const queries = ['Lead 4', '98000', '8000001234', 'Lead 49999', '91 80000 0', 'nobody'];
const openTab = (tab: MemberTab) =>
  timeUntilShown(
    { click: tabSelector(tab) },
    { table: memberTabLabels[tab], status: people(expected[tab].length), firstName: firstName(firsts[tab], tab) },
  );

for (let round = 0; round < 5; round++) {
  idle.push(await timeInPage(page, 'idle', null));
  // Leaving and coming back mounts the tab afresh: its rows are loaded from the core again.
  for (const tab of tabs) opens[tab].push(await openTab(tab));
  const missing = expected.missing;
  const search = createRowSearch(missing);
  for (const query of queries) {
    const matches = search(query);
    const window = await firstOfWindow('missing', query, null);
    check(window.matching === matches.length, `"${query}": the core finds ${window.matching}, the page's own search ${matches.length}`);
    check(window.rows[0]?.key === matches[0]?.key, `"${query}": the core's first match is not the first in name order`);
    const status = `${matches.length.toLocaleString('en-US')} of ${missing.length.toLocaleString('en-US')} match`;
    searches.push(await timeUntilShown({ type: query, into: searchSelector }, { table: 'Missing', status, firstName: firstName(matches) }));
    clears.push(
      await timeUntilShown(
        { type: '', into: searchSelector },
        { table: 'Missing', status: people(missing.length), firstName: firstName(missing) },
      ),
    );
  }
  // Name ascending, then descending, then back to the core's order by opening the tab again.
  // The core's rule, computed here from the whole tab: case ignored, phone breaks ties.
  const byName = (direction: 'asc' | 'desc') => {
    const sign = direction === 'asc' ? 1 : -1;
    const key = (row: MemberRow) => `${row.name ? 0 : 1}\u0000${(row.name ?? '').toLowerCase()}\u0000${row.phone}`;
    return [...missing].sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  };
  const nameHeader = '[role="table"][aria-label="Missing"] [role="columnheader"] button';
  for (const direction of ['asc', 'desc'] as const) {
    sorts.push(
      await timeUntilShown(
        { click: nameHeader },
        { table: 'Missing', status: people(missing.length), firstName: firstName(byName(direction)) },
      ),
    );
  }
  await openTab(tabs[0]!);
  await openTab('missing');
}

// Scroll through the unfiltered table and record the gap between painted frames.
const frames = await page.evaluate(async () => {
  const scroller = document.querySelector('[role="table"][aria-label="Missing"] .vtable__body') as HTMLElement | null;
  if (!scroller) return [];
  const gaps: number[] = [];
  let last = performance.now();
  for (let step = 0; step < 180; step++) {
    scroller.scrollTop += 400;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }
  return gaps;
});
check(frames.length === 180, 'no scroll container found in the Missing tab');
const rowsInPage = await page.locator('[role="table"][aria-label="Missing"] [role="row"]').count();
check(rowsInPage > 1 && rowsInPage < 200, `${rowsInPage} rows in the page: the table is not virtualised`);

await browser.close();
api.close();
await running.stop();
dir.remove();

const all = (values: number[]) => `median ${median(values).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms`;
const everyOpen = Object.values(opens).flat();
const interactions = [...everyOpen, ...searches, ...clears, ...sorts];
printFigures(`50,000-lead workshop in Chromium (tabs: ${tabs.map((tab) => `${tab} ${expected[tab].length}`).join(', ')})`, [
  ['baseline: idle page, call → next animation frame, median of 5', `${median(idle).toFixed(1)} ms`],
  ...tabs.map((tab): [string, string] => [`open tab "${memberTabLabels[tab]}" → rows on screen, of 5`, all(opens[tab])]),
  [`search the Missing tab → matching rows on screen, of ${searches.length}`, all(searches)],
  [`clear the search → all ${expected.missing.length.toLocaleString('en')} rows back, of ${clears.length}`, all(clears)],
  [`sort the Missing tab by name → sorted rows on screen, of ${sorts.length}`, all(sorts)],
  ['every open, search and sort ≤ 50 ms (p95)', goal('p95 ≤ 50 ms', percentile(interactions, 95) <= 50)],
  ['frame gap while scrolling, median of 180 frames', frames.length ? `${median(frames).toFixed(1)} ms` : '—'],
  ['frame gap while scrolling, p95', frames.length ? `${percentile(frames, 95).toFixed(1)} ms` : '—'],
  ['table rows in the page (virtualised)', String(rowsInPage)],
]);
verdict();
