import { describe, expect, it } from 'vitest';
import { createWorkQueue } from '../../functions/_shared/work-queue';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createWorkQueue', () => {
  it('never runs more jobs at once than allowed, and starts them in order', async () => {
    const queue = createWorkQueue(2, () => {});
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      queue.push(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
      }),
    );
    expect(queue.size()).toBe(6);
    await Promise.all(jobs);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(queue.size()).toBe(0);
  });

  it('reports a failed job and carries on with the next', async () => {
    const errors: unknown[] = [];
    const queue = createWorkQueue(1, (error) => errors.push(error));
    let ran = false;
    await Promise.all([
      queue.push(async () => {
        throw new Error('boom');
      }),
      queue.push(async () => {
        ran = true;
      }),
    ]);
    expect(errors).toEqual([new Error('boom')]);
    expect(ran).toBe(true);
  });
});
