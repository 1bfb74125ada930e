import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/sessions/session-view.js';
import type { GroupSummary, Workshop } from '../../shared/workshops/workshop-schemas.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { linkDemoGroup } from '../support/demo-group.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();
const WORKSHOP = 'Design Sprint Live';
const RULE = 'A day before';

const scheduledRow = (page: Page, text: string): Locator =>
  page.getByRole('table', { name: 'Scheduled Messages' }).getByRole('row').filter({ hasText: text });

describe.skipIf(!chromiumNeeded.available)(`follow-up work a coordinator comes for, in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-rules-alerts-');
  let browser: Browser;
  let running: RunningConsole;
  let page: Page;
  let api: Awaited<ReturnType<typeof connectConsole>>;
  let session: SessionView;
  let group: GroupSummary;
  let workshop: Workshop;
  let leaving: string;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 300, churnIntervalMs: null }) });
    api = await connectConsole(running.url);
    ({ session, group } = await linkDemoGroup(api));
    workshop = await api.call('workshops:create', {
      name: WORKSHOP,
      startsAtLocal: localTimeInDays(3, '18:30', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 90,
      description: '',
      joinLink: 'https://meet.example.com/sprint',
    });
    await api.call('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group.jid });
    // One registration who is in the group now, so a leave of theirs is a registered person leaving.
    const member = (await api.call('workshops:members', { id: workshop.id, tab: 'not-registered' })).find((row) => row.phone);
    if (!member?.phone) throw new Error('The demo group needs a member with a known phone.');
    leaving = member.phone;
    await api.call('leads:add', { workshopId: workshop.id, name: 'Asha Verma', phone: `+${leaving}`, email: '' });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
    await page.goto(running.url);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
  });
  afterAll(async () => {
    api?.close();
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  const openWorkshop = async (tab = '') => {
    await page.goto(`${running.origin}/#/workshops/${encodeURIComponent(workshop.id)}${tab}`);
    await page.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
  };

  it('keeps the header buttons where they are when the Sync Members result line appears', async () => {
    await openWorkshop();
    const edit = page.getByRole('button', { name: 'Edit', exact: true });
    const sync = page.getByRole('button', { name: 'Sync Members' });
    await page.getByText(/^Last synced /).waitFor();
    const before = { edit: await edit.boundingBox(), sync: await sync.boundingBox() };
    await sync.click();
    await page.getByText(/^Synced \d+, marked \d+ as left\./).waitFor();
    await saveScreenshot(page, 'rules-alerts-after-sync');
    expect({ edit: await edit.boundingBox(), sync: await sync.boundingBox() }).toEqual(before);
  });

  it('adds a reminder rule in Settings, sees its reminder scheduled for the workshop, then removes it and sees that reminder cancelled', async () => {
    await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a reminder rule' });
    await dialog.getByLabel('Name').fill(RULE);
    await dialog.getByLabel('Minutes before the start').fill('1440');
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(`Added “${RULE}”`).waitFor();

    await openWorkshop('/whatsapp');
    const row = scheduledRow(page, RULE);
    await row.waitFor();
    // A day before a start in three days: on the schedule, not sent and not cancelled.
    expect(await row.textContent()).not.toMatch(/Cancelled|Sent/);
    await saveScreenshot(page, 'rules-alerts-rule-scheduled');

    await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: `Remove ${RULE}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove rule' }).click();
    await page.getByText(`Removed “${RULE}”; 1 reminder still to go was cancelled.`).waitFor();

    // Its reminder stays listed, cancelled, under the removed rule's name.
    await openWorkshop('/whatsapp');
    await expect.poll(() => scheduledRow(page, RULE).textContent(), { timeout: 20_000 }).toMatch(/Cancelled/);
    expect(await scheduledRow(page, 'A removed reminder rule').count()).toBe(0);
    await saveScreenshot(page, 'rules-alerts-rule-cancelled');
  });

  it('lists a registered person leaving as an unread alert with its count, and Open workshop marks it read', async () => {
    await api.call('demo:simulate', { sessionId: session.id, groupJid: group.jid, join: [], leave: [leaving] });
    const nav = page.getByRole('navigation');
    await nav.getByRole('button', { name: 'Alerts 1 unread' }).waitFor({ timeout: 20_000 });
    await nav.getByRole('button', { name: /^Alerts/ }).click();
    const list = page.getByRole('region', { name: 'Alerts, 1 unread' });
    const item = list.getByRole('listitem').filter({ hasText: /registered person left/i });
    await item.waitFor();
    expect(await item.textContent()).toMatch(/unread/);
    await saveScreenshot(page, 'rules-alerts-alert-unread');

    await item.getByRole('button', { name: 'Open workshop' }).click();
    await page.getByRole('heading', { name: WORKSHOP, level: 1 }).waitFor();
    await nav.getByRole('button', { name: 'Alerts', exact: true }).waitFor();
    await nav.getByRole('button', { name: 'Alerts', exact: true }).click();
    const read = page
      .getByRole('region', { name: 'Alerts, all read' })
      .getByRole('listitem')
      .filter({ hasText: /registered person left/i });
    await read.waitFor();
    expect(await read.textContent()).toMatch(/· read/);
    expect(await read.getByRole('button', { name: 'Mark read' }).count()).toBe(0);
  });
});
