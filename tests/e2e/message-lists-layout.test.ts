import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();
const LONG = 'Design Sprint for Product Teams, Evening Cohort';

/**
 * What of a message list a user could not see or use: a header, cell or control outside the
 * table, its row or the window, a cell whose text is cut sideways, a control of the bulk bar
 * outside the bar, a control something else covers. Every box is read in one go, so nothing
 * scrolls between two readings.
 */
async function problemsOf(page: Page, table: Locator, bar: Locator): Promise<string[]> {
  const problems = await table.evaluate(
    (tableNode, barNode) => {
      type Box = { left: number; top: number; right: number; bottom: number };
      const inside = (inner: Box, outer: Box) =>
        inner.left >= outer.left - 0.5 &&
        inner.top >= outer.top - 0.5 &&
        inner.right <= outer.right + 0.5 &&
        inner.bottom <= outer.bottom + 0.5;
      const name = (node: Element) => `${node.tagName.toLowerCase()} “${(node.textContent ?? '').trim().slice(0, 40)}”`;
      const found: string[] = [];
      const window_ = { left: 0, top: -Infinity, right: document.documentElement.clientWidth, bottom: Infinity };
      const tableBox = tableNode.getBoundingClientRect();
      if (!inside(tableBox, window_)) found.push(`the table (${tableBox.left}–${tableBox.right}) is wider than the window`);
      const rows = [...tableNode.querySelectorAll('[role="row"]')].slice(0, 4);
      for (const row of rows) {
        const rowBox = row.getBoundingClientRect();
        for (const cell of row.querySelectorAll('[role="cell"], [role="columnheader"]')) {
          const box = cell.getBoundingClientRect();
          if (!inside(box, tableBox))
            found.push(`${name(cell)} (${box.left}–${box.right}) lies outside the table (${tableBox.left}–${tableBox.right})`);
          if (!inside(box, rowBox))
            found.push(`${name(cell)} (${box.top}–${box.bottom}) lies outside its row (${rowBox.top}–${rowBox.bottom})`);
          if (cell.scrollWidth > cell.clientWidth + 1) found.push(`${name(cell)} is cut sideways`);
        }
        for (const control of row.querySelectorAll('input, button')) {
          const box = control.getBoundingClientRect();
          if (!inside(box, rowBox))
            found.push(`${name(control)} (${JSON.stringify(box)}) lies outside its row (${JSON.stringify(rowBox)})`);
        }
      }
      const barBox = (barNode as Element).getBoundingClientRect();
      for (const control of (barNode as Element).querySelectorAll('label, input, button, [role="status"]')) {
        const box = control.getBoundingClientRect();
        if (!inside(box, barBox) || !inside(box, window_)) found.push(`${name(control)} of the bar lies outside the bar or the window`);
      }
      if (document.documentElement.scrollWidth > document.documentElement.clientWidth) found.push('the page scrolls sideways');
      return found;
    },
    await bar.elementHandle(),
  );
  // Playwright's own check that a click would land on each control: visible, stable, enabled and not covered.
  for (const row of (await table.getByRole('row').all()).slice(1, 4))
    for (const control of await row.locator('input, button').all())
      await control
        .click({ trial: true, timeout: 5_000 })
        .catch(async () => problems.push(`${await control.evaluate((node) => node.outerHTML.slice(0, 60))} cannot be clicked`));
  return problems;
}

const inside = (
  inner: { x: number; y: number; width: number; height: number },
  outer: { x: number; y: number; width: number; height: number },
) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

describe.skipIf(!chromiumNeeded.available)(`the message lists at small and large windows, in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-message-layout-');
  let browser: Browser;
  let running: RunningConsole;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 200, churnIntervalMs: null }) });
    const api = await connectConsole(running.url);
    const opened = api.event('sessions:changed', (session) => session.state === 'open');
    const session = await api.call('sessions:create', { kind: 'simulator' });
    await opened;
    const [group] = await api.call('groups:sync', { sessionId: session.id });
    for (const name of [LONG, 'Data Bootcamp']) {
      const workshop = await api.call('workshops:create', {
        name,
        startsAtLocal: localTimeInDays(2, '18:30', 'Asia/Kolkata'),
        timeZone: 'Asia/Kolkata',
        durationMinutes: 90,
        joinLink: 'https://meet.example.org/a-rather-long-join-link-for-the-evening-cohort',
      });
      await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group!.jid });
    }
    // One in the history too, with the status column's longest word.
    const [first] = await api.call('messages:list', { scope: 'upcoming' });
    await api.call('messages:cancel', { id: first!.id });
    api.close();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  for (const [width, height] of [
    [800, 600],
    [1366, 900],
  ] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`shows every column and action of the Messages page and a workshop’s Scheduled Messages, choose column and bulk bar included, at ${width}×${height} ${colorScheme}`, async () => {
        const context = await browser.newContext({ viewport: { width, height }, colorScheme });
        const page = await context.newPage();
        await page.goto(running.url);
        await page.getByRole('button', { name: 'Messages', exact: true }).click();
        const upcoming = page.getByRole('table', { name: 'Upcoming' });
        await expect.poll(() => upcoming.getByRole('row').count(), { timeout: 20_000 }).toBe(10);
        const bar = page.getByRole('toolbar', { name: 'Chosen messages in Upcoming' });
        await upcoming.getByRole('checkbox').first().check();
        await bar.getByText('1 message chosen').waitFor();
        // The texts wrap onto more than one line, inside their row.
        const text = upcoming.locator('.message-list__text').first();
        const [textBox, rowBox] = [(await text.boundingBox())!, (await upcoming.getByRole('row').nth(1).boundingBox())!];
        expect(textBox.height).toBeGreaterThan(30);
        expect(inside(textBox, rowBox)).toBe(true);
        await saveScreenshot(page, `message-lists-messages-${width}x${height}-${colorScheme}`);
        expect(await problemsOf(page, upcoming, bar)).toEqual([]);
        const history = page.getByRole('table', { name: 'Recent history' });
        await history.getByRole('row').nth(1).waitFor();
        expect(await problemsOf(page, history, page.getByRole('toolbar', { name: 'Chosen messages in Recent history' }))).toEqual([]);

        await page.getByRole('button', { name: 'Workshops', exact: true }).click();
        await page.getByRole('button', { name: LONG, exact: true }).click();
        await page.getByRole('tab', { name: 'WhatsApp' }).click();
        const scheduled = page.getByRole('table', { name: 'Scheduled Messages' });
        await expect.poll(() => scheduled.getByRole('row').count(), { timeout: 20_000 }).toBe(6);
        const scheduledBar = page.getByRole('toolbar', { name: 'Chosen messages in Scheduled Messages' });
        await scheduled.getByRole('checkbox').first().check();
        await scheduledBar.getByText('1 message chosen').waitFor();
        await scheduled.scrollIntoViewIfNeeded();
        await saveScreenshot(page, `message-lists-scheduled-${width}x${height}-${colorScheme}`);
        expect(await problemsOf(page, scheduled, scheduledBar)).toEqual([]);
        await context.close();
      }, 120_000);
    }
  }
});
