import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';
import { QR_LABEL, sawQr, watchForQr } from '../support/qr-watch.js';

const chromiumNeeded = chromiumRequirement();
const QR = QR_LABEL;

describe.skipIf(!chromiumNeeded.available)(`linking the demo account in Chromium ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-link-');
  let browser: Browser;
  let running: RunningConsole | undefined;

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });

  it('shows a QR, then "connected as", and reconnects after a restart without a QR', async () => {
    running = await startHeadlessConsole(dir.path);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The same watcher that must see no QR after the restart sees this one, so its "no" means something.
    await watchForQr(page);
    await page.goto(running.url);
    await page.getByRole('heading', { name: 'No WhatsApp account linked yet' }).waitFor();
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Try the demo account' }).click();
    const qr = page.getByRole('img', { name: QR });
    await qr.waitFor();
    const qrShownMs = Date.now() - clicked;
    expect(await qr.locator('svg').count()).toBe(1);
    await saveScreenshot(page, 'connection-qr');

    await page.getByText(/^Connected as Demo Coordinator/).waitFor({ timeout: 30_000 });
    expect(await page.getByText('Connected', { exact: true }).count()).toBe(1);
    expect(await qr.count()).toBe(0);
    expect(await sawQr(page)).toBe(true);
    await saveScreenshot(page, 'connection-connected');
    console.log(`time from "Try the demo account" to QR on screen: ${qrShownMs} ms`);

    expect(await running.stop()).toBe(0);
    running = await startHeadlessConsole(dir.path);
    const after = await browser.newPage();
    await watchForQr(after);
    await after.goto(running.url);
    await after.getByText(/^Connected as Demo Coordinator/).waitFor({ timeout: 30_000 });
    expect(await sawQr(after)).toBe(false);
  });
});
