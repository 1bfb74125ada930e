/**
 * Time as the core sees it. Production uses the system clock; tests pass a fake one so
 * that schedules and back-off can be checked without waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

/** Node fires any timer longer than this (about 24.8 days) at once, so longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export class SystemClock implements Clock {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    const dueAt = Date.now() + Math.max(0, delayMs);
    const arm = () => {
      const remaining = dueAt - Date.now();
      const timer = setTimeout(
        () => {
          if (dueAt - Date.now() > 0 && remaining > MAX_TIMER_MS) return arm();
          this.timers.delete(id);
          callback();
        },
        Math.min(Math.max(0, remaining), MAX_TIMER_MS),
      );
      this.timers.set(id, timer);
    };
    arm();
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(handle.id);
  }
}
