import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Cross-origin isolation (COOP + COEP), as main sends with the app:// scheme (src/main/app-protocol.ts): the page and
 * its workers get SharedArrayBuffer, so the trainer's Web Worker splits large matrix products across nested workers.
 * A host that serves out/web without these headers still works, on one thread, with the same results.
 */
export const CROSS_ORIGIN_ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The browser build: the same renderer, with the trainer host in a Web Worker. Served on localhost. */
export default defineConfig({
  root: resolve(__dirname, 'src/renderer'),
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: resolve(__dirname, 'out/web'),
    emptyOutDir: true,
  },
  server: { port: 5173, strictPort: true, headers: CROSS_ORIGIN_ISOLATION },
  preview: { port: 4173, strictPort: true, headers: CROSS_ORIGIN_ISOLATION },
});
