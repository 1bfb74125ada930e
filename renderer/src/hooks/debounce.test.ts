import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from './debounce.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('debounced refetch', () => {
  it('turns a burst into one call once the burst is over', () => {
    const run = vi.fn();
    const refetch = debounce(run, 150);
    for (let i = 0; i < 50; i++) refetch();
    vi.advanceTimersByTime(149);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('still calls at least every maxWait during a steady stream', () => {
    const run = vi.fn();
    const refetch = debounce(run, 150, 600);
    for (let elapsed = 0; elapsed < 1200; elapsed += 100) {
      refetch();
      vi.advanceTimersByTime(100);
    }
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('forgets a pending call when cancelled', () => {
    const run = vi.fn();
    const refetch = debounce(run, 150);
    refetch();
    refetch.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
  });
});
