// In Chromium: filtering the 50,000-row Missing tab (keystroke to painted result) and frame
// times while scrolling it, against an empty filter in the same run.
import { execFileSync } from 'node:child_process';
import type { Workshop } from '../shared/workshops/workshop-schemas.js';
import { launchChromium } from '../tests/support/browser.js';
import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { chromiumRequirement } from '../tests/support/requirements.js';
import { localTimeInDays } from '../tests/support/relative-time.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { median, percentile, printFigures } from './figures.js';

const chromium = chromiumRequirement();
if (!chromium.available) process.exit(0);
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

const dir = makeTempDir('bench-browser-');
const running = await startHeadlessConsole(dir.path);
const api = await connectConsole(running.url);
const workshop = await api.call<Workshop>('workshops:create', { name: 'Fifty thousand', startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'), timeZone: 'Asia/Kolkata', durationMinutes: 60 });
const csv = ['Name,Phone', ...Array.from({ length: 50_000 }, (_, i) => `Lead ${i},91${8_000_000_000 + i}`)].join('\n');
await api.call('leads:import', { workshopId: workshop.id, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });

const browser = await launchChromium(chromium.executablePath);
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(running.url);
await page.getByRole('button', { name: 'Workshops', exact: true }).click();
await page.getByRole('button', { name: 'Fifty thousand' }).click();
await page.getByRole('table', { name: 'Missing' }).waitFor();
const search = await page.getByRole('searchbox', { name: 'Search Missing' }).elementHandle();

/** Types a query the way React sees a keystroke and waits for the next painted frame. */
const filterMs = (query: string) =>
  page.evaluate(
    async ([input, value]) => {
      const field = input as HTMLInputElement;
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      const started = performance.now();
      setValue?.call(field, value);
      field.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return performance.now() - started;
    },
    [search, query] as const,
  );

const queries = ['Lead 4', '98000', '9800001234', 'Lead 49999', '91 80000 0', 'nobody'];
const filtering: number[] = [];
const clearing: number[] = [];
for (let round = 0; round < 5; round++) {
  for (const query of queries) {
    filtering.push(await filterMs(query));
    clearing.push(await filterMs(''));
  }
}

// Scroll through the unfiltered table and record the gap between painted frames.
const frames = await page.evaluate(async () => {
  const table = document.querySelector('[role="table"][aria-label="Missing"]');
  const scroller = [table, ...(table ? Array.from(table.querySelectorAll('*')) : [])].find((element) => {
    const style = element && getComputedStyle(element);
    return element && style && /(auto|scroll)/.test(style.overflowY) && element.scrollHeight > element.clientHeight;
  }) as HTMLElement | undefined;
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
const rowsInPage = await page.locator('[role="table"][aria-label="Missing"] [role="row"]').count();

await browser.close();
api.close();
await running.stop();
dir.remove();

printFigures('50,000-row tab in Chromium', [
  ['filter → painted result, median of 30', `${median(filtering).toFixed(1)} ms`],
  ['filter → painted result, p95', `${percentile(filtering, 95).toFixed(1)} ms`],
  ['clear the filter (all 50,000 rows back), median', `${median(clearing).toFixed(1)} ms`],
  ['frame gap while scrolling, median of 180 frames', frames.length ? `${median(frames).toFixed(1)} ms` : 'no scroll container found'],
  ['frame gap while scrolling, p95', frames.length ? `${percentile(frames, 95).toFixed(1)} ms` : '—'],
  ['table rows in the page (virtualised)', String(rowsInPage)],
]);
