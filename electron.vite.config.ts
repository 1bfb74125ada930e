import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Pure-JS libraries the core needs at start-up are bundled: one file to read and
      // compile instead of hundreds to resolve, which is most of a cold start. Native and
      // lazily loaded packages (better-sqlite3, Baileys) stay in node_modules.
      externalizeDeps: { exclude: ['zod', 'luxon', 'libphonenumber-js', 'papaparse', 'ws', 'pino'] },
      rollupOptions: {
        // The headless console is the same core without Electron, built alongside it.
        input: {
          index: resolve('app/main/index.ts'),
          headless: resolve('app/headless/serve.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot load modules: one self-contained CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('app/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
