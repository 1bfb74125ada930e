/** Trailing-edge debounce: a burst of pushed changes becomes one refetch. */
export function debounce(run: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const debounced = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return debounced;
}

/** Long enough to fold a burst of 50 joins into a handful of fetches, short enough to feel live. */
export const REFETCH_DEBOUNCE_MS = 150;
