/**
 * Background work after the response, with bounded concurrency: deferred jobs cannot
 * take every database connection or crowd out the requests still being acknowledged.
 * Jobs start in the order they were pushed.
 */
export interface WorkQueue {
  /** Resolves when the job has run (successfully or not); pass it to waitUntil. */
  push(job: () => Promise<void>): Promise<void>;
  /** Jobs waiting or running. */
  size(): number;
}

export function createWorkQueue(concurrency: number, onError: (error: unknown) => void): WorkQueue {
  const waiting: (() => void)[] = [];
  let running = 0;

  const startNext = () => {
    while (running < concurrency && waiting.length > 0) {
      running += 1;
      waiting.shift()?.();
    }
  };

  return {
    push(job) {
      return new Promise<void>((resolve) => {
        waiting.push(() => {
          job()
            .catch(onError)
            .finally(() => {
              running -= 1;
              resolve();
              startNext();
            });
        });
        startNext();
      });
    },
    size: () => running + waiting.length,
  };
}
