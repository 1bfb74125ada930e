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
          include: ['app/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/config/**/*.test.ts'],
          environment: 'node',
          // Loading electron-builder's schema or a real core took over 5 s on a loaded
          // machine; a deadline, not a speed check.
          testTimeout: 30_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['renderer/test/test-setup.ts'],
          // Each test drives a real core on SQLite; on a loaded two-core machine the default
          // 5 s deadline cut tests off mid-flow. A deadline, not a speed check.
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
