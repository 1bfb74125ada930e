import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuitController } from './quit-controller.js';

function setup(stopCore: () => Promise<void>) {
  const steps: string[] = [];
  const logged: string[] = [];
  const quit = new QuitController({
    stopCore: async () => {
      steps.push('stop');
      await stopCore();
      steps.push('stopped');
    },
    exit: () => steps.push('exit'),
    onQuitting: () => steps.push('quitting'),
    log: (message) => logged.push(message),
    stopDeadlineMs: 5_000,
  });
  return { quit, steps, logged };
}

describe('quitting', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds the first quit until the core has stopped, then quits for real, stopping it once', async () => {
    const { quit, steps } = setup(async () => undefined);
    expect(quit.beforeQuit()).toBe(true);
    expect(quit.quitting).toBe(true);
    expect(quit.beforeQuit()).toBe(true); // Cmd+Q pressed again while stopping
    await vi.runAllTimersAsync();
    expect(steps).toEqual(['quitting', 'stop', 'stopped', 'exit']);
    expect(quit.beforeQuit()).toBe(false);
  });

  it('logs a failed stop and still quits, instead of an unhandled rejection', async () => {
    const { quit, steps, logged } = setup(async () => {
      throw new TypeError('The database connection is not open');
    });
    quit.beforeQuit();
    await vi.runAllTimersAsync();
    expect(logged).toEqual(['stopping the core failed']);
    expect(steps.at(-1)).toBe('exit');
  });

  it('quits after its deadline when the core never finishes stopping', async () => {
    const { quit, steps, logged } = setup(() => new Promise(() => undefined));
    quit.beforeQuit();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(steps).not.toContain('exit');
    await vi.advanceTimersByTimeAsync(1);
    expect(steps.at(-1)).toBe('exit');
    expect(logged).toEqual(['the core did not stop in time; quitting anyway']);
  });

  it('stops the core when the OS session ends without a before-quit (Windows shutdown or log-off)', async () => {
    const { quit, steps } = setup(async () => undefined);
    quit.sessionEnding('the end of the Windows session');
    quit.sessionEnding('the end of the Windows session');
    await vi.runAllTimersAsync();
    expect(steps).toEqual(['quitting', 'stop', 'stopped', 'exit']);
  });
});
