// @ts-check
// The import directions of DEVELOPERS.md, machine-checked. Each layer lists what it may NOT import.
// A wrong import is an ESLint error, so CI fails on it (see tests/lint/layers.test.ts).

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'fs/promises', 'http', 'https', 'module', 'net', 'os',
  'path', 'process', 'stream', 'url', 'util', 'worker_threads', 'zlib',
];

/** @param {string[]} layers @param {string} why */
const layerPatterns = (layers, why) =>
  layers.map((layer) => ({ group: [`**/${layer}`, `**/${layer}/**`, `@/${layer}/**`], message: why }));

/** @param {{ layers: string[], node?: boolean, electron?: boolean, react?: boolean, why: string }} o */
function forbid(o) {
  /** @type {{ name: string, message: string }[]} */
  const paths = [];
  if (o.node) paths.push(...NODE_BUILTINS.map((name) => ({ name, message: `${o.why} (no Node built-ins)` })));
  if (o.electron) paths.push({ name: 'electron', message: `${o.why} (no Electron)` });
  if (o.react) paths.push({ name: 'react', message: `${o.why} (no React)` }, { name: 'react-dom', message: `${o.why} (no React)` });
  /** @type {{ group: string[], message: string }[]} */
  const patterns = layerPatterns(o.layers, o.why);
  if (o.node) patterns.push({ group: ['node:*'], message: `${o.why} (no Node built-ins)` });
  if (o.react) patterns.push({ group: ['@xyflow/*', 'react-dom/*'], message: `${o.why} (no React)` });
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export const layerRules = [
  {
    files: ['src/core/**/*.ts'],
    rules: forbid({
      layers: ['shared', 'trainer', 'cli', 'main', 'preload', 'renderer'],
      node: true, electron: true, react: true,
      why: 'src/core is pure TypeScript and imports nothing above it',
    }),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: forbid({
      layers: ['trainer', 'cli', 'main', 'preload', 'renderer'],
      node: true, electron: true, react: true,
      why: 'src/shared is the contract between processes and may import only src/core',
    }),
  },
  {
    files: ['src/trainer/**/*.ts'],
    rules: forbid({
      layers: ['cli', 'main', 'preload', 'renderer'],
      node: true, electron: true, react: true,
      why: 'src/trainer knows nothing of Electron, Node or the UI',
    }),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: forbid({
      layers: ['trainer', 'main', 'preload', 'renderer'],
      electron: true, react: true,
      why: 'src/cli is the command line over the core',
    }),
  },
  {
    files: ['src/node/**/*.ts'],
    rules: forbid({
      layers: ['shared', 'trainer', 'cli', 'main', 'preload', 'renderer'],
      electron: true, react: true,
      why: 'src/node is plain Node shared by main and the CLI: it imports only src/core and Node',
    }),
  },
  {
    files: ['src/main/**/*.ts'],
    rules: forbid({
      layers: ['cli', 'preload', 'renderer', 'trainer'],
      react: true,
      why: 'src/main forks the trainer by its built entry, it never imports it or the UI',
    }),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: forbid({
      layers: ['core', 'trainer', 'cli', 'main', 'renderer'],
      react: true,
      why: 'src/preload may import only src/shared and electron',
    }),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: forbid({
      layers: ['main', 'preload', 'cli'],
      node: true, electron: true,
      why: 'src/renderer never imports main, preload or Node',
    }),
  },
];
