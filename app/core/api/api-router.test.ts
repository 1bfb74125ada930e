import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.js';
import { ApiRouter, type Handlers } from './api-router.js';

/** A router whose only working method answers app:info with what `answer` returns. */
function routerAnswering(answer: unknown, validateOutputs: boolean): ApiRouter {
  const handlers = new Proxy({}, { get: () => () => answer }) as Handlers;
  return new ApiRouter(handlers, createSilentLogger(), { validateOutputs });
}

describe('ApiRouter output checks', () => {
  it('with validateOutputs, refuses an answer that drifted from the contract instead of passing it on', async () => {
    const result = await routerAnswering({ name: 'Console' }, true).invoke('app:info', {});
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('app:info does not match the contract') },
    });
  });

  it('without it (the packaged app), passes the answer on unchecked', async () => {
    expect(await routerAnswering({ name: 'Console' }, false).invoke('app:info', {})).toEqual({ ok: true, value: { name: 'Console' } });
  });
});
