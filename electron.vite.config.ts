import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig(({ command }) => {
  // `electron-vite dev` is the one explicit development run: only then does main trust ELECTRON_RENDERER_URL (the
  // dev server) instead of its own app:// scheme (src/main/paths.ts). The Electron it starts inherits this variable.
  if (command === 'serve') process.env.NETWRIGHT_DEV = '1';
  return config;
});

const config: UserConfig = {
  main: {
    build: {
      // The core imports the Iris and Cars tables as JSON modules; Node refuses to load a .json module without an
      // import attribute, so bundle that package into the trainer instead of leaving it external.
      externalizeDeps: { exclude: ['vega-datasets'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The training host, forked by main as an Electron utility process.
          trainer: resolve(__dirname, 'src/trainer/entry/utility.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload cannot be an ES module: build it as CommonJS (.cjs, since package.json says "module").
        // Main loads it from out/preload/index.cjs (src/main/paths.ts).
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    // `npm run dev` serves the renderer over http: the same cross-origin isolation headers as app:// (app-protocol.ts).
    server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
};
