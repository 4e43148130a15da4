/**
 * The editor's frame-time benchmark: not part of `npm test` (it measures, it does not assert).
 * Run with `npx playwright test -c tests/e2e-bench/playwright.config.ts` after building the browser build.
 */
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

const root = resolve(import.meta.dirname, '../..');

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '**/*.bench.spec.ts',
  timeout: 180_000,
  // The same server as the e2e tests, started from the repository root.
  webServer: base.webServer && !Array.isArray(base.webServer) ? { ...base.webServer, cwd: root } : base.webServer,
});
