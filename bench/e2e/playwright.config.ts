/**
 * The training memory benchmark: not part of `npm test` (it measures and reports; its one check is that the heap
 * stays bounded). Build the browser build first, then:
 *   npx vite build --config vite.web.config.ts && npx playwright test -c bench/e2e/playwright.config.ts
 * Duration: NETWRIGHT_HEAP_MINUTES (default 10).
 */
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

const root = resolve(import.meta.dirname, '../..');
const minutes = Number(process.env.NETWRIGHT_HEAP_MINUTES ?? '10');

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '**/*.spec.ts',
  timeout: Math.ceil(minutes * 60_000 + 120_000),
  use: {
    ...base.use,
    launchOptions: {
      ...base.use?.launchOptions,
      // performance.memory with exact numbers, and a gc() to measure live memory rather than garbage.
      args: [...(base.use?.launchOptions?.args ?? []), '--enable-precise-memory-info', '--js-flags=--expose-gc'],
    },
  },
  webServer: base.webServer && !Array.isArray(base.webServer) ? { ...base.webServer, cwd: root } : base.webServer,
});
