import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import { FakeClock } from '../../tests/support/fake-clock.js';
import { createCore, type Core } from './composition-root.js';
import { DataDirInUseError } from './data-dir/data-dir-lock.js';
import { createSilentLogger } from './logging/logger.js';

let dir: ReturnType<typeof makeTempDir>;
let cores: Core[];
const clock = new FakeClock(Date.UTC(2026, 10, 22, 8, 0, 0));

function start(): Core {
  const core = createCore({
    shell: 'headless',
    dataDir: dir.path,
    appVersion: '1.2.3',
    clock,
    logger: createSilentLogger(),
    validateOutputs: true,
  });
  cores.push(core);
  return core;
}

beforeEach(() => {
  dir = makeTempDir();
  cores = [];
});
afterEach(async () => {
  for (const core of cores) await core.stop();
  dir.remove();
});

describe('core', () => {
  it('reports what it is and that its database is healthy', async () => {
    const core = start();
    const info = await core.invoke('app:info', {});
    expect(info).toMatchObject({
      ok: true,
      value: { name: 'WhatsApp Operator Console', version: '1.2.3', shell: 'headless', dataDir: dir.path },
    });
    const health = await core.invoke('app:health', {});
    expect(health).toMatchObject({ ok: true, value: { status: 'ok', database: { ok: true } } });
  });

  it('keeps settings across a restart and announces every change', async () => {
    const first = start();
    const seen: unknown[] = [];
    first.subscribe((event, payload) => seen.push([event, payload]));
    const saved = await first.invoke('settings:set', { defaultCountry: 'ug', timeZone: 'Africa/Kampala' });
    expect(saved).toMatchObject({ ok: true, value: { defaultCountry: 'UG', timeZone: 'Africa/Kampala' } });
    expect(seen).toEqual([['settings:changed', expect.objectContaining({ defaultCountry: 'UG' })]]);
    await first.stop();

    const second = start();
    expect(await second.invoke('settings:get', {})).toMatchObject({
      ok: true,
      value: { defaultCountry: 'UG', timeZone: 'Africa/Kampala' },
    });
  });

  it('rejects bad input with per-field reasons and changes nothing', async () => {
    const core = start();
    const before = await core.invoke('settings:get', {});
    const result = await core.invoke('settings:set', { defaultCountry: 'XX', timeZone: 'Mars/Olympus', organisationName: 'Still valid' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-input');
    expect(result.error.fields).toMatchObject({
      defaultCountry: expect.stringMatching(/two-letter/),
      timeZone: expect.stringMatching(/time zone/),
    });
    expect(await core.invoke('settings:get', {})).toEqual(before);
  });

  it('refuses unknown settings and unknown methods instead of ignoring them', async () => {
    const core = start();
    const unknownKey = await core.invoke('settings:set', { dangerous: true });
    expect(unknownKey).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const unknownMethod = await core.invoke('fs:read', { path: '/etc/passwd' });
    expect(unknownMethod).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it('answers "unavailable" after it stopped rather than touching a closed database', async () => {
    const core = start();
    await core.stop();
    expect(await core.invoke('settings:get', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('will not share its data folder with another running console', async () => {
    start();
    const { spawnSync } = await import('node:child_process');
    const { join } = await import('node:path');
    // A second process on the same folder must be refused: two consoles would log each other out of WhatsApp.
    const script = `
      import { acquireDataDirLock } from ${JSON.stringify(join(import.meta.dirname, 'data-dir', 'data-dir-lock.ts'))};
      try { acquireDataDirLock(${JSON.stringify(dir.path)}); console.log('acquired'); } catch (e) { console.log(e.name); }
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe(DataDirInUseError.name);
  });
});
