import { describe, expect, it } from 'vitest';
import { appPaths, isDevRun } from '../../src/main/paths';

describe('appPaths', () => {
  it('finds the CommonJS preload, the trainer entry and the built page next to the main script', () => {
    const paths = appPaths('/opt/netwright/out/main', undefined, false);
    expect(paths.preload).toBe('/opt/netwright/out/preload/index.cjs');
    expect(paths.trainerEntry).toBe('/opt/netwright/out/main/trainer.js');
    expect(paths.rendererDir).toBe('/opt/netwright/out/renderer');
    expect(paths.appUrl).toBe('app://netwright/index.html');
  });

  it('uses the dev server only in an explicit development run', () => {
    expect(appPaths('/x/out/main', 'http://localhost:5173', true).appUrl).toBe('http://localhost:5173');
    expect(appPaths('/x/out/main', 'http://localhost:5173/', true).appUrl).toBe('http://localhost:5173/');
  });

  it('an unpackaged app started without the development flag ignores ELECTRON_RENDERER_URL', () => {
    expect(isDevRun({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false)).toBe(false);
    expect(appPaths('/x/out/main', 'http://localhost:5173', isDevRun({}, false)).appUrl).toBe('app://netwright/index.html');
  });

  it('a packaged app is never a development run, whatever its environment says', () => {
    expect(isDevRun({ NETWRIGHT_DEV: '1' }, true)).toBe(false);
    expect(isDevRun({ NETWRIGHT_DEV: '1' }, false)).toBe(true);
  });

  it.each(['https://evil.example', 'http://evil.example:5173', 'file:///etc/passwd', 'http://localhost.evil.example/'])('never trusts %s as the page, even in development', (url) => {
    expect(appPaths('/x/out/main', url, true).appUrl).toBe('app://netwright/index.html');
  });
});
