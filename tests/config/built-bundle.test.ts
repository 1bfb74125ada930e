import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// What electron-vite builds for the Electron shell, read back: the part of the packaged app
// that can be checked without an Electron binary. Built into a scratch folder, so the
// e2e suite's out/ is never touched.
const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const builder = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { files: string[] };
let out: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Package names a module loads at runtime: import/export from, import(), require(), createRequire(…)(…). */
function bareImports(code: string): Set<string> {
  const found = new Set<string>();
  for (const [, specifier] of code.matchAll(
    /(?:\bfrom\s*|\bimport\(\s*|\brequire\(\s*|\bcreateRequire\([^)]*\)\(\s*)["']([^"'\s]+)["']/g,
  )) {
    if (
      !specifier ||
      specifier.startsWith('.') ||
      specifier.startsWith('/') ||
      specifier.startsWith('node:') ||
      builtinModules.includes(specifier)
    )
      continue;
    if (specifier !== specifier.toLowerCase()) continue; // not a package name: prose in a bundled comment
    const parts = specifier.split('/');
    found.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
  }
  return found;
}

const excluded = (path: string) =>
  builder.files.filter((pattern) => pattern.startsWith('!')).some((pattern) => minimatch(path, pattern.slice(1), { dot: true }));

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'console-bundle-'));
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'error', '--outDir', out],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr}`);
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the built Electron bundle', () => {
  it('has a single CommonJS preload that loads nothing but electron (sandboxed preloads cannot)', () => {
    expect(readdirSync(join(out, 'preload'))).toEqual(['index.cjs']);
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...bareImports(preload)]).toEqual(['electron']);
  });

  it('loads at runtime only production dependencies that the package keeps', () => {
    const code = filesUnder(join(out, 'main')).map((file) => readFileSync(file, 'utf8'));
    const used = new Set(code.flatMap((source) => [...bareImports(source)]));
    used.delete('electron');
    // Native and lazily loaded packages stay outside the bundle; pure-JS ones may be bundled in.
    expect(used).toEqual(expect.objectContaining(new Set(['better-sqlite3', '@whiskeysockets/baileys', 'pino-roll'])));
    expect([...used].every((name) => name in pkg.dependencies)).toBe(true);
    for (const name of used) {
      expect(pkg.dependencies, name).toHaveProperty([name]);
      expect(excluded(`node_modules/${name}/package.json`), name).toBe(false);
    }
    expect(excluded('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(false);
    expect(excluded('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(true);
    expect(excluded('node_modules/better-sqlite3/build/Release/test_extension.node')).toBe(true);
  });

  it('keeps every file the log roller loads, while leaving out the date library’s other locales', () => {
    const require = createRequire(import.meta.url);
    require('pino-roll');
    const loaded = Object.keys(require.cache)
      .filter((file) => file.includes(`${join('node_modules', 'date-fns')}`))
      .map((file) => file.slice(file.indexOf('node_modules')).replaceAll('\\', '/'));
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter(excluded)).toEqual([]);
    expect(excluded('node_modules/date-fns/locale/fr/_lib/localize.cjs')).toBe(true);
    expect(excluded('node_modules/date-fns/fp/format.cjs')).toBe(true);
  });

  it('leaves the renderer’s libraries out of the package: Vite has bundled them already', () => {
    const rendererSources = filesUnder(join(root, 'renderer', 'src')).filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file));
    const rendererOnly = new Set(rendererSources.flatMap((file) => [...bareImports(readFileSync(file, 'utf8'))]));
    const mainSources = ['app', 'shared']
      .flatMap((dir) => filesUnder(join(root, dir)))
      .filter((file) => /\.ts$/.test(file) && !/\.test\.ts$/.test(file));
    const main = new Set(mainSources.flatMap((file) => [...bareImports(readFileSync(file, 'utf8'))]));
    for (const name of rendererOnly) {
      if (main.has(name)) continue;
      expect(pkg.dependencies, `${name} is imported only by the renderer`).not.toHaveProperty([name]);
    }
    expect(rendererOnly).toContain('react');
  });

  it('moves development runs to their own data folder before taking the single-instance lock, and sets the Windows id first', () => {
    const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
    const userData = main.indexOf('app.setPath("userData"');
    const aumid = main.indexOf('if (process.platform === "win32") app.setAppUserModelId(');
    const lock = main.indexOf('app.requestSingleInstanceLock()');
    expect(userData).toBeGreaterThan(-1);
    expect(aumid).toBeGreaterThan(userData);
    expect(lock).toBeGreaterThan(aumid);
  });
});
