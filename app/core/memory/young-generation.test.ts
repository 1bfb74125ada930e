import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { youngGenerationSizedByCaller } from './young-generation.js';

describe('the young-generation setting', () => {
  it('leaves the young generation to whoever started the process when they sized it on the command line, in NODE_OPTIONS or in js-flags', () => {
    expect(youngGenerationSizedByCaller(['--max-semi-space-size=4'], undefined)).toBe(true);
    expect(youngGenerationSizedByCaller([], '--max_semi_space_size=8 --trace-warnings')).toBe(true);
    expect(youngGenerationSizedByCaller(['/opt/console/console', '--js-flags=--semi-space-growth-factor=2'], undefined)).toBe(true);
    expect(youngGenerationSizedByCaller(['--enable-source-maps', 'out/main/headless.js', '--port', '0'], '--trace-warnings')).toBe(false);
  });

  it('keeps the young generation at its first size while a burst of surviving objects would have doubled it', () => {
    // A separate node: the flag is process-wide. The script retains 20 MB of small objects.
    const script = (setting: string) => `
      import v8 from 'node:v8';
      ${setting}
      const kept = [];
      for (let i = 0; i < 400_000; i++) kept.push({ i, text: 'member ' + i });
      const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
      console.log(JSON.stringify({ size: young.space_size, kept: kept.length }));`;
    const run = (setting: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(setting)], {
          env: { ...process.env, NODE_OPTIONS: '' },
          encoding: 'utf8',
        }),
      ) as { size: number; kept: number };
    const url = new URL('./young-generation.ts', import.meta.url).href;
    const without = run('');
    const withSetting = run(`const { keepYoungGenerationSmall } = await import(${JSON.stringify(url)}); keepYoungGenerationSmall([], '');`);
    expect(without.kept).toBe(400_000);
    expect(withSetting.kept).toBe(400_000);
    expect(without.size).toBeGreaterThan(withSetting.size);
  });
});
