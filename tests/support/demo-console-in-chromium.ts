import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { connectConsole } from './console-client.js';
import { startHeadlessConsole, type RunningConsole } from './headless-process.js';
import { makeTempDir } from './temp-dir.js';

export interface DemoConsoleInChromium {
  /** Chromium, for the pages that look at the console. */
  readonly browser: Browser;
  /** The console's page address, token included. */
  readonly url: string;
  /** A client of the console with the demo account linked and open. */
  linkDemo(): Promise<{ api: Awaited<ReturnType<typeof connectConsole>>; sessionId: string }>;
}

/**
 * For one describe block: Chromium and a headless console whose demo account scans in
 * 200 ms and acknowledges in 50 ms, with no background churn; both are closed and the
 * data folder removed after the block.
 */
export function demoConsoleInChromium(dirPrefix: string, chromiumPath: string): DemoConsoleInChromium {
  const dir = makeTempDir(dirPrefix);
  let browser: Browser | undefined;
  let running: RunningConsole | undefined;
  beforeAll(async () => {
    browser = await launchChromium(chromiumPath);
    running = await startHeadlessConsole(dir.path, [], {
      CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 200, churnIntervalMs: null, ackDelayMs: 50 }),
    });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    dir.remove();
  });
  const started = () => {
    if (!browser || !running) throw new Error('Chromium and the console start before the first test');
    return { browser, running };
  };
  return {
    get browser() {
      return started().browser;
    },
    get url() {
      return started().running.url;
    },
    async linkDemo() {
      const api = await connectConsole(started().running.url);
      const opened = api.event('sessions:changed', (session) => session.state === 'open');
      const session = await api.call('sessions:create', { kind: 'simulator' });
      await opened;
      return { api, sessionId: session.id };
    },
  };
}
