import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneForSpreadsheet } from '../../shared/csv/to-csv.js';
import type { GroupSummary } from '../../shared/workshops/workshop-schemas.js';
import { demoPerson } from '../../app/core/whatsapp/simulator/demo-world.js';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();

/** Ways people type the same Indian mobile number into a registration form. */
function messy(phone: string, index: number): string {
  const national = phone.slice(2);
  switch (index % 4) {
    case 0:
      return `${national.slice(0, 5)} ${national.slice(5)}`;
    case 1:
      return `0${national}`;
    case 2:
      return `+91 ${national.slice(0, 5)}-${national.slice(5)}`;
    default:
      return phone;
  }
}

const cardValue = async (page: Page, label: string) =>
  (await page.getByRole('group', { name: label, exact: true }).textContent())?.match(/[\d.,]+%?/)?.[0] ?? '';

describe.skipIf(!chromiumNeeded.available)(`a workshop's membership in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-membership-');
  let browser: Browser;
  let running: RunningConsole;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path, [], { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 300, churnIntervalMs: null }) });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  it('imports 200 messy leads, follows 50 joins and 5 leaves, and downloads the right people', async () => {
    const api = await connectConsole(running.url);
    const opened = api.event('sessions:changed', (session) => session.state === 'open');
    const session = await api.call('sessions:create', { kind: 'simulator' });
    await opened;
    const groups = await api.call('groups:sync', { sessionId: session.id });
    const group = groups.find((candidate) => candidate.subject.startsWith('Product Design')) as GroupSummary;

    // 60 people already in the group, 50 who will join, 90 who never do; the demo's own people.
    const members = Array.from({ length: 60 }, (_, i) => demoPerson(1 + i * 3).phone);
    const joiners = Array.from({ length: 50 }, (_, i) => `9190000${String(10_000 + i).padStart(5, '0')}`);
    const absent = Array.from({ length: 90 }, (_, i) => `9190001${String(10_000 + i).padStart(5, '0')}`);
    const everyone = [...members, ...joiners, ...absent];
    const csv = ['Full name,WhatsApp number', ...everyone.map((phone, i) => `Lead ${String(i).padStart(3, '0')},${messy(phone, i)}`)].join(
      '\n',
    );

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    await page.goto(running.url);
    await page.getByRole('button', { name: 'Workshops', exact: true }).click();
    await page.getByRole('region', { name: 'No workshops yet' }).getByRole('button', { name: 'Create workshop' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Product Design Workshop');
    await page.getByLabel('Starts').fill(localTimeInDays(2, '18:30', 'Asia/Kolkata'));
    await page.getByLabel('Time zone').selectOption('Asia/Kolkata');
    await page.getByLabel('Duration (minutes)').fill('120');
    await page.getByRole('button', { name: 'Create workshop' }).click();
    await page.getByRole('heading', { name: 'Product Design Workshop', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import registrations from a CSV' });
    await dialog.getByLabel('CSV file').setInputFiles({ name: 'registrations.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('list', { name: 'Preview counts' }).waitFor();
    expect(await dialog.getByRole('list', { name: 'Preview counts' }).textContent()).toMatch(/200 valid/);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.getByText(/Added 200/).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Sync groups' }).click();
    await page
      .getByRole('list', { name: 'Groups' })
      .getByRole('button', { name: `Link ${group.subject}` })
      .click();
    await expect.poll(() => cardValue(page, 'In Group'), { timeout: 20_000 }).toBe('60');

    await api.call('demo:simulate', { sessionId: session.id, groupJid: group.jid, join: joiners.map((phone) => ({ phone })), leave: [] });
    await api.call('demo:simulate', { sessionId: session.id, groupJid: group.jid, join: [], leave: members.slice(0, 5) });
    // Pushed by the core: the page refetches on the event, with no polling of its own.
    await expect.poll(() => cardValue(page, 'Left'), { timeout: 20_000 }).toBe('5');

    expect(await cardValue(page, 'Registered')).toBe('200');
    expect(await cardValue(page, 'In Group')).toBe('105');
    expect(await cardValue(page, 'Missing')).toBe('90');
    expect(await cardValue(page, 'Left')).toBe('5');
    // 105 of 200 = 52.5 %, shown rounded.
    expect(await cardValue(page, 'Join Rate')).toBe('53%');
    // The group's members less the 60 registered and the coordinator's own account.
    expect(await cardValue(page, 'In group, not registered')).toBe(String(group.size - 60 - 1));
    await saveScreenshot(page, 'workshop-detail');

    async function download(tab: RegExp): Promise<string[][]> {
      await page.getByRole('tab', { name: tab }).click();
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
      const text = readFileSync((await file.path()) as string, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      return Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data.slice(1);
    }
    const phonesOf = (rows: string[][]) => rows.map((row) => row[1]).sort();
    const expected = (phones: string[]) => phones.map(phoneForSpreadsheet).sort();

    expect(phonesOf(await download(/^Left Group/))).toEqual(expected(members.slice(0, 5)));
    expect(phonesOf(await download(/^Missing/))).toEqual(expected(absent));
    expect(phonesOf(await download(/^In Group/))).toEqual(expected([...members.slice(5), ...joiners]));
    await saveScreenshot(page, 'workshop-in-group-tab');
    api.close();
  });
});
