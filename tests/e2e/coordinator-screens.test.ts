import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';
import { deadPort } from '../support/dead-port.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';

const chromiumNeeded = chromiumRequirement();

type Box = { x: number; y: number; width: number; height: number };
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

/** Every label and control of a form, each with its box, and whether it lies inside the form's card. */
async function boxesOutside(card: Locator): Promise<string[]> {
  const cardBox = (await card.boundingBox())!;
  const outside: string[] = [];
  for (const element of await card.locator('label, input, select, textarea, button').all()) {
    const box = await element.boundingBox();
    if (!box) continue;
    if (!inside(box, cardBox)) outside.push(`${await element.evaluate((node) => node.outerHTML.slice(0, 80))} at ${JSON.stringify(box)}`);
  }
  return outside;
}

describe.skipIf(!chromiumNeeded.available)(`screens a new coordinator meets, in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-screens-');
  let browser: Browser;
  let running: RunningConsole;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path, [], {
      CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 4_000, churnIntervalMs: null }),
      CONSOLE_WHATSAPP_SERVER: `ws://127.0.0.1:${await deadPort()}/ws/chat`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  async function open(width: number, height: number, hash: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(running.url);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.goto(`${running.origin}/${hash}`);
    return page;
  }

  for (const [width, height] of [
    [1366, 768],
    [800, 600],
  ] as const) {
    it(`keeps every field of the workshop form, Duration and the time-zone menu included, inside its card at ${width}×${height}`, async () => {
      const page = await open(width, height, '#/workshops/new');
      const form = page.getByRole('form', { name: 'New workshop' });
      await form.waitFor();
      // The longest zone name makes the menu as wide as it gets.
      await page.getByLabel('Time zone').selectOption('America/Argentina/Rio_Gallegos');
      await page.getByRole('button', { name: 'Create workshop' }).click();
      await page.getByText('The workshop needs a name').first().waitFor();
      await saveScreenshot(page, `screens-workshop-form-${width}x${height}`);
      expect(await boxesOutside(form)).toEqual([]);
      expect(await form.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.context().close();
    });
  }

  it('says the demo account links itself, and keeps a phone number being typed when it does', async () => {
    const page = await open(1366, 768, '#/connection');
    await page.getByRole('button', { name: 'Try the demo account' }).click();
    const card = page.getByRole('article', { name: 'WhatsApp account Demo account' });
    await card.getByText('This is the demo account: it links itself in a few seconds').waitFor();
    await card.getByRole('button', { name: 'Can’t scan? Link with a phone number instead' }).click();
    await card.getByLabel('Phone number of the WhatsApp account').fill('+91 98188');
    await card.getByText('Connected', { exact: true }).waitFor({ timeout: 20_000 });
    // Linked meanwhile: what was typed is still there, and the card says no code is needed.
    expect(await card.getByLabel('Phone number of the WhatsApp account').inputValue()).toBe('+91 98188');
    await card.getByText('This account got linked meanwhile, so no code is needed.').waitFor();
    await saveScreenshot(page, 'screens-demo-linked-while-typing');
    await card.getByRole('button', { name: 'Close' }).click();
    await card.getByLabel('Phone number of the WhatsApp account').waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('tells a new account that cannot reach WhatsApp to check the internet, keeping the raw error under Details', async () => {
    const page = await open(1366, 768, '#/connection');
    await page.getByRole('button', { name: 'Link a WhatsApp account' }).click();
    const card = page.getByRole('article', { name: /^WhatsApp account (?!Demo)/ });
    const status = card.getByRole('status');
    await status.getByText('WhatsApp can’t be reached — check the internet connection.').waitFor({ timeout: 30_000 });
    const said = (await status.textContent()) ?? '';
    expect(said).not.toMatch(/Connection lost/);
    expect(said).not.toMatch(/ECONNREFUSED|408|\d+\.\d+\.\d+\.\d+/);
    const details = card.locator('details', { hasText: 'Details' });
    await details.getByText('Details').click();
    expect(await details.textContent()).toMatch(/ECONNREFUSED|ENOTFOUND/);
    await saveScreenshot(page, 'screens-new-account-offline');
    await page.context().close();
  });

  it('explains the import dialog: why Import waits, whole reasons and phones, one scrollbar, a sample CSV and a drop zone', async () => {
    const api = await connectConsole(running.url);
    const workshop = await api.call('workshops:create', {
      name: 'Import check',
      startsAtLocal: localTimeInDays(30, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
      description: '',
      joinLink: '',
    });
    api.close();
    const page = await open(1366, 768, `#/workshops/${encodeURIComponent(workshop.id)}`);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import registrations from a CSV' });

    // The sample is a file the dialog reads without a single problem.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download a sample CSV' }).click(),
    ]);
    const sample = readFileSync((await download.path()) as string, 'utf8');
    expect(sample.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('Full Name,Phone,Email');

    const rows = [
      'Full Name,Phone,Email',
      ...Array.from({ length: 30 }, (_, i) => `Person ${i + 1},+91 98765 ${String(43_000 + i)},p${i + 1}@example.org`),
      'Bad One,12345,bad@example.org',
      'Bad Two,+91 98765 43215 (mobile after 6 pm),two@example.org',
      'Bad Three,,three@example.org',
    ];
    // Dropped on the dialog rather than chosen: the drop zone reads it the same way.
    const transfer = await page.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'registrations.csv', { type: 'text/csv' }));
      return data;
    }, rows.join('\n'));
    await dialog.getByText('Drop a CSV file here').dispatchEvent('drop', { dataTransfer: transfer });
    await dialog.getByRole('table', { name: 'Preview' }).waitFor();

    const importButton = dialog.getByRole('button', { name: 'Import', exact: true });
    expect(await importButton.isDisabled()).toBe(true);
    const why = 'Import waits until you tick “Skip the 3 invalid rows”: those rows cannot be imported as they are; the others are.';
    await dialog.getByText(why).waitFor();
    expect(await importButton.getAttribute('aria-describedby')).toBeTruthy();
    expect(await page.locator(`#${await importButton.getAttribute('aria-describedby')}`).textContent()).toBe(why);

    await dialog.getByLabel('Show only rows with problems or duplicates').check();
    await saveScreenshot(page, 'screens-import-problems');
    const table = dialog.getByRole('table', { name: 'Preview' });
    const phoneAsWritten = table.getByText('+91 98765 43215 (mobile after 6 pm)', { exact: true });
    const reason = table.getByText(/^"12345" is not a valid phone number/);
    for (const [text, cell] of [
      ['the reason for 12345', reason],
      ['the phone as written', phoneAsWritten],
    ] as const) {
      const whole = await cell.evaluate(
        (element) => element.scrollWidth <= element.clientWidth && element.scrollHeight <= element.clientHeight + 1,
      );
      const titled = await cell.evaluate((element) => element.closest('[title]')?.getAttribute('title') === element.textContent);
      expect({ text, whole, titled }).toEqual({ text, whole: true, titled: true });
    }

    // One scrollbar: the rows scroll, the dialog around them does not.
    await dialog.getByLabel('Show only rows with problems or duplicates').uncheck();
    const panelScrolls = await dialog.evaluate((element) => element.scrollHeight > element.clientHeight + 1);
    expect(panelScrolls).toBe(false);

    await dialog.getByLabel('Skip the 3 invalid rows').check();
    expect(await importButton.isDisabled()).toBe(false);
    await dialog.getByText(why).waitFor({ state: 'detached' });
    await page.context().close();
  });
});
