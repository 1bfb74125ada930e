import type { Page } from 'playwright-core';

/** The page's main-thread time as Chromium accounts it (task and script, ms so far), for reading around an operation. */
export async function pageCpuMeter(page: Page): Promise<() => Promise<{ task: number; script: number }>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => (metrics.find((entry) => entry.name === name)?.value ?? 0) * 1000;
    return { task: metric('TaskDuration'), script: metric('ScriptDuration') };
  };
}
