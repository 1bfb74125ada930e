import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of every thread of a process so far, in ms (the scheduler's own nanosecond count, load-independent). */
export function processCpuMs(pid: number): number {
  let ns = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read: its time is gone with it.
    }
  }
  return ns / 1e6;
}
