/**
 * The packaging configuration (electron-builder.config.cjs) as far as this machine can check it without Electron's
 * binary or electron-builder: targets, the .netwright association and its icon, the fuses, what goes into the app.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
interface BuilderConfig {
  icon: string;
  asar: boolean;
  files: string[];
  fileAssociations: { ext: string; icon: string; mimeType: string }[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; mimeTypes: string[] };
  mac: { target: string[] };
  win: { target: string[] };
}
const config = require('../../electron-builder.config.cjs') as BuilderConfig;
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { main: string; scripts: Record<string, string> };

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder configuration', () => {
  it('builds AppImage and deb for Linux, dmg for macOS, NSIS for Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('associates .netwright files with the app, with their own icon (512×512 PNG, converted per platform)', () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'netwright', name: 'Netwright network', role: 'Editor', mimeType: 'application/x-netwright+json' })]);
    for (const icon of [config.icon, config.fileAssociations[0]!.icon]) {
      expect(existsSync(`${root}/${icon}`)).toBe(true);
      expect(pngSize(`${root}/${icon}`)).toEqual({ width: 512, height: 512 });
    }
    expect(config.linux.mimeTypes).toContain(config.fileAssociations[0]!.mimeType);
  });

  it('sets the fuses at package time: no RunAsNode, NODE_OPTIONS or inspect flags; asar integrity and asar-only; cookie encryption', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('packs the built main, preload, trainer and page (where package.json points), not the sources or the browser build', () => {
    expect(pkg.main).toBe('out/main/index.js');
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']));
    expect(config.files.some((f) => f.startsWith('src') || f.startsWith('out/web'))).toBe(false);
  });

  it('`npm run dist` builds first and runs a pinned electron-builder with this file; the README says so', () => {
    expect(pkg.scripts.dist).toMatch(/^npm run build && npx --yes electron-builder@\d+\.\d+\.\d+ --config electron-builder\.config\.cjs$/);
    expect(readFileSync(`${root}/README.md`, 'utf8')).toContain('npm run dist');
  });
});
