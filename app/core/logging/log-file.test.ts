import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFileLogger } from './log-file.js';

const root = join(import.meta.dirname, '..', '..', '..');
const folders: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'console-logs-'));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function logWithBrokenStdout(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'tests', 'support', 'log-with-broken-stdout.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 50_000, // a deadline for a hung child, not a measure of speed
  });
}

describe('log file', () => {
  it('writes redacted JSON lines into a file in the folder it is given, creating the folder', async () => {
    const folder = join(tempFolder(), 'logs');
    const { logger, currentFile, flush } = await createFileLogger({ folder });
    logger.info({ phone: '919818861043' }, 'sent to +91 98188-61043');
    flush();
    expect(currentFile()).toBe(join(folder, 'main.1.log'));
    const entry = JSON.parse(readFileSync(currentFile(), 'utf8').trim()) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', msg: expect.stringContaining('[phone]') });
    expect(JSON.stringify(entry)).not.toMatch(/98188/);
  });

  it('rolls over at its size limit and keeps only the newest files', async () => {
    const folder = tempFolder();
    const { logger, flush } = await createFileLogger({ folder, maxSize: '1k', keep: 2 });
    for (let i = 0; i < 200; i++) {
      logger.info({ i }, 'a line long enough to fill a kilobyte in a few dozen writes');
      flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => expect(readdirSync(folder).length).toBeLessThanOrEqual(3), { timeout: 10_000 });
    const names = readdirSync(folder).sort();
    expect(names.every((name) => /^main\.\d+\.log$/.test(name))).toBe(true);
    expect(names).not.toContain('main.1.log');
  });

  it('a stdout that refuses writes (a windowed Windows app) crashes the default logger but not the log file', () => {
    const crashed = logWithBrokenStdout('stdout');
    expect(crashed.status).not.toBe(0);
    expect(crashed.stderr).toContain('uncaught exception: EBADF');

    const folder = tempFolder();
    const survived = logWithBrokenStdout('file', folder);
    expect(survived.stderr).toBe('');
    expect(survived.status).toBe(0);
    const lines = readFileSync(join(folder, 'main.1.log'), 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['first line', 'second line']);
  }, 60_000);
});
