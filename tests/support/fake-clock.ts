import type { Clock, TimerHandle } from '../../app/core/clock/clock.js';

interface PendingTimer {
  id: number;
  dueAt: number;
  callback: () => void;
}

/** A clock that only moves when a test says so; timers fire in due order. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private pending: PendingTimer[] = [];

  constructor(start: number | Date = Date.UTC(2026, 0, 1, 9, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.pending.push({ id, dueAt: this.current + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle.id);
  }

  get pendingTimers(): number {
    return this.pending.length;
  }

  /** Moves time forward, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.pending.filter((timer) => timer.dueAt <= target).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)[0];
      if (!next) break;
      this.pending = this.pending.filter((timer) => timer.id !== next.id);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = target;
  }
}
