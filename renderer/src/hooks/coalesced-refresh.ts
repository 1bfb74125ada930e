/** The gap after a refresh while changes keep coming; it doubles during a burst, up to the ceiling. */
export const LIVE_REFRESH_GAP_MS = 50;
export const LIVE_REFRESH_MAX_GAP_MS = 800;

export interface CoalescedRefresh {
  /** Asks for a refresh; many asks in a row become one. */
  request(): void;
  cancel(): void;
}

/**
 * Leading edge with a growing gap: the first change after a quiet moment refreshes at once
 * (in a microtask, so every listener of the same pushed event is counted in), never two
 * refreshes run at the same time, and while changes keep arriving the next refresh waits
 * 50, 100, 200 … 800 ms after the previous one started. A burst of 500 joins costs a
 * handful of refreshes; one join after a pause shows without any wait.
 */
export function coalescedRefresh(
  run: () => Promise<void>,
  baseGapMs = LIVE_REFRESH_GAP_MS,
  maxGapMs = LIVE_REFRESH_MAX_GAP_MS,
): CoalescedRefresh {
  let wanted = false;
  let running = false;
  let scheduled = false;
  let cancelled = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastStart = Number.NEGATIVE_INFINITY;
  let gap = baseGapMs;

  const start = () => {
    scheduled = false;
    timer = null;
    if (cancelled || !wanted) return;
    wanted = false;
    running = true;
    lastStart = Date.now();
    void run().finally(() => {
      running = false;
      if (wanted) schedule();
    });
  };

  const schedule = () => {
    if (cancelled || running || scheduled) return;
    scheduled = true;
    const sinceLast = Date.now() - lastStart;
    // A quiet moment (no refresh for longer than the current gap) resets the gap.
    if (sinceLast >= gap * 2) gap = baseGapMs;
    if (sinceLast >= gap) {
      queueMicrotask(start);
      return;
    }
    timer = setTimeout(start, gap - sinceLast);
    gap = Math.min(gap * 2, maxGapMs);
  };

  return {
    request() {
      wanted = true;
      schedule();
    },
    cancel() {
      cancelled = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
