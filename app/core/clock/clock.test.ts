import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemClock } from './clock.js';

afterEach(() => vi.useRealTimers());

describe('SystemClock', () => {
  it('does not fire a 30-day timer at once, as a raw Node timer over 24.8 days would', async () => {
    const clock = new SystemClock();
    const fired = vi.fn();
    const handle = clock.setTimeout(fired, 30 * 86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fired).not.toHaveBeenCalled();
    clock.clearTimeout(handle);
  });

  it('waits the whole of a delay longer than Node’s 24.8-day timer limit', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 22) });
    const clock = new SystemClock();
    const fired = vi.fn();
    clock.setTimeout(fired, 60 * 86_400_000);
    vi.advanceTimersByTime(30 * 86_400_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * 86_400_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('cancels a chained timer', () => {
    vi.useFakeTimers();
    const clock = new SystemClock();
    const fired = vi.fn();
    const handle = clock.setTimeout(fired, 40 * 86_400_000);
    vi.advanceTimersByTime(30 * 86_400_000);
    clock.clearTimeout(handle);
    vi.advanceTimersByTime(30 * 86_400_000);
    expect(fired).not.toHaveBeenCalled();
  });
});
