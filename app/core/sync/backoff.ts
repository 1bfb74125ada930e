/**
 * Waits between failed sync attempts: doubling from `baseMs` up to `capMs`, each wait
 * drawn between half and all of it, so desktops that lost the backend together do not
 * all come back in the same second.
 */
export function backoffDelay(attempt: number, random: () => number, baseMs = 1_000, capMs = 5 * 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
