import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../app/core/composition-root.js';
import { createSilentLogger } from '../../app/core/logging/logger.js';
import { call } from '../support/console-call.js';
import { makeTempDir } from '../support/temp-dir.js';

let dir: ReturnType<typeof makeTempDir>;
let core: Core;

beforeEach(() => {
  dir = makeTempDir();
  core = createCore({ shell: 'headless', dataDir: dir.path, appVersion: '0.0.1', logger: createSilentLogger(), validateOutputs: true });
});

afterEach(async () => {
  await core.stop();
  dir.remove();
});

/**
 * Never run: `tsc --noEmit` (part of `npm test`) checks it. Each line below must be a type
 * error; if `call` stopped typing its input or result by method, the directive would be
 * unused and tsc would fail.
 */
export function callsTheContractRefuses(target: Core) {
  // @ts-expect-error a method the contract does not have
  void call(target, 'workshops:rename', { id: 'w' });
  // @ts-expect-error workshops:get takes an id, not a workshopId
  void call(target, 'workshops:get', { workshopId: 'w' });
  // @ts-expect-error messages:list's scope is one of its named lists
  void call(target, 'messages:list', { workshopId: 'w', scope: 'everything' });
  return async () => {
    // @ts-expect-error app:info answers with a shell kind, not a number
    const shell: number = (await call(target, 'app:info', {})).shell;
    return shell;
  };
}

describe('the typed test call over the contract', () => {
  it('returns the method’s value as the contract types it', async () => {
    const info = await call(core, 'app:info', {});
    expect(info.shell).toBe('headless');
  });

  it('fails the test with the method and the refusal in words', async () => {
    await expect(call(core, 'workshops:get', { id: 'wk_missing' })).rejects.toThrow(/^workshops:get failed: .+/);
  });
});
