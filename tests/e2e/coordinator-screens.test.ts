import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

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
      CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 1_500, churnIntervalMs: null }),
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
});
