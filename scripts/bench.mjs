#!/usr/bin/env node
// `npm run bench`: runs every benchmark script (bench/*.bench.ts, supabase/bench/*.bench.ts)
// one after another, so they do not compete for this machine's cores. Pass names to run a
// subset: `npm run bench -- headless-startup`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const filters = process.argv.slice(2);
const scripts = ['bench', join('supabase', 'bench')]
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((file) => file.endsWith('.bench.ts'))
      .map((file) => join(dir, file)),
  )
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));

console.log(`Benchmarks on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`);
let failures = 0;
for (const script of scripts) {
  console.log(`\n=== ${script}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failures++;
}
process.exit(failures === 0 ? 0 : 1);
