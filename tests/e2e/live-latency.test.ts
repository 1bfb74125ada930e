import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPerson } from '../../app/core/whatsapp/simulator/demo-world.js';
import { launchChromium } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { linkDemoGroup } from '../support/demo-group.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { makeTempDir } from '../support/temp-dir.js';

// How fast this happens is bench/live-join.bench.ts's business; this test proves that it happens.
const chromiumNeeded = chromiumRequirement();

const namesIn = async (page: Page, table: string): Promise<string[]> => {
  const rows = page.getByRole('table', { name: table }).locator('.vtable__body [role="row"]');
  return (await rows.locator('[role="cell"]:first-child').allTextContents()).sort();
};

describe.skipIf(!chromiumNeeded.available)(`live membership on the open workshop page ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-live-');
  let browser: Browser;
  let running: RunningConsole;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 0, churnIntervalMs: null }) });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  it('shows a registered person in In Group when they join and takes them out when they leave, without reloading the page', async () => {
    const api = await connectConsole(running.url);
    const { session, group } = await linkDemoGroup(api);
    const member = demoPerson(1).phone;
    const newcomer = '919000012345';
    const workshop = await api.call('workshops:create', {
      name: 'Live page',
      startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });
    await api.call('leads:import', {
      workshopId: workshop.id,
      csv: `Name,Phone\nAsha Member,${member}\nRavi Newcomer,${newcomer}\nNita Absent,919000054321`,
      mapping: { name: 'Name', phone: 'Phone', email: null },
    });
    await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group.jid });

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    let reloads = 0;
    page.on('load', () => reloads++);
    await page.goto(running.url);
    await page.getByRole('button', { name: 'Workshops', exact: true }).click();
    await page.getByRole('button', { name: 'Live page' }).click();
    await page.getByRole('tab', { name: /^In Group/ }).click();
    await expect.poll(() => namesIn(page, 'In Group'), { timeout: 20_000 }).toEqual(['Asha Member']);

    await api.call('demo:simulate', { sessionId: session.id, groupJid: group.jid, join: [{ phone: newcomer }], leave: [] });
    await expect.poll(() => namesIn(page, 'In Group'), { timeout: 20_000 }).toEqual(['Asha Member', 'Ravi Newcomer']);
    await expect(page.getByRole('group', { name: 'In Group', exact: true }).textContent()).resolves.toMatch(/^2/);

    await api.call('demo:simulate', { sessionId: session.id, groupJid: group.jid, join: [], leave: [newcomer] });
    await expect.poll(() => namesIn(page, 'In Group'), { timeout: 20_000 }).toEqual(['Asha Member']);
    await expect(page.getByRole('group', { name: 'Left', exact: true }).textContent()).resolves.toMatch(/^1/);
    await page.getByRole('tab', { name: /^Left Group/ }).click();
    await expect.poll(() => namesIn(page, 'Left Group'), { timeout: 20_000 }).toEqual(['Ravi Newcomer']);
    expect(reloads).toBe(1);
    api.close();
  });
});
