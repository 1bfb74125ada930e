import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/sessions/session-view.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();
const WORKSHOP = 'Product Design Live Cohort';

/** The number on a stat card, e.g. "12" or "80%". */
const cardValue = async (page: Page, label: string) =>
  (await page.getByRole('group', { name: label, exact: true }).textContent())?.match(/[\d.,]+%?/)?.[0] ?? '';
const cardNumber = async (page: Page, label: string) => Number((await cardValue(page, label)).replace(/,/g, ''));

/** One row of a table by the text it holds, e.g. the "6 hours before" reminder. */
const rowOf = (page: Page, table: string, text: string | RegExp): Locator =>
  page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: text });

/** Registered = In Group + Missing + Left, as the coordinator reads the four cards. */
async function expectPartition(page: Page) {
  const registered = await cardNumber(page, 'Registered');
  const inGroup = await cardNumber(page, 'In Group');
  const missing = await cardNumber(page, 'Missing');
  const left = await cardNumber(page, 'Left');
  expect(inGroup + missing + left).toBe(registered);
  return { registered, inGroup, missing, left };
}

/** A dialog a mouse can use: inside the window, taller than a table row, and its buttons are what a click at their centre hits. */
async function expectUsableDialog(page: Page, dialog: Locator, button: string) {
  const viewport = page.viewportSize()!;
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  expect(box.height).toBeGreaterThan(150);
  const target = dialog.getByRole('button', { name: button });
  await target.scrollIntoViewIfNeeded();
  const spot = (await target.boundingBox())!;
  const hit = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x!, y!)?.closest('button')?.textContent?.trim() ?? null,
    [spot.x + spot.width / 2, spot.y + spot.height / 2],
  );
  expect(hit).toBe(button);
}

async function csvOf(download: Download): Promise<string[][]> {
  const text = readFileSync((await download.path()) as string, 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
}

/** Presses Tab until the focused element is the one wanted; a keyboard user's way of reaching it. */
async function tabTo(page: Page, matches: (element: Element) => boolean, limit = 150) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const found = await page.evaluate(`(${matches.toString()})(document.activeElement)`);
    if (found) return;
  }
  throw new Error(`Tab never reached the element after ${limit} presses`);
}

