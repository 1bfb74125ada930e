import { describe, expect, it } from 'vitest';
import { createWriteTurns } from '../../functions/whatsapp-webhook/write-turns';

/** A write that stays running until released. */
function held(log: string[], name: string) {
  let release: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release: () => release(),
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('turns of the webhook writes to synced tables', () => {
  it('runs one write at a time, and a waiting acknowledgement goes before a finish that waited longer', async () => {
    const turns = createWriteTurns();
    const log: string[] = [];
    const first = held(log, 'finish 1');
    const second = held(log, 'finish 2');
    const ack = held(log, 'acknowledge');
    const running = turns.take('finish', first.work);
    const waitingFinish = turns.take('finish', second.work);
    const waitingAck = turns.take('acknowledge', ack.work);
    await tick();
    expect(log).toEqual(['start finish 1']);
    first.release();
    await running;
    await tick();
    expect(log).toEqual(['start finish 1', 'end finish 1', 'start acknowledge']);
    ack.release();
    second.release();
    expect(await Promise.all([waitingAck, waitingFinish])).toEqual(['acknowledge', 'finish 2']);
    expect(log.slice(3)).toEqual(['end acknowledge', 'start finish 2', 'end finish 2']);
  });

  it('gives a failed write its error and still lets the next one run', async () => {
    const turns = createWriteTurns();
    const failing = turns.take('acknowledge', () => Promise.reject(new Error('deadlock detected')));
    const next = turns.take('finish', async () => 'written');
    await expect(failing).rejects.toThrow('deadlock detected');
    expect(await next).toBe('written');
  });

  it('passes on a write that throws before returning a promise', async () => {
    const turns = createWriteTurns();
    const failing = turns.take('finish', () => {
      throw new Error('bad rows');
    });
    await expect(failing).rejects.toThrow('bad rows');
    expect(await turns.take('acknowledge', async () => 1)).toBe(1);
  });
});
