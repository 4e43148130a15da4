/** The application menu (pure template) and how main wires files at startup, with Electron faked. */
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { menuTemplate, type MenuActions } from '../../src/main/menu';
import { IPC, type MenuCommand } from '../../src/shared/ipc';
import type { ElectronMock } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronMock);

function actions() {
  const sent: MenuCommand[] = [];
  const a: MenuActions & { sent: MenuCommand[] } = {
    sent,
    command: vi.fn((c: MenuCommand) => sent.push(c)),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    close: vi.fn(),
  };
  return a;
}

const items = (menu: MenuItemConstructorOptions | undefined) => (menu?.submenu ?? []) as MenuItemConstructorOptions[];
const byLabel = (list: MenuItemConstructorOptions[], label: string) => list.find((i) => i.label?.replace(/&/g, '') === label);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as unknown as () => void)();

describe('application menu', () => {
  it('has File with New, Open, Open Recent, Save, Save As, Export and Close, with their shortcuts', () => {
    const a = actions();
    const file = items(menuTemplate({ platform: 'linux', recent: [], isPackaged: true }, a)[0]);
    const shortcuts = Object.fromEntries(file.filter((i) => i.label).map((i) => [i.label!.replace(/&/g, ''), i.accelerator ?? null]));
    expect(shortcuts).toEqual({
      'New': 'CmdOrCtrl+N', 'Open…': 'CmdOrCtrl+O', 'Open Recent': null, 'Save': 'CmdOrCtrl+S', 'Save As…': 'CmdOrCtrl+Shift+S',
      'Export': null, 'Import Trained Weights…': null, 'Close': 'CmdOrCtrl+W', 'Exit': null,
    });
    for (const label of ['New', 'Open…', 'Save', 'Save As…']) click(byLabel(file, label));
    for (const item of items(byLabel(file, 'Export')).filter((i) => i.click)) click(item);
    click(byLabel(file, 'Import Trained Weights…'));
    click(byLabel(file, 'Close'));
    expect(a.sent).toEqual(['new', 'open', 'save', 'saveAs', 'exportOnnx', 'exportWeightsJson', 'exportWeightsCsv', 'exportPng', 'exportSvg', 'exportPytorch', 'exportNumpy', 'importWeights']);
    expect(a.close).toHaveBeenCalledTimes(1);
  });

  it('lists recent files by name, newest first, each opening its path; Clear Recent clears', () => {
    const a = actions();
    const file = items(menuTemplate({ platform: 'linux', recent: ['/m/a.netwright', '/n/b.netwright'], isPackaged: true }, a)[0]);
    const recent = items(byLabel(file, 'Open Recent'));
    expect(recent.map((i) => i.label)).toEqual(['&1 a.netwright', '&2 b.netwright', undefined, 'Clear Recent']);
    click(recent[1]);
    expect(a.openRecent).toHaveBeenCalledWith('/n/b.netwright');
    click(recent[3]);
    expect(a.clearRecent).toHaveBeenCalled();
    const empty = items(byLabel(items(menuTemplate({ platform: 'linux', recent: [], isPackaged: true }, a)[0]), 'Open Recent'));
    expect(empty[0]).toMatchObject({ label: 'No recent files', enabled: false });
  });

  it('puts the app menu first on macOS and has no Exit there; developer tools only unpackaged', () => {
    const mac = menuTemplate({ platform: 'darwin', recent: [], isPackaged: true }, actions());
    expect(mac[0]).toMatchObject({ role: 'appMenu' });
    expect(items(mac[1]).some((i) => i.role === 'quit')).toBe(false);
    const dev = menuTemplate({ platform: 'linux', recent: [], isPackaged: false }, actions());
    const viewRoles = (m: MenuItemConstructorOptions[]) => items(m.find((i) => i.label === '&View')).map((i) => i.role);
    expect(viewRoles(dev)).toContain('toggleDevTools');
    expect(viewRoles(menuTemplate({ platform: 'linux', recent: [], isPackaged: true }, actions()))).not.toContain('toggleDevTools');
  });
});

describe('main: files at startup', () => {
  const realArgv = process.argv;
  afterEach(() => {
    process.argv = realArgv;
  });

  async function start(argv: string[]) {
    process.argv = argv;
    vi.resetModules();
    const electronMock = (await import('electron')) as unknown as ElectronMock;
    electronMock.__reset();
    electronMock.app.requestSingleInstanceLock.mockReturnValue(true);
    await import('../../src/main/index');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const window = electronMock.BrowserWindow.instances[0]!;
    window.webContents.mainFrame.url = String((window.loadURL.mock.calls[0] as unknown[])[0]); // the page loaded
    return electronMock;
  }

  it('sets the application menu and titles the window', async () => {
    const electron = await start(['/usr/bin/netwright']);
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalled();
    expect(electron.BrowserWindow.instances[0]!.title).toBe('Untitled — Netwright');
  });

  it('offers a file named on the command line once the renderer listens', async () => {
    const electron = await start(['/usr/bin/netwright', '/m/model.netwright']);
    const window = electron.BrowserWindow.instances[0]!;
    const contents = window.webContents;
    expect(contents.send).not.toHaveBeenCalledWith(IPC.openFileRequest, expect.anything());
    electron.ipcMain.emit(IPC.openFileReady, { sender: contents, senderFrame: contents.mainFrame });
    expect(contents.send).toHaveBeenCalledWith(IPC.openFileRequest, '/m/model.netwright');
  });

  it('offers a file a second instance was started with, resolved against its folder', async () => {
    const electron = await start(['/usr/bin/netwright']);
    const contents = electron.BrowserWindow.instances[0]!.webContents;
    electron.ipcMain.emit(IPC.openFileReady, { sender: contents, senderFrame: contents.mainFrame });
    electron.app.emit('second-instance', {}, ['/usr/bin/netwright', 'rel/other.netwright'], '/home/u');
    expect(contents.send).toHaveBeenCalledWith(IPC.openFileRequest, '/home/u/rel/other.netwright');
  });
});
