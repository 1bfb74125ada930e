import { afterEach, beforeEach, vi } from 'vitest';
import { giveTablesLayout } from './workshops-test-kit.js';

/**
 * A fresh console for every test of the file, with table bodies laid out, stopped (and
 * spies restored) after it. The handle reads through to the running test's console, so
 * `test.core` is the current core, also after `test.restart()`.
 */
export function consoleForEachTest<T extends { stop(): Promise<void> }>(start: () => T): T {
  let current: T | null = null;
  let restoreLayout: (() => void) | null = null;
  beforeEach(() => {
    current = start();
    restoreLayout = giveTablesLayout();
  });
  afterEach(async () => {
    restoreLayout?.();
    vi.restoreAllMocks();
    // Kept after it stopped: the page's last calls and callbacks may still reach it, as they could reach a variable.
    await current?.stop();
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!current) throw new Error('The console starts with the first test');
      return Reflect.get(current, key) as unknown;
    },
  });
}
