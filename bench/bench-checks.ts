import { cpus, loadavg } from 'node:os';

/**
 * What every benchmark owes its reader: the operation it times and the machine it ran on,
 * a verdict on its own result (a fast wrong answer is not a figure), and no wait that can
 * hang.
 */
const problems: string[] = [];

/** Printed first, so a figure is never read without knowing what was timed and where. */
export function announce(operation: string): void {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Times: ${operation}\nMachine: ${cpus().length} cores (${cpu}), Node ${process.version}, load ${loadNow()}`);
}

function loadNow(): string {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
}

/** Records a failed correctness check; the run goes on so every problem is reported. */
export function check(ok: boolean, problem: string): void {
  if (!ok) problems.push(problem);
}

/** A goal from the issue or the README: missed goals are reported and fail the run like wrong results. */
export function goal(label: string, ok: boolean): string {
  check(ok, `goal missed: ${label}`);
  return ok ? `met (${label})` : `MISSED (${label})`;
}

export { within } from '../tests/support/deadline.js';

/** Polls `ready` every `everyMs` until it is true; throws once `ms` have passed. */
export async function until(ready: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Prints the verdict and sets the exit code: 0 only when every check passed. */
export function verdict(): void {
  // Wall figures on a shared machine are only read with the load they were measured under.
  console.log(`\nLoad average at the end: ${loadNow()}`);
  if (problems.length === 0) {
    console.log('\nOK: every check of the result passed.');
    return;
  }
  console.log(`\nFAILED:\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
}