describe.skipIf(!chromiumNeeded.available)(`a coordinator's week on the demo account, in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-week-');
  let browser: Browser;
  let running: RunningConsole;
  let context: BrowserContext;
  let page: Page;
  let api: Awaited<ReturnType<typeof connectConsole>>;
  let session: SessionView;
  let workshopId: string;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 300, churnIntervalMs: null }) });
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true, colorScheme: 'light' });
    page = await context.newPage();
    api = await connectConsole(running.url);
  });
  afterAll(async () => {
    api?.close();
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  it('links the demo account from the first screen, and offers it only once', async () => {
    await page.goto(running.url);
    await page.getByRole('button', { name: 'Try the demo account' }).click();
    await page.getByText('Connected', { exact: true }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Try the demo account' }).isDisabled()).toBe(true);
    const open = (await api.call('sessions:list', {})).filter((candidate) => candidate.state === 'open');
    expect(open).toHaveLength(1);
    session = open[0]!;
    await saveScreenshot(page, 'week-01-connected');
  });

  it('creates a workshop from the first-run guide; its address survives a reload and opens in a second tab without the token', async () => {
    await page.getByRole('region', { name: 'Getting started' }).getByRole('button', { name: 'Create your first workshop' }).click();
    await page.getByLabel('Name', { exact: true }).fill(WORKSHOP);
    await page.getByLabel('Starts').fill(localTimeInDays(2, '18:30', 'Asia/Kolkata'));
    await page.getByLabel('Time zone').selectOption('Asia/Kolkata');
    await page.getByLabel('Join link').fill('https://meet.example.com/pd-live');
    await page.getByRole('button', { name: 'Create workshop' }).click();
    await page.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
    workshopId = decodeURIComponent(/#\/workshops\/([^/]+)/.exec(page.url())![1]!);

    await page.reload();
    await page.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
    expect(page.url()).not.toContain('token=');
    const second = await context.newPage();
    await second.goto(`${running.origin}/#/workshops/${encodeURIComponent(workshopId)}`);
    await second.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
    expect(await second.getByText('Access token needed').count()).toBe(0);
    await second.close();
    await saveScreenshot(page, 'week-02-created');
  });

  it('links the demo group and fills registrations from its people: the cards add up and some are already in the group', async () => {
    await page.getByRole('button', { name: 'Sync groups' }).click();
    await page
      .getByRole('list', { name: 'Groups' })
      .getByRole('button', { name: /^Link Product Design/ })
      .click();
    await page.getByRole('button', { name: 'Use the demo group’s people as my registrations' }).click();
    await expect.poll(() => cardNumber(page, 'In Group'), { timeout: 20_000 }).toBeGreaterThan(0);
    const cards = await expectPartition(page);
    expect(cards.missing).toBe(5);
    expect(cards.left).toBe(0);
    await saveScreenshot(page, 'week-03-imported');
  });

  it('follows a join and a leave pushed by WhatsApp, keeping Registered = In Group + Missing + Left, and alerts the leave', async () => {
    const { group } = await api.call('workshops:get', { id: workshopId });
    const before = await expectPartition(page);
    const leads = await api.call('leads:list', { id: workshopId });
    const missingRows = await api.call('workshops:members', { id: workshopId, tab: 'missing' });
    const inGroupRows = await api.call('workshops:members', { id: workshopId, tab: 'in-group' });
    expect(leads.length).toBe(before.registered);
    const joining = missingRows[0]?.phone;
    const leaving = inGroupRows[0]?.phone;
    if (!group || !joining || !leaving) throw new Error('The workshop needs its group, a missing lead and a member, each with a phone.');
    await api.call('demo:simulate', { sessionId: session.id, groupJid: group.groupJid, join: [{ phone: joining }], leave: [leaving] });
    await expect.poll(() => cardNumber(page, 'Left'), { timeout: 20_000 }).toBe(1);
    const after = await expectPartition(page);
    expect(after.missing).toBe(before.missing - 1);
    expect(after.inGroup).toBe(before.inGroup);
    // The registered leaver is also an alert the coordinator sees without looking at the cards.
    await page.getByRole('button', { name: /^A registered person left the group/ }).waitFor();
    await page.getByRole('tab', { name: /^Left Group/ }).click();
    // The header and the one registered lead who left.
    await expect.poll(() => page.getByRole('tabpanel').getByRole('row').count(), { timeout: 20_000 }).toBe(2);
    await saveScreenshot(page, 'week-04-left-tab');
  });

  it('edits a reminder with the mouse in a dialog drawn over the page, and the schedule shows the new text', async () => {
    await page.getByRole('tab', { name: 'WhatsApp' }).click();
    expect(page.url()).toMatch(/\/whatsapp$/);
    const row = rowOf(page, 'Scheduled Messages', '6 hours before');
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: /^Edit “6 hours before”/ });
    await dialog.waitFor();
    await expectUsableDialog(page, dialog, 'Save message');
    expect(await dialog.evaluate((element) => element.closest('[role=row]'))).toBeNull();
    await saveScreenshot(page, 'week-05-edit-dialog');
    await dialog.getByLabel('Message').fill('Six hours to {workshop_name}: bring a notebook. {join_link}');
    await dialog.getByRole('button', { name: 'Save message' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rowOf(page, 'Scheduled Messages', 'bring a notebook').waitFor();
    expect(await rowOf(page, 'Scheduled Messages', 'bring a notebook').textContent()).toContain(WORKSHOP);
  });

  it('sends a reminder now with text for the moment it goes out, after saying so in the app’s dialog', async () => {
    const row = rowOf(page, 'Scheduled Messages', 'Morning reminder');
    await row.getByRole('button', { name: 'Send now' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toMatch(/filled in again/);
    await dialog.getByRole('button', { name: 'Send now' }).click();
    await expect.poll(() => rowOf(page, 'Scheduled Messages', 'Morning reminder').textContent(), { timeout: 20_000 }).toMatch(/Sent/);
    const sent = await api.call('messages:list', { workshopId, scope: 'history' });
    const morning = sent.find((message) => message.ruleKey === 'morning-of');
    // Two days early the text says the real day, never "today".
    expect(morning?.body).not.toMatch(/\btoday\b/);
    expect(morning?.body).toContain(WORKSHOP);
  });

  it('downloads the Missing list and every registration with email, matching the cards', async () => {
    await page.getByRole('tab', { name: /^Missing/ }).click();
    const [missingFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const missing = await csvOf(missingFile);
    expect(missing.length - 1).toBe(await cardNumber(page, 'Missing'));
    const [allFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export all', exact: true }).click(),
    ]);
    const all = await csvOf(allFile);
    expect(all[0]).toEqual(expect.arrayContaining(['Name', 'Email']));
    expect(all.length - 1).toBe(await cardNumber(page, 'Registered'));
    // Every registrations column fits the card at 1366 px: the first Remove button is whole inside the table.
    const table = (await page.getByRole('table', { name: 'Registrations' }).boundingBox())!;
    const remove = (await page
      .getByRole('table', { name: 'Registrations' })
      .getByRole('button', { name: /^Remove / })
      .first()
      .boundingBox())!;
    expect(remove.x + remove.width).toBeLessThanOrEqual(table.x + table.width);
    await saveScreenshot(page, 'week-06-exports');
    // Every first-run step is done (account, workshop, registrations, group, join link): the guide steps aside.
    await page.getByRole('button', { name: '← All workshops' }).click();
    await page.getByRole('button', { name: WORKSHOP, exact: true }).waitFor();
    expect(await page.getByRole('region', { name: 'Getting started' }).count()).toBe(0);
    await page.getByRole('button', { name: WORKSHOP, exact: true }).click();
    await page.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
  });

  it('cancels a reminder with the keyboard alone: Tab to it, Enter, and confirm in the dialog', async () => {
    await page.getByRole('tab', { name: 'WhatsApp' }).click();
    await rowOf(page, 'Scheduled Messages', '30 minutes before').waitFor();
    await page.getByRole('heading', { name: WORKSHOP, level: 1 }).click();
    await tabTo(
      page,
      (element) =>
        element.tagName === 'BUTTON' &&
        element.textContent?.trim() === 'Cancel' &&
        (element.closest('[role=row]')?.textContent ?? '').includes('30 minutes before'),
    );
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Cancel “30 minutes before”?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null)).toBe(true);
    await tabTo(page, (element) => element.textContent?.trim() === 'Cancel the message');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => rowOf(page, 'Scheduled Messages', '30 minutes before').textContent(), { timeout: 20_000 }).toMatch(/Cancelled/);
    await saveScreenshot(page, 'week-07-keyboard-cancel');
  });

  it('at 800×600 in dark mode the Edit dialog still fits the window and its buttons take a click', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
    expect(await page.getByRole('tab', { name: 'WhatsApp' }).getAttribute('aria-selected')).toBe('true');
    // The sidebar narrows to its icons and leaves the width to the page; its buttons keep their names.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect((await nav.boundingBox())!.width).toBeLessThanOrEqual(80);
    expect(await nav.getByRole('button', { name: 'Workshops' }).getAttribute('aria-current')).toBe('page');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const row = rowOf(page, 'Scheduled Messages', '1 hour before');
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: /^Edit “1 hour before”/ });
    await expectUsableDialog(page, dialog, 'Keep as it was');
    // Dark: the page behind is dark, not the light theme's near-white.
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!).toBeLessThan(200);
    await saveScreenshot(page, 'week-08-narrow-dark-dialog');
    await dialog.getByRole('button', { name: 'Keep as it was' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the week’s workshop at 1366×900 and 800×600, light and dark: the cards add up, nothing runs off sideways, a screenshot of each', async () => {
    for (const { width, height } of [
      { width: 1366, height: 900 },
      { width: 800, height: 600 },
    ]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme });
        await page.reload();
        await page.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
        await page.getByRole('tab', { name: /^Missing/ }).click();
        await page.getByRole('tabpanel').getByRole('table').waitFor();
        await expectPartition(page);
        const looks = await page.evaluate(() => ({
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          background: getComputedStyle(document.body).backgroundColor,
        }));
        expect(looks.overflow, `${width}×${height} ${colorScheme}: the page scrolls sideways`).toBeLessThanOrEqual(0);
        const [r, g, b] = looks.background.match(/\d+/g)!.map(Number);
        if (colorScheme === 'dark') expect(r! + g! + b!).toBeLessThan(200);
        else expect(r! + g! + b!).toBeGreaterThan(600);
        await saveScreenshot(page, `week-09-workshop-${width}x${height}-${colorScheme}`);
      }
    }
  });
});
