import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import { createCore, type Core } from '../core/composition-root.js';
import { DATABASE_FILE } from '../core/data-dir/open-data-dir.js';
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
  const badges: number[] = [];
  const methods: string[] = [];
  const controller = new TrayController({
    invoke: (method, input) => {
      methods.push(method);
      return core.invoke(method, input);
    },
    show: (model) => shown.push(model),
    showBadge: (count) => badges.push(count),
    now: () => Date.now(),
    onOpen: () => undefined,
    onQuit: () => undefined,
    ...options,
  });
  return { controller, shown, badges, methods };
}
/** Waits for the controller's answer from the core (it refreshes asynchronously), at most 5 s. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the tray was not updated within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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

  it('shows the shop badge from the core: nothing by default, then paid orders once their notifications are on, and clears it after shipping', async () => {
    const db = new BetterSqlite3(join(dir.path, DATABASE_FILE));
    db.prepare(
      `INSERT INTO orders (id, order_number, store_id, status, customer_phone, sync_version)
       VALUES ('o1', 1001, '11111111-1111-4111-8111-111111111111', 'processing', '256700000001', 1)`,
    ).run();
    const { controller, badges } = tray();
    await controller.start();
    expect(badges).toEqual([0]);
    expect(await core.invoke('settings:set', { notifyPaidOrders: true })).toMatchObject({ ok: true });
    controller.onEvent('settings:changed');
    await until(() => badges.length === 2);
    expect(badges.at(-1)).toBe(1);
    // What a pull of the shipped order does: the row changes, then the core announces shop:changed.
    db.prepare("UPDATE orders SET status = 'shipped' WHERE id = 'o1'").run();
    db.close();
    controller.onEvent('shop:changed');
    await until(() => badges.length === 3);
    expect(badges.at(-1)).toBe(0);
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
