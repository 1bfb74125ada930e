#!/usr/bin/env node
// `npm test`: everything this machine can check, in order of cost, stopping at the first
// failing step. Suites that need something missing (Chromium, PostgreSQL) say so loudly
// and skip; with CI=true they fail instead (tests/support/requirements.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const extraArgs = process.argv.slice(2);

const steps = [
  ['typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
  ['lint', bin('eslint'), ['.']],
  // One layout for every file, so a diff shows only what changed; `npx prettier --write .` fixes it.
  ['format', bin('prettier'), ['--check', '--log-level', 'warn', '.']],
];
const functionsDir = join(root, 'supabase', 'functions');
if (existsSync(functionsDir)) {
  const entries = readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(join(functionsDir, entry.name, 'index.ts')))
    .map((entry) => join('supabase', 'functions', entry.name, 'index.ts'));
  steps.push([
    'deno check (edge functions)',
    bin('deno'),
    ['check', '--quiet', '--no-lock', ...entries, 'supabase/dev/functions-router.ts'],
  ]);
  // Deno's recommended rules; --no-config because the per-function deno.json files are for
  // deployment and would turn on rules against the inline npm: imports used throughout.
  steps.push(['deno lint (edge functions)', bin('deno'), ['lint', '--quiet', '--no-config', 'supabase/functions']]);
}

function run(label, command, args) {
  const started = Date.now();
  process.stdout.write(`\n▶ ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`✖ ${label} failed after ${seconds} s\n`);
    return false;
  }
  process.stdout.write(`✔ ${label} (${seconds} s)\n`);
  return true;
}

const started = Date.now();
for (const [label, command, args] of steps) {
  if (!run(label, command, args)) {
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
}

mkdirSync(join(root, 'test-results'), { recursive: true });
const reportPath = join(root, 'test-results', 'vitest.json');
const ok = run('vitest (core, renderer, e2e, backend)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportPath}`,
  ...extraArgs,
]);

let summary = { numPassedTests: 0, numFailedTests: ok ? 0 : 1, numPendingTests: 0, numTodoTests: 0 };
if (existsSync(reportPath)) summary = JSON.parse(readFileSync(reportPath, 'utf8'));
const skipped = summary.numPendingTests + summary.numTodoTests;
const failed = ok ? summary.numFailedTests : Math.max(1, summary.numFailedTests);
console.log(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(1)} s on ${cpus().length} cores`);
if (skipped > 0) console.log(`⚠ ${skipped} tests were skipped; the warnings above say why.`);
// The closing line CI reads.
console.log(`${summary.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);
