// electron-builder rebuilds native modules for Electron in place, inside the project's own
// node_modules (its @electron/rebuild runs with buildPath = the app directory). Plain Node
// (tests, the headless console) then cannot load them. `npm run dist` keeps a copy of
// every Node build beforehand and puts it back afterwards, whether packaging worked or not.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Every compiled addon of a package that node-gyp (and so @electron/rebuild) builds. */
function nativeBuilds(root) {
  const modules = join(root, 'node_modules');
  if (!existsSync(modules)) return [];
  const packages = readdirSync(modules, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return [];
    if (!entry.name.startsWith('@')) return [join(modules, entry.name)];
    return readdirSync(join(modules, entry.name), { withFileTypes: true })
      .filter((scoped) => scoped.isDirectory())
      .map((scoped) => join(modules, entry.name, scoped.name));
  });
  return packages
    .filter((dir) => existsSync(join(dir, 'binding.gyp')) && existsSync(join(dir, 'build', 'Release')))
    .flatMap((dir) =>
      readdirSync(join(dir, 'build', 'Release'))
        .filter((name) => name.endsWith('.node'))
        .map((name) => join(dir, 'build', 'Release', name)),
    );
}

/**
 * Copies the Node builds aside; the returned function puts them back and lists them. A
 * restored file is a new file renamed into place, never a write into the old one: in a
 * worktree with hard-linked node_modules that would change every linked copy.
 */
export function preserveNodeBuilds(root) {
  const saved = mkdtempSync(join(tmpdir(), 'console-node-builds-'));
  const files = nativeBuilds(root).map((path) => {
    const copy = join(saved, relative(root, path).replaceAll(/[\\/]/g, '__'));
    copyFileSync(path, copy);
    return { path, copy };
  });
  return function restore() {
    for (const { path, copy } of files) {
      const incoming = `${path}.restoring`;
      mkdirSync(dirname(path), { recursive: true }); // node-gyp's clean step may have removed the folder
      copyFileSync(copy, incoming);
      rmSync(path, { force: true });
      renameSync(incoming, path);
    }
    rmSync(saved, { recursive: true, force: true });
    return files.map(({ path }) => relative(root, path));
  };
}
