/**
 * Vitest global setup: the built-entry tests (tests/main/built-main, tests/preload/built-preload,
 * tests/trainer/built-utility) run the bytes electron-vite writes to out/. On a fresh clone `npx vitest run`
 * builds them first, so it passes by itself; `npm test` has built already and this does nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = ['out/main/index.js', 'out/main/trainer.js', 'out/preload/index.cjs'];

export default function setup(): void {
  const missing = entries.filter((entry) => !existsSync(`${root}/${entry}`));
  if (missing.length === 0) return;
  console.log(`vitest: ${missing.join(', ')} missing; running electron-vite build first`);
  execFileSync(process.execPath, [`${root}/node_modules/electron-vite/bin/electron-vite.js`, 'build'], { cwd: root, stdio: 'inherit' });
}
