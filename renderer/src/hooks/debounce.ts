/**
 * Trailing-edge debounce with a ceiling: a burst of pushed changes becomes one refetch, and
 * a steady stream (a join every 100 ms) still refetches every `maxWaitMs` instead of never.
 */
export function debounce(run: () => void, waitMs: number, maxWaitMs = waitMs * 4): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let firstCallAt: number | null = null;
  const fire = () => {
    timer = null;
    firstCallAt = null;
    run();
  };
  const debounced = () => {
    const now = Date.now();
    firstCallAt ??= now;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(waitMs, firstCallAt + maxWaitMs - now)));
  };
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    firstCallAt = null;
  };
  return debounced;
}

/** Long enough to fold a burst of 50 joins into a handful of fetches, short enough to feel live. */
export const REFETCH_DEBOUNCE_MS = 150;
