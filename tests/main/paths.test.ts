import { describe, expect, it } from 'vitest';
import { appPaths } from '../../src/main/paths';

describe('appPaths', () => {
  it('finds the CommonJS preload, the trainer entry and the built page next to the main script', () => {
    const paths = appPaths('/opt/netwright/out/main', undefined, true);
    expect(paths.preload).toBe('/opt/netwright/out/preload/index.cjs');
    expect(paths.trainerEntry).toBe('/opt/netwright/out/main/trainer.js');
    expect(paths.appUrl).toBe('file:///opt/netwright/out/renderer/index.html');
  });

  it('encodes the page path as a file URL', () => {
    expect(appPaths('/home/ada lovelace/app/out/main', undefined, false).appUrl).toBe(
      'file:///home/ada%20lovelace/app/out/renderer/index.html',
    );
  });

  it('uses the dev server in development', () => {
    expect(appPaths('/x/out/main', 'http://localhost:5173', false).appUrl).toBe('http://localhost:5173');
  });

  it('ignores a dev server URL in a packaged app', () => {
    expect(appPaths('/x/out/main', 'http://localhost:5173', true).appUrl).toBe('file:///x/out/renderer/index.html');
  });

  it('ignores a dev server URL that is not http(s)', () => {
    expect(appPaths('/x/out/main', 'file:///etc/passwd', false).appUrl).toBe('file:///x/out/renderer/index.html');
  });
});
