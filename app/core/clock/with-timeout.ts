import type { Clock, TimerHandle } from './clock.js';

export interface TimeoutOptions<T> {
  ms: number;
  /** What the race settles with when time runs out: return a fallback, or throw to reject. */
  onTimeout: () => T;
  /** Holds the timer while it runs, so an owner that stops can clear it before it fires. */
  pending?: Set<TimerHandle>;
}

/**
 * Settles as `promise` does, unless `ms` pass first on `clock`. Every wait in the core goes
 * through the injected clock, so tests decide when time runs out. The timer never outlives
 * the race, and a rejection that is not an Error becomes one.
 */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, { ms, onTimeout, pending }: TimeoutOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = clock.setTimeout(() => {
      pending?.delete(handle);
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }, ms);
    pending?.add(handle);
    const settle = () => {
      clock.clearTimeout(handle);
      pending?.delete(handle);
    };
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
