import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { makeTempDir } from '../tests/support/temp-dir.js';

/**
 * One build's headless console (`entry`, or this tree's) on a fresh data folder, its demo account
 * without churn or scan delay, and a client connected to it. Every build runs with the test hooks:
 * the simulator tuning and the same answer checks, so builds compared in one run differ only in code.
 */
export async function startDemoBenchConsole(prefix: string, entry: string | undefined) {
  const dir = makeTempDir(prefix);
  const running = await startHeadlessConsole(
    dir.path,
    [],
    { CONSOLE_SIMULATOR: JSON.stringify({ scanDelayMs: 0, churnIntervalMs: null }) },
    { entry, testHooks: true },
  );
  const api = await connectConsole(running.url);
  return { dir, running, api };
}
