import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

/** The rules ESLint reports for `code` as if it were saved at `path`. */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('layer boundaries the linter enforces', () => {
  it.each([
    [
      'renderer/src/pages/Example.tsx',
      "import { createCore } from '../../../app/core/composition-root.js';\nexport const x = createCore;\n",
    ],
    ['renderer/src/pages/Example.tsx', "import { FakeClock } from '../../../tests/support/fake-clock.js';\nexport const x = FakeClock;\n"],
    ['app/core/messages/example.ts', "import { createTray } from '../../main/tray.js';\nexport const x = createTray;\n"],
    ['app/core/example.ts', "import { x as y } from '../preload/index.js';\nexport const x = y;\n"],
    ['shared/phone/example.ts', "import { createCore } from '../../app/core/composition-root.js';\nexport const x = createCore;\n"],
    ['shared/phone/example.ts', "import { App } from '../../renderer/src/app/App.js';\nexport const x = App;\n"],
    ['shared/phone/example.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ])('refuses %s importing across layers: %j', async (path, code) => {
    expect(await violations(path, code)).toContain('no-restricted-imports');
  });

  it.each([
    'localStorage.getItem("x")',
    'navigator.language',
    'process.env.HOME',
    'Buffer.from("x")',
    'window.name',
    'setTimeout(() => 1, 1)',
  ])('refuses a browser or Node global in shared/: %s', async (expression) => {
    expect(await violations('shared/phone/example.ts', `export const x = () => ${expression};\n`)).toContain('no-restricted-globals');
  });

  it('allows what each layer may use: shared/ from anywhere, portable globals in shared/, the core from tests', async () => {
    expect(
      await violations(
        'renderer/src/pages/Example.tsx',
        "import { normalisePhone } from '../../../shared/phone/normalise-phone.js';\nexport const x = normalisePhone;\n",
      ),
    ).toEqual([]);
    expect(
      await violations(
        'shared/phone/example.ts',
        'export const x = (s: string) => new URL(s).host + new TextEncoder().encode(s).length;\n',
      ),
    ).toEqual([]);
    expect(
      await violations(
        'renderer/src/pages/Example.test.tsx',
        "import { createCore } from '../../../app/core/composition-root.js';\nexport const x = createCore;\n",
      ),
    ).toEqual([]);
  });
});
