import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface RunningConsole {
  url: string;
  origin: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM and wait for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the crash a test wants to survive. */
  kill(): Promise<void>;
}

const entry = join(import.meta.dirname, '..', '..', 'out', 'main', 'headless.js');

/**
 * Starts the built headless console as its own process, the way a user runs it. A bench
 * comparing two builds in one run passes the other build's entry.
 */
export function startHeadlessConsole(
  dataDir: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
  build: { entry?: string; testHooks?: boolean } = {},
): Promise<RunningConsole> {
  // --test-hooks: CONSOLE_SIMULATOR and contract checks on answers; an older build compared by a bench may not know it.
  const hooks = (build.testHooks ?? !build.entry) ? ['--test-hooks'] : [];
  const child = spawn(process.execPath, [build.entry ?? entry, '--port', '0', '--data-dir', dataDir, ...hooks, ...extraArgs], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // A test or bench that dies on an error must not leave its console running on a shared machine.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`console did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Console ready at (\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      const url = match[1];
      resolve({
        url,
        origin: new URL(url).origin,
        process: child,
        output: () => output,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`console exited with ${code} before it was ready:\n${output}`));
    });
  });
}
