import type { Clock, TimerHandle } from '../../app/core/clock/clock.js';

/** Node fires any timer longer than this (about 24.8 days) at once, so longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

interface Timer {
  dueAt: number;
  callback: () => void;
  real: ReturnType<typeof setTimeout> | null;
}

/**
 * Real time that a test can jump forward. Timers fire on their own, as with the system
 * clock, so the core's zero-delay steps (an acknowledgement, a re-arm) need no help from
 * the test; `skip(ms)` moves time on and fires at once, in due order, every timer the jump
 * makes due. For UI tests that would otherwise sit through a wait the product imposes,
 * such as the gap between two sends on one account.
 */
export class SkippableClock implements Clock {
  private offset = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { dueAt: this.now() + Math.max(0, delayMs), callback, real: null });
    this.arm(id);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (timer?.real) clearTimeout(timer.real);
    this.timers.delete(handle.id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  skip(ms: number): void {
    this.offset += ms;
    const due = [...this.timers.entries()]
      .filter(([, timer]) => timer.dueAt <= this.now())
      .sort(([a, x], [b, y]) => x.dueAt - y.dueAt || a - b);
    for (const [id] of due) this.fire(id);
  }

  private arm(id: number): void {
    const timer = this.timers.get(id);
    if (!timer) return;
    const remaining = Math.max(0, timer.dueAt - this.now());
    timer.real = setTimeout(() => (timer.dueAt <= this.now() ? this.fire(id) : this.arm(id)), Math.min(remaining, MAX_TIMER_MS));
  }

  private fire(id: number): void {
    const timer = this.timers.get(id);
    if (!timer) return;
    if (timer.real) clearTimeout(timer.real);
    this.timers.delete(id);
    timer.callback();
  }
}
