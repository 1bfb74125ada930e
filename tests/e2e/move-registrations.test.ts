import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();
const SOURCE = 'Product Design Evening';
const TARGET = 'Data Analytics Morning';

/** The four cards as the page shows them. */
async function cards(page: Page) {
  const value = async (label: string) =>
    Number((await page.getByRole('group', { name: label, exact: true }).locator('.stat-card__value').textContent())!.replace(/[^\d]/g, ''));
  return {
    registered: await value('Registered'),
    inGroup: await value('In Group'),
    missing: await value('Missing'),
    left: await value('Left'),
  };
}

describe.skipIf(!chromiumNeeded.available)(`moving registrations to another workshop, in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-move-');
  let browser: Browser;
  let running: RunningConsole;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 200, churnIntervalMs: null }) });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  it('moves two chosen Missing people and one In Group person after one confirmation naming the count and the workshop; both workshops’ cards stay a partition', async () => {
    const api = await connectConsole(running.url);
    const opened = api.event('sessions:changed', (session) => session.state === 'open');
    const session = await api.call('sessions:create', { kind: 'simulator' });
    await opened;
    const groups = await api.call('groups:sync', { sessionId: session.id });
    const design = groups.find((group) => group.subject.startsWith('Product Design'))!;
    const analytics = groups.find((group) => group.subject === 'Data Analytics Bootcamp')!;
    const create = async (name: string, groupJid: string) => {
      const workshop = await api.call('workshops:create', {
        name,
        startsAtLocal: localTimeInDays(3, '18:30', 'Asia/Kolkata'),
        timeZone: 'Asia/Kolkata',
        durationMinutes: 90,
      });
      await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid });
      return workshop;
    };
    const source = await create(SOURCE, design.jid);
    const target = await create(TARGET, analytics.jid);
    const inAnalytics = new Set((await api.call('workshops:members', { id: target.id, tab: 'not-registered' })).map((row) => row.phone));
    const member = (await api.call('workshops:members', { id: source.id, tab: 'not-registered' })).find(
      (row) => row.phone && !inAnalytics.has(row.phone),
    )!;
    const csv = [
      'Name,Phone',
      `Mira Member,${member.phone}`,
      'Asha Rao,919800000001',
      'Ben Ode,919800000002',
      'Cara Lim,919800000003',
    ].join('\n');
    await api.call('leads:import', { workshopId: source.id, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });
    // Cara is already registered for the target: she is skipped and counted.
    await api.call('leads:import', {
      workshopId: target.id,
      csv: 'Name,Phone\nCara Lim,919800000003',
      mapping: { name: 'Name', phone: 'Phone', email: null },
    });

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(running.url);
    await page.getByRole('button', { name: 'Workshops', exact: true }).click();
    await page.getByRole('button', { name: SOURCE, exact: true }).click();
    await expect.poll(() => cards(page), { timeout: 20_000 }).toEqual({ registered: 4, inGroup: 1, missing: 3, left: 0 });

    const missing = page.getByRole('table', { name: 'Missing' });
    await missing.getByRole('checkbox', { name: 'Choose Asha Rao' }).check();
    await missing.getByRole('checkbox', { name: 'Choose Cara Lim' }).check();
    const bar = page.getByRole('toolbar', { name: 'Chosen people in Missing' });
    await bar.getByRole('button', { name: 'Move to another workshop…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move 2 people to another workshop' });
    await dialog.getByRole('combobox', { name: 'Move to' }).selectOption({ label: TARGET });
    await dialog.getByText(`2 people will no longer be registered for ${SOURCE} and will be registered for ${TARGET}.`).waitFor();
    await saveScreenshot(page, 'move-01-confirm');
    await dialog.getByRole('button', { name: `Move 2 people to ${TARGET}` }).click();
    await bar
      .getByRole('status')
      .getByText(`Moved 1 person to ${TARGET}; 1 was already registered there and stays in ${SOURCE}.`)
      .waitFor({ timeout: 20_000 });
    await expect.poll(() => cards(page), { timeout: 20_000 }).toEqual({ registered: 3, inGroup: 1, missing: 2, left: 0 });

    await page.getByRole('tab', { name: /^In Group/ }).click();
    await page.getByRole('table', { name: 'In Group' }).getByRole('checkbox', { name: 'Choose Mira Member' }).check();
    const inGroupBar = page.getByRole('toolbar', { name: 'Chosen people in In Group' });
    await inGroupBar.getByRole('button', { name: 'Move to another workshop…' }).click();
    const second = page.getByRole('dialog', { name: 'Move 1 person to another workshop' });
    await second.getByRole('combobox', { name: 'Move to' }).selectOption({ label: TARGET });
    await second.getByRole('button', { name: `Move 1 person to ${TARGET}` }).click();
    // Mira was In Group's only person: the tab is empty now, and the line stays above its empty state.
    await page.getByRole('status').getByText(`Moved 1 person to ${TARGET}.`, { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByRole('table', { name: 'In Group' }).waitFor({ state: 'detached' });
    await expect.poll(() => cards(page), { timeout: 20_000 }).toEqual({ registered: 2, inGroup: 0, missing: 2, left: 0 });
    await saveScreenshot(page, 'move-02-source-after');

    await page.getByRole('button', { name: '← All workshops' }).click();
    await page.getByRole('button', { name: TARGET, exact: true }).click();
    // Mira is not in the analytics group: there she is Missing, like Asha and Cara.
    await expect.poll(() => cards(page), { timeout: 20_000 }).toEqual({ registered: 3, inGroup: 0, missing: 3, left: 0 });
    const targetMissing = page.getByRole('table', { name: 'Missing' });
    for (const name of ['Asha Rao', 'Cara Lim', 'Mira Member']) await targetMissing.getByText(name, { exact: true }).waitFor();
    await saveScreenshot(page, 'move-03-target');
    expect((await api.call('leads:list', { id: source.id })).map((lead) => lead.name).sort()).toEqual(['Ben Ode', 'Cara Lim']);
    api.close();
  }, 180_000);
});
