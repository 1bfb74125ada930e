import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/**
 * Boundaries checked by the linter, not hoped for (docs/ARCHITECTURE.md lists them):
 * packages a layer may not import by name, and folders it may not reach by a relative path.
 */
const restrict = (names, message, folders = []) => ({
  'no-restricted-imports': [
    'error',
    { paths: names.map((name) => ({ name, message })), patterns: folders.length > 0 ? [{ group: folders, message }] : [] },
  ],
});

/**
 * The core's and the shells' folders, named one by one: a pattern for the whole top-level
 * folder would also match any other folder of that name, such as renderer/src/app/.
 */
const coreAndShells = ['core', 'main', 'preload', 'headless', 'assets'].map((folder) => `**/app/${folder}/**`);

/** Runtime globals of the browser and of Node; shared/ runs in both and in Deno, so it may use none but these. */
const portableGlobals = new Set(['URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder']);
const runtimeGlobals = [...new Set([...Object.keys(globals.browser), ...Object.keys(globals.node)])].filter(
  (name) => !(name in globals.es2021) && !portableGlobals.has(name),
);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'native/**', 'test-artifacts/**', 'test-results/**', 'supabase/functions/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['app/core/**/*.ts', 'app/headless/**/*.ts', 'app/assets/**/*.ts'],
    rules: restrict(
      ['electron'],
      'The core and the headless shell run without Electron; pass what you need in through the composition root.',
      [
        '**/app/main/**',
        '**/app/preload/**',
        '../main/**',
        '../../main/**',
        '../preload/**',
        '../../preload/**',
        '**/renderer/**',
        '**/tests/**',
      ],
    ),
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      ...restrict(
        [...nodeBuiltins, 'electron', 'react', 'better-sqlite3', '@whiskeysockets/baileys'],
        'shared/ is plain TypeScript used by the core, the renderer and the edge functions: no Node, DOM, Electron or React, and nothing from their folders.',
        [...coreAndShells, '**/renderer/**', '**/supabase/**', '**/tests/**'],
      ),
      'no-restricted-globals': [
        'error',
        ...runtimeGlobals.map((name) => ({ name, message: 'shared/ runs in the browser, Node and Deno: pass this in instead.' })),
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        [...nodeBuiltins, 'electron', 'better-sqlite3', '@whiskeysockets/baileys', 'pino', 'ws'],
        'The renderer talks to the core only through the API client.',
        [...coreAndShells, '**/supabase/**', '**/tests/**'],
      ),
    },
  },
  {
    files: [
      '**/*.test.{ts,tsx}',
      'tests/**/*.ts',
      'renderer/test/**/*.{ts,tsx}',
      'scripts/**/*.{ts,mjs}',
      'supabase/tests/**/*.ts',
      'supabase/dev/**/*.ts',
      'supabase/bench/**/*.ts',
      'bench/**/*.ts',
    ],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off' },
  },
);
