import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// One project per kind of test, so each runs in the environment it needs: the core and
// shared code on plain Node with real SQLite files, components in jsdom, the headless
// console in real Chromium, and the backend against real Postgres and Deno.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/config/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['renderer/test/test-setup.ts'],
          // Each test drives a real core and SQLite file; on a loaded 2-core machine 5 s is not enough.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'backend',
          include: ['supabase/tests/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
