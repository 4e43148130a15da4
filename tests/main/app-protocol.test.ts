/** The app:// scheme that serves the renderer: only files of the renderer folder, always with the CSP header. */
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFileFor, appResponse, RENDERER_CSP } from '../../src/main/app-protocol';
import { isAppUrl } from '../../src/main/security';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netwright-app-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Netwright</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'index.js'), 'export {};');
  await writeFile(join(dir, 'secret.netwright'), '{"secret": true}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('app:// protocol', () => {
  it('serves the page and its assets with their types, the CSP as a header and nosniff', async () => {
    const page = await appResponse('app://netwright/index.html', join(dir, 'renderer'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Netwright</title>');
    const script = await appResponse('app://netwright/assets/index.js?v=1', join(dir, 'renderer'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });

  it('makes the page cross-origin isolated (COOP same-origin, COEP require-corp) on every response, errors included', async () => {
    for (const url of ['app://netwright/index.html', 'app://netwright/assets/index.js', 'app://netwright/missing.js']) {
      const response = await appResponse(url, join(dir, 'renderer'));
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  });

  it.each([
    'app://netwright/../secret.netwright',
    'app://netwright/%2e%2e/secret.netwright',
    'app://netwright/assets/..%2f..%2fsecret.netwright',
    'app://other/index.html',
    'file:///etc/passwd',
    'app://netwright/%00',
    'app://netwright/missing.js',
  ])('refuses %s with a 404', async (url) => {
    const response = await appResponse(url, join(dir, 'renderer'));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('secret');
  });

  it('maps only paths inside the renderer folder', () => {
    expect(appFileFor('app://netwright/', join(dir, 'renderer'))).toBe(join(dir, 'renderer', 'index.html'));
    expect(appFileFor('app://netwright/../../x', join(dir, 'renderer'))).toBe(join(dir, 'renderer', 'x'));
  });

  it('the header says what the page\'s own <meta> says', () => {
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
    expect(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]).toBe(RENDERER_CSP);
  });

  it('pages of the app scheme are the app; other hosts and schemes are not', () => {
    expect(isAppUrl('app://netwright/index.html#x', 'app://netwright/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html', 'app://netwright/index.html')).toBe(false);
    expect(isAppUrl('file:///x/out/renderer/index.html', 'app://netwright/index.html')).toBe(false);
  });
});
