/**
 * Group commit: writes that arrive while one is in flight are gathered and written
 * together by the next, in one statement. Under load fifty concurrent webhook requests
 * become a handful of inserts instead of fifty, and alone a write goes out at once (no
 * timer, no added latency). Each caller gets its own part of the result, or the batch's
 * error.
 */
export type GroupCommit<T, R> = (item: T) => Promise<R>;

export function createGroupCommit<T, R>(
  /** Writes the batch; returns one result per item, in order. */
  flush: (items: T[]) => Promise<R[]>,
  options: { maxBatch: number; concurrency: number },
): GroupCommit<T, R> {
  let waiting: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  let inFlight = 0;

  const next = () => {
    while (inFlight < options.concurrency && waiting.length > 0) {
      const batch = waiting.slice(0, options.maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight += 1;
      flush(batch.map((entry) => entry.item))
        .then((results) => batch.forEach((entry, i) => entry.resolve(results[i] as R)))
        .catch((error: unknown) => batch.forEach((entry) => entry.reject(error)))
        .finally(() => {
          inFlight -= 1;
          next();
        });
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      // Callers of the same tick share the first batch.
      if (waiting.length === 1) queueMicrotask(next);
    });
}
