import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/renderer/**', 'tests/e2e/**', 'node_modules/**'],
          globalSetup: ['tests/build-if-missing.ts'],
          testTimeout: 30_000,
          // Node 20's V8 has relaxed SIMD behind a flag (Electron 45 and current browsers have it on): with it the
          // kernel tests can run the fused multiply-add kernel as well as the plain SIMD one (tests/core/helpers/kernel-modes.ts).
          execArgv: ['--experimental-wasm-relaxed-simd'],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['tests/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['tests/renderer/setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
