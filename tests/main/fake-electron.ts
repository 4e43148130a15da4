/**
 * A stand-in for the `electron` module in main-process tests (used through vi.mock('electron')).
 * Records what main asks of Electron; events are plain EventEmitters the tests fire by hand.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(
    public url: string,
    public processId = 1,
    public routingId = 1,
  ) {}
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly setWindowOpenHandler = vi.fn((handler: (details: { url: string }) => { action: string }) => {
    this.windowOpenHandler = handler;
  });
  readonly postMessage = vi.fn();
  readonly send = vi.fn();
  destroyed = false;
  readonly isDestroyed = vi.fn(() => this.destroyed);
  mainFrame: FakeFrame;
  readonly session = new FakeSession();
  constructor(url = 'file:///app/out/renderer/index.html') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
}

export class FakeSession {
  requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | undefined;
  checkHandler: ((contents: unknown, permission: string, origin: string, details: unknown) => boolean) | undefined;
  readonly setPermissionRequestHandler = vi.fn((handler: FakeSession['requestHandler']) => {
    this.requestHandler = handler;
  });
  readonly setPermissionCheckHandler = vi.fn((handler: FakeSession['checkHandler']) => {
    this.checkHandler = handler;
  });
}

let nextWindowId = 1;

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly id = nextWindowId++;
  title = '';
  readonly setTitle = vi.fn((title: string) => {
    this.title = title;
  });
  /** Like Electron: emits 'close' (which a listener may prevent), then 'closed'. */
  readonly close = vi.fn(() => {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.destroyed = true;
      this.emit('closed');
    }
  });
  readonly setDocumentEdited = vi.fn();
  readonly setRepresentedFilename = vi.fn();
  static getAllWindows = vi.fn(() => FakeBrowserWindow.instances.filter((w) => !w.destroyed));
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async () => undefined);
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  readonly isMinimized = vi.fn(() => false);
  destroyed = false;
  readonly isDestroyed = vi.fn(() => this.destroyed);
  constructor(public readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
}

export class FakeMessagePortMain extends EventEmitter {
  constructor(public readonly name: string) {
    super();
  }
}

export class FakeMessageChannelMain {
  static created: FakeMessageChannelMain[] = [];
  readonly port1 = new FakeMessagePortMain('port1');
  readonly port2 = new FakeMessagePortMain('port2');
  constructor() {
    FakeMessageChannelMain.created.push(this);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  readonly postMessage = vi.fn();
  killed = false;
  readonly kill = vi.fn(() => {
    this.killed = true;
    return true;
  });
  constructor(
    public readonly modulePath: string,
    public readonly args: string[],
    public readonly options: Record<string, unknown>,
  ) {
    super();
  }
}

export const forked: FakeUtilityProcess[] = [];

export class FakeApp extends EventEmitter {
  isPackaged = false;
  userData = '/tmp/netwright-fake-user-data';
  readonly getPath = vi.fn((name: string) => (name === 'userData' ? this.userData : `/tmp/fake-${name}`));
  readonly getName = vi.fn(() => 'Netwright');
  readonly quit = vi.fn();
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly whenReady = vi.fn(() => Promise.resolve());
}

export const electronMock = {
  app: new FakeApp(),
  BrowserWindow: FakeBrowserWindow,
  MessageChannelMain: FakeMessageChannelMain,
  utilityProcess: {
    fork: vi.fn((modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
      const child = new FakeUtilityProcess(modulePath, args, options);
      forked.push(child);
      return child;
    }),
  },
  ipcMain: new (class extends EventEmitter {
    readonly handlers = new Map<string, (...args: unknown[]) => unknown>();
    readonly handle = vi.fn((channel: string, handler: (...args: unknown[]) => unknown) => {
      this.handlers.set(channel, handler);
    });
    readonly removeHandler = vi.fn((channel: string) => {
      this.handlers.delete(channel);
    });
  })(),
  shell: { openExternal: vi.fn(async () => undefined) },
  protocol: {
    registerSchemesAsPrivileged: vi.fn(),
    handlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
    handle: vi.fn((scheme: string, handler: (request: { url: string }) => Promise<Response>) => {
      electronMock.protocol.handlers.set(scheme, handler);
    }),
  },
  Menu: {
    buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
    setApplicationMenu: vi.fn(),
  },
  dialog: {
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
    showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePath: '' })),
    showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 2, checkboxChecked: false })),
  },
  /** Not Electron's: lets a test that reloads modules reset the very instance main sees (see index.test.ts). */
  __reset: (): void => resetElectronMock(),
};

export type ElectronMock = typeof electronMock;

/** Forget everything recorded so far. */
export function resetElectronMock(): void {
  FakeBrowserWindow.instances.length = 0;
  FakeMessageChannelMain.created.length = 0;
  forked.length = 0;
  electronMock.app.removeAllListeners();
  electronMock.ipcMain.removeAllListeners();
  electronMock.ipcMain.handlers.clear();
  electronMock.protocol.handlers.clear();
  vi.clearAllMocks();
}
