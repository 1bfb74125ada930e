import { readdirSync, readFileSync } from 'node:fs';
import type postgres from 'postgres';

/**
 * Where the CPU of a benchmark run goes: the Deno process serving the functions, the
 * Postgres cluster (postmaster and every backend), and this process (the load generator
 * and the fake Graph API). Read from /proc, so Linux only; elsewhere it reports nothing.
 */

const TICKS_PER_SECOND = 100;

function processes(): { pid: number; ppid: number; comm: string; ticks: number }[] {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // After the name: state ppid … utime(14) stime(15) cutime(16) cstime(17), numbered from 1 overall.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      found.push({ pid: Number(name), ppid: Number(fields[1]), comm, ticks });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function treeSeconds(all: ReturnType<typeof processes>, roots: number[], filter: (comm: string) => boolean = () => true): number {
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const byPid = new Map(all.map((p) => [p.pid, p]));
  let ticks = 0;
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    const p = byPid.get(pid);
    if (p && filter(p.comm)) ticks += p.ticks;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}

export interface CpuSplit {
  deno: number;
  postgres: number;
  bench: number;
}

export interface CpuMeter {
  /** CPU seconds used by each part since the last call. */
  take(): CpuSplit;
}

export async function cpuMeter(sql: postgres.Sql): Promise<CpuMeter | null> {
  if (process.platform !== 'linux') return null;
  const [{ data_directory: dataDirectory } = { data_directory: '' }] = await sql<
    { data_directory: string }[]
  >`select current_setting('data_directory') as data_directory`;
  const postmaster = Number(readFileSync(`${dataDirectory}/postmaster.pid`, 'utf8').split('\n')[0]);
  const sample = (): CpuSplit => {
    const all = processes();
    const usage = process.cpuUsage();
    return {
      deno: treeSeconds(all, [process.pid], (comm) => comm === 'deno'),
      postgres: treeSeconds(all, [postmaster]),
      bench: (usage.user + usage.system) / 1e6,
    };
  };
  let last = sample();
  return {
    take() {
      const now = sample();
      const delta = { deno: now.deno - last.deno, postgres: now.postgres - last.postgres, bench: now.bench - last.bench };
      last = now;
      return delta;
    },
  };
}

export function describeSplit(split: CpuSplit, seconds: number, messages: number): string {
  const total = split.deno + split.postgres + split.bench;
  const part = (value: number) =>
    `${(value / seconds).toFixed(2)} cores, ${messages > 0 ? ((1000 * value) / messages).toFixed(2) : '–'} ms/msg (${total > 0 ? Math.round((100 * value) / total) : 0}%)`;
  return `Deno ${part(split.deno)} | Postgres ${part(split.postgres)} | load generator + fake Graph API ${part(split.bench)}`;
}
