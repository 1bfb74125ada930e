import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import { createCore, type Core } from '../core/composition-root.js';
import { createSilentLogger } from '../core/logging/logger.js';
import { TrayController } from './tray-controller.js';
import type { TrayModel } from './tray-menu-model.js';

let dir: ReturnType<typeof makeTempDir>;
let core: Core;

beforeEach(() => {
  dir = makeTempDir();
  core = createCore({ shell: 'electron', dataDir: dir.path, appVersion: '1.0.0', logger: createSilentLogger() });
});
afterEach(async () => {
  await core.stop();
  dir.remove();
});

function tray(options: { workshopsRefreshMs?: number } = {}) {
  const shown: TrayModel[] = [];
  const methods: string[] = [];
  const controller = new TrayController({
    invoke: (method, input) => {
      methods.push(method);
      return core.invoke(method, input);
    },
    show: (model) => shown.push(model),
    now: () => Date.now(),
    onOpen: () => undefined,
    onQuit: () => undefined,
    ...options,
  });
  return { controller, shown, methods };
}
const actions = (model: TrayModel | undefined) => model?.items.flatMap((item) => (item.kind === 'action' ? [item.id] : [])) ?? [];

describe('tray', () => {
  it('pauses and resumes sending through the same API as the window', async () => {
    const { controller, shown, methods } = tray();
    await controller.start();
    expect(actions(shown.at(-1))).toContain('pause');
    await controller.action('pause');
    expect(methods).toContain('messages:pause');
    expect(await core.invoke('messages:status', {})).toMatchObject({ ok: true, value: { paused: true } });
    expect(actions(shown.at(-1))).toContain('resume');
    await controller.action('resume');
    expect(await core.invoke('messages:status', {})).toMatchObject({ ok: true, value: { paused: false } });
  });

  it('a late event after the core stopped neither throws nor redraws the menu', async () => {
    const { controller, shown } = tray({ workshopsRefreshMs: 0 });
    await controller.start();
    const before = shown.length;
    await core.stop();
    controller.onEvent('workshops:changed');
    controller.onEvent('sessions:changed');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shown.length).toBe(before);
  });

  it('once stopped for quitting, calls nothing at all', async () => {
    const { controller, methods } = tray({ workshopsRefreshMs: 0 });
    await controller.start();
    const before = methods.length;
    controller.stop();
    controller.onEvent('members:changed');
    await controller.action('pause');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(methods.length).toBe(before);
  });
});
