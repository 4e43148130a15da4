/** The app's lifecycle, with Electron replaced by fake-electron.ts. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron')).electronMock);

import { IPC } from '../../src/shared/ipc';
import type { ElectronMock } from './fake-electron';

const realPlatform = process.platform;

function setPlatform(platform: NodeJS.Platform): void {
  Object.defineProperty(process, 'platform', { value: platform, configurable: true });
}

/**
 * Load main afresh, as Electron would at startup. `singleInstance` is what requestSingleInstanceLock returns.
 * Returns the fake Electron main sees: the mocked module survives vi.resetModules, so it is taken from 'electron'.
 */
async function start(singleInstance = true) {
  vi.resetModules();
  const electronMock = (await import('electron')) as unknown as ElectronMock;
  electronMock.__reset();
  electronMock.app.requestSingleInstanceLock.mockReturnValue(singleInstance);
  await import('../../src/main/index');
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { electronMock, FakeBrowserWindow: electronMock.BrowserWindow };
}

beforeEach(() => {
  setPlatform('linux');
});

afterEach(() => setPlatform(realPlatform));

describe('main: app lifecycle', () => {
  it('opens one hardened window showing the built page once the app is ready', async () => {
    const { FakeBrowserWindow } = await start();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const window = FakeBrowserWindow.instances[0]!;
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/[\\/]preload[\\/]index\.cjs$/);
    expect(window.loadURL).toHaveBeenCalledWith('app://netwright/index.html');
    expect(window.webContents.setWindowOpenHandler).toHaveBeenCalled();
    expect(window.webContents.listenerCount('render-process-gone')).toBe(1);
    expect(window.webContents.listenerCount('unresponsive')).toBe(1);
  });

  it('serves the page through its own app:// scheme with the CSP and cross-origin isolation headers, registered as privileged before ready', async () => {
    const { electronMock } = await start();
    expect(electronMock.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    const handler = electronMock.protocol.handlers.get('app');
    expect(handler).toBeDefined();
    const response = await handler!({ url: 'app://netwright/../../../etc/passwd' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    // COOP/COEP: the window is cross-origin isolated (SharedArrayBuffer for the matrix products' threads)
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  });

  it('a packaged app has no DevTools; an unpackaged one may open them', async () => {
    const dev = await start();
    expect((dev.FakeBrowserWindow.instances[0]!.options.webPreferences as { devTools: boolean }).devTools).toBe(true);
    vi.resetModules();
    const electronMock = (await import('electron')) as unknown as ElectronMock;
    electronMock.__reset();
    electronMock.app.isPackaged = true;
    try {
      await import('../../src/main/index');
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect((electronMock.BrowserWindow.instances[0]!.options.webPreferences as { devTools: boolean }).devTools).toBe(false);
    } finally {
      electronMock.app.isPackaged = false;
    }
  });

  it('does not trust ELECTRON_RENDERER_URL in an unpackaged app started without the development flag', async () => {
    process.env.ELECTRON_RENDERER_URL = 'https://evil.example/';
    try {
      const { FakeBrowserWindow } = await start();
      expect(FakeBrowserWindow.instances[0]!.loadURL).toHaveBeenCalledWith('app://netwright/index.html');
    } finally {
      delete process.env.ELECTRON_RENDERER_URL;
    }
  });

  it('quits when all windows close, except on macOS', async () => {
    const linux = await start();
    linux.electronMock.app.emit('window-all-closed');
    expect(linux.electronMock.app.quit).toHaveBeenCalledTimes(1);

    setPlatform('darwin');
    const mac = await start();
    mac.electronMock.app.emit('window-all-closed');
    expect(mac.electronMock.app.quit).not.toHaveBeenCalled();
  });

  it('reopens a window on activate when none is open', async () => {
    const { FakeBrowserWindow, electronMock } = await start();
    FakeBrowserWindow.instances[0]!.destroyed = true;
    electronMock.app.emit('activate');
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    electronMock.app.emit('activate');
    expect(FakeBrowserWindow.instances).toHaveLength(2);
  });

  it('a file double-clicked while the app runs (second-instance) is brought to the running window and opened there', async () => {
    const { FakeBrowserWindow, electronMock } = await start();
    const window = FakeBrowserWindow.instances[0]!;
    const contents = window.webContents;
    contents.mainFrame.url = (window.loadURL.mock.calls[0] as unknown[])[0] as string;
    window.isMinimized.mockReturnValue(true);
    electronMock.app.emit('second-instance', {}, ['/opt/Netwright/netwright', '--no-sandbox', 'models/spiral.netwright', 'notes.txt'], '/home/ada');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    // the page says it listens: main hands over what waited
    electronMock.ipcMain.emit(IPC.openFileReady, { sender: contents, senderFrame: contents.mainFrame });
    expect(contents.send).toHaveBeenCalledWith(IPC.openFileRequest, '/home/ada/models/spiral.netwright');
    expect(contents.send.mock.calls.filter(([channel]) => channel === IPC.openFileRequest)).toHaveLength(1);
  });

  it('macOS open-file (Finder double-click, Dock drop) opens the file in the running window', async () => {
    const { FakeBrowserWindow, electronMock } = await start();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    contents.mainFrame.url = (FakeBrowserWindow.instances[0]!.loadURL.mock.calls[0] as unknown[])[0] as string;
    electronMock.ipcMain.emit(IPC.openFileReady, { sender: contents, senderFrame: contents.mainFrame });
    const preventDefault = vi.fn();
    electronMock.app.emit('open-file', { preventDefault }, '/Users/ada/lesson.netwright');
    expect(preventDefault).toHaveBeenCalled();
    expect(contents.send).toHaveBeenCalledWith(IPC.openFileRequest, '/Users/ada/lesson.netwright');
  });

  it('quits at once when another instance already runs', async () => {
    const { FakeBrowserWindow, electronMock } = await start(false);
    expect(electronMock.app.quit).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('serves the trainer port to its own window and kills the trainer on quit', async () => {
    const { FakeBrowserWindow, electronMock } = await start();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    const appUrl = (FakeBrowserWindow.instances[0]!.loadURL.mock.calls[0] as unknown[])[0] as string;
    contents.mainFrame.url = appUrl;
    electronMock.ipcMain.emit(IPC.requestTrainerPort, { sender: contents, senderFrame: contents.mainFrame });
    expect(electronMock.utilityProcess.fork).toHaveBeenCalledWith(expect.stringMatching(/trainer\.js$/), [], {
      serviceName: 'Netwright Trainer',
      execArgv: [expect.stringMatching(/^--max-old-space-size=\d+$/)],
    });
    expect(contents.postMessage).toHaveBeenCalledWith(IPC.trainerPort, null, expect.any(Array));
    electronMock.app.emit('will-quit');
    const child = electronMock.utilityProcess.fork.mock.results[0]?.value as { kill: ReturnType<typeof vi.fn> };
    expect(child.kill).toHaveBeenCalled();
  });

  it('refuses the trainer port to a frame showing another page', async () => {
    const { FakeBrowserWindow, electronMock } = await start();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    contents.mainFrame.url = 'https://evil.example/';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    electronMock.ipcMain.emit(IPC.requestTrainerPort, { sender: contents, senderFrame: contents.mainFrame });
    expect(electronMock.utilityProcess.fork).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('refused'));
    warn.mockRestore();
  });
});
