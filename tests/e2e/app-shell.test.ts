import { existsSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();

describe.skipIf(!chromiumNeeded.available)(`headless console in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-');
  let browser: Browser;
  let running: RunningConsole;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    running = await startHeadlessConsole(dir.path);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  it('opens the printed URL and shows the app shell with live data', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(running.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of ['Connection', 'Workshops', 'Messages', 'Inbox', 'Settings']) {
      await nav.getByRole('button', { name: label }).waitFor();
    }
    // The organisation name comes from the core over the WebSocket: proof of live data.
    await nav.getByText('My organisation').waitFor();
    expect(page.url()).not.toContain('token=');
    const shot = await saveScreenshot(page, 'app-shell');
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });

  it('saves a setting in the browser that the core keeps', async () => {
    const page = await browser.newPage();
    await page.goto(running.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Organisation name').fill('Nairobi Makers Guild');
    await page.getByLabel('Default country').selectOption('KE');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await saveScreenshot(page, 'settings');

    const reloaded = await browser.newPage();
    await reloaded.goto(running.url);
    await reloaded.getByRole('navigation', { name: 'Main' }).getByText('Nairobi Makers Guild').waitFor();
  });

  it('gives a page without the token no data', async () => {
    const page = await browser.newPage();
    await page.goto(running.origin + '/');
    await page.getByRole('heading', { name: 'Access token needed' }).waitFor();
    expect(await page.getByText('My organisation').count()).toBe(0);
    await saveScreenshot(page, 'token-needed');

    const wrong = await browser.newPage();
    await wrong.goto(`${running.origin}/#token=not-the-right-token-at-all-000000000000`);
    await wrong.getByRole('heading', { name: 'Access token not accepted' }).waitFor();
    expect(await wrong.getByText('My organisation').count()).toBe(0);
  });

  it('stops cleanly on SIGTERM', async () => {
    const other = makeTempDir('console-e2e-stop-');
    const second = await startHeadlessConsole(other.path);
    expect(await second.stop()).toBe(0);
    expect(existsSync(`${other.path}/console.lock`)).toBe(false);
    other.remove();
  });
});
