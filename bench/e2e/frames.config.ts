/**
 * The live-view frame benchmark: not part of `npm test` (it measures and reports, it asserts nothing about times).
 * Build the browser build first, then:
 *   npx vite build --config vite.web.config.ts && npx playwright test -c bench/e2e/frames.config.ts
 * Seconds per measurement: NETWRIGHT_FRAMES_SECONDS (default 10).
 */
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

const root = resolve(import.meta.dirname, '../..');
const seconds = Number(process.env.NETWRIGHT_FRAMES_SECONDS ?? '10');

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'frames.bench.ts',
  timeout: Math.ceil(seconds * 5 * 1000 + 120_000),
  webServer: base.webServer && !Array.isArray(base.webServer) ? { ...base.webServer, cwd: root } : base.webServer,
});
