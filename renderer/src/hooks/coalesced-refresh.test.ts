import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalescedRefresh } from './coalesced-refresh.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A refresh that takes `ms` of fake time, counting how often it ran. */
function slowRefresh(ms: number) {
  const runs: number[] = [];
  const run = vi.fn(() => {
    runs.push(Date.now());
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  });
  return { run, runs };
}

describe('coalesced live refresh', () => {
  it('refreshes at once for the first change after a quiet moment, with no wait', async () => {
    const { run } = slowRefresh(5);
    const refresh = coalescedRefresh(run);
    refresh.request();
    await Promise.resolve();
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    refresh.request();
    await Promise.resolve();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('counts every request made in the same task as one refresh', async () => {
    const { run } = slowRefresh(5);
    const refresh = coalescedRefresh(run);
    for (let i = 0; i < 3; i++) refresh.request();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('turns 500 changes spread over two seconds into a handful of refreshes, the last one after the last change', async () => {
    const { run, runs } = slowRefresh(10);
    const refresh = coalescedRefresh(run);
    const started = Date.now();
    for (let i = 0; i < 500; i++) {
      refresh.request();
      await vi.advanceTimersByTimeAsync(4);
    }
    const lastChange = Date.now();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs[0]).toBe(started);
    expect(run.mock.calls.length).toBeGreaterThan(1);
    expect(run.mock.calls.length).toBeLessThanOrEqual(8);
    expect(runs.at(-1)).toBeGreaterThanOrEqual(lastChange);
  });

  it('never runs two refreshes at the same time', async () => {
    let running = 0;
    let overlapped = false;
    const refresh = coalescedRefresh(async () => {
      running++;
      overlapped ||= running > 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      running--;
    });
    for (let i = 0; i < 40; i++) {
      refresh.request();
      await vi.advanceTimersByTimeAsync(25);
    }
    await vi.advanceTimersByTimeAsync(5_000);
    expect(overlapped).toBe(false);
  });

  it('runs nothing more once cancelled', async () => {
    const { run } = slowRefresh(5);
    const refresh = coalescedRefresh(run);
    refresh.request();
    await Promise.resolve();
    refresh.request();
    refresh.cancel();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
