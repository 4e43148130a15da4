/** The import directions of eslint.layers.js, shown to bite: each wrong import is an error, each allowed one passes. */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd });

/** The layer-rule errors ESLint reports for `code` placed at `filePath`. */
async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned nothing for ${filePath}`);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`ESLint could not parse ${filePath}: ${fatal[0]?.message}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (specifier: string, name = 'x') => `import ${name} from '${specifier}';\nexport const y = ${name};\n`;

describe('layer rules refuse wrong imports', () => {
  it.each([
    ['src/core/bad.ts', 'node:fs', /no Node built-ins/],
    ['src/core/bad.ts', 'fs', /no Node built-ins/],
    ['src/core/bad.ts', 'electron', /no Electron/],
    ['src/core/bad.ts', '../renderer/x', /src\/core is pure/],
    ['src/core/nested/bad.ts', '../../renderer/state/store', /src\/core is pure/],
    ['src/core/bad.ts', 'react', /no React/],
    ['src/core/bad.ts', '@xyflow/react', /no React/],
    ['src/core/bad.ts', '../shared/protocol', /src\/core is pure/],
    ['src/renderer/bad.ts', '../main/x', /src\/renderer never imports main/],
    ['src/renderer/components/Bad.tsx', '../../preload/index', /src\/renderer never imports main/],
    ['src/renderer/bad.ts', 'node:path', /no Node built-ins/],
    ['src/renderer/bad.ts', 'electron', /no Electron/],
    ['src/trainer/bad.ts', 'electron', /no Electron/],
    ['src/trainer/bad.ts', 'node:worker_threads', /no Node built-ins/],
    ['src/trainer/bad.ts', '../renderer/x', /src\/trainer knows nothing/],
    ['src/shared/bad.ts', '../trainer/host', /src\/shared is the contract/],
    ['src/main/bad.ts', '../trainer/host', /src\/main forks the trainer/],
    ['src/main/bad.ts', '../renderer/x', /src\/main forks the trainer/],
    ['src/preload/bad.ts', '../core/document', /src\/preload may import only/],
    ['src/cli/bad.ts', 'electron', /no Electron/],
    ['src/node/bad.ts', 'electron', /no Electron/],
    ['src/node/bad.ts', '../main/files', /src\/node is plain Node/],
    ['src/node/bad.ts', '../cli/commands', /src\/node is plain Node/],
  ])('%s importing %s is an error', async (filePath, specifier, why) => {
    const errors = await importErrors(filePath, use(specifier));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(why);
  });
});

describe('layer rules allow the downward imports', () => {
  it.each([
    ['src/renderer/ok.ts', '../core/document'],
    ['src/renderer/ok.ts', '../shared/protocol'],
    ['src/renderer/ok.tsx', 'react'],
    ['src/shared/ok.ts', '../core/document'],
    ['src/trainer/ok.ts', '../shared/protocol'],
    ['src/trainer/ok.ts', '../core/random'],
    ['src/main/ok.ts', 'electron'],
    ['src/main/ok.ts', 'node:path'],
    ['src/main/ok.ts', '../shared/ipc'],
    ['src/main/ok.ts', './trainer-process'],
    ['src/preload/ok.ts', 'electron'],
    ['src/preload/ok.ts', '../shared/ipc'],
    ['src/cli/ok.ts', 'node:fs'],
    ['src/cli/ok.ts', '../core/document'],
    ['src/core/ok.ts', './random'],
    ['src/node/ok.ts', 'node:fs'],
    ['src/node/ok.ts', '../core/fileText'],
    ['src/main/ok.ts', '../node/files'],
    ['src/cli/ok.ts', '../node/files'],
  ])('%s importing %s passes', async (filePath, specifier) => {
    expect(await importErrors(filePath, use(specifier))).toEqual([]);
  });
});
