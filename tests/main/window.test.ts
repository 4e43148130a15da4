import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron')).electronMock);

import { createMainWindow, hardenWebContents } from '../../src/main/window';
import type { FakeBrowserWindow} from './fake-electron';
import { FakeWebContents, electronMock, resetElectronMock } from './fake-electron';

const APP = 'file:///app/out/renderer/index.html';

beforeEach(() => resetElectronMock());

function navigate(contents: FakeWebContents, event: 'will-navigate' | 'will-redirect', url: string): boolean {
  const preventDefault = vi.fn();
  contents.emit(event, { url, preventDefault });
  return preventDefault.mock.calls.length > 0;
}

describe('createMainWindow', () => {
  it('creates a sandboxed, isolated window with the preload and loads the app', () => {
    const window = createMainWindow({ preloadPath: '/app/out/preload/index.cjs', appUrl: APP }) as unknown as FakeBrowserWindow;
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(window.loadURL).toHaveBeenCalledWith(APP);
  });

  it('shows the window once it is ready', () => {
    const window = createMainWindow({ preloadPath: '/p', appUrl: APP }) as unknown as FakeBrowserWindow;
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('hardens the window: no new windows, no navigation away, no permissions', () => {
    const window = createMainWindow({ preloadPath: '/p', appUrl: APP }) as unknown as FakeBrowserWindow;
    const contents = window.webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(navigate(contents, 'will-navigate', 'https://example.com/')).toBe(true);
    const callback = vi.fn();
    contents.session.requestHandler?.(contents, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
  });
});

describe('window-open handler', () => {
  it.each(['https://example.com/', 'http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', APP])('denies a new window for %s', (url) => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, APP, vi.fn());
    expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
  });

  it('opens http(s) links in the user\'s browser and nothing else', () => {
    const contents = new FakeWebContents();
    const openExternal = vi.fn();
    hardenWebContents(contents as never, APP, openExternal);
    contents.windowOpenHandler?.({ url: 'https://en.wikipedia.org/wiki/Perceptron' });
    contents.windowOpenHandler?.({ url: 'file:///etc/passwd' });
    contents.windowOpenHandler?.({ url: 'javascript:alert(1)' });
    expect(openExternal.mock.calls).toEqual([['https://en.wikipedia.org/wiki/Perceptron']]);
  });

  it('uses shell.openExternal by default, and survives its failure', async () => {
    const contents = new FakeWebContents();
    electronMock.shell.openExternal.mockRejectedValueOnce(new Error('no browser'));
    hardenWebContents(contents as never, APP);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(electronMock.shell.openExternal).toHaveBeenCalledWith('https://example.com/');
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});

describe('navigation', () => {
  it.each([
    ['will-navigate', 'https://evil.example/', true],
    ['will-navigate', 'file:///etc/passwd', true],
    ['will-navigate', `${APP}#/lesson`, false],
    ['will-redirect', 'https://evil.example/', true],
    ['will-redirect', APP, false],
  ] as const)('%s to %s is prevented: %s', (event, url, prevented) => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, APP, vi.fn());
    expect(navigate(contents, event, url)).toBe(prevented);
  });

  it('allows navigation within the dev server and prevents it elsewhere', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, 'http://localhost:5173/', vi.fn());
    expect(navigate(contents, 'will-navigate', 'http://localhost:5173/?reload')).toBe(false);
    expect(navigate(contents, 'will-navigate', 'http://localhost:8080/')).toBe(true);
  });

  it('refuses to attach a <webview>', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, APP, vi.fn());
    const preventDefault = vi.fn();
    contents.emit('will-attach-webview', { preventDefault }, {}, {});
    expect(preventDefault).toHaveBeenCalled();
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen', 'openExternal'])('denies a request for %s', (permission) => {
    const window = createMainWindow({ preloadPath: '/p', appUrl: APP }) as unknown as FakeBrowserWindow;
    const callback = vi.fn();
    window.webContents.session.requestHandler?.(window.webContents, permission, callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(window.webContents.session.checkHandler?.(window.webContents, permission, 'file://', {})).toBe(false);
  });
});
