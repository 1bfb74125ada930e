import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../functions/_shared/group-commit';

describe('group commit', () => {
  it('writes a lone item at once, and gathers the items that arrive meanwhile into the next write', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const write = createGroupCommit(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1)
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        return items.map((n) => n * 10);
      },
      { maxBatch: 100, concurrency: 1 },
    );
    const first = write(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const rest = [2, 3, 4].map(write);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every caller of a failed write, and later writes still go through', async () => {
    let fail = true;
    const write = createGroupCommit(
      async (items: string[]) => {
        if (fail) throw new Error('disk full');
        return items;
      },
      { maxBatch: 100, concurrency: 1 },
    );
    const results = await Promise.allSettled([write('a'), write('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await write('c')).toBe('c');
  });

  it('never puts more than maxBatch items into one write', async () => {
    const sizes: number[] = [];
    const write = createGroupCommit(
      async (items: number[]) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 3, concurrency: 2 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => write(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });
});
