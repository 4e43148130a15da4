// Just enough of Electron for the built main to start, open its window and hand out a trainer channel, run
// under plain Node by tests/main/built-main.test.ts. The trainer is the real built entry, run in a worker thread
// through tests/trainer/utility-shim.mjs; the "renderer" is played here: once the page is loaded it asks for the
// trainer port (from the window's main frame) and says hello and ping through the port it gets.
// Everything observed is reported to the test with process.send.
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';

const shim = fileURLToPath(new URL('../../trainer/utility-shim.mjs', import.meta.url));
const IPC = JSON.parse(process.env.NETWRIGHT_TEST_IPC ?? '{}');
const PROTOCOL_VERSION = Number(process.env.NETWRIGHT_TEST_PROTOCOL_VERSION);
const report = (message) => process.send?.(message);

class PortMain extends EventEmitter {
  constructor(raw) {
    super();
    this.raw = raw;
  }
}

export class MessageChannelMain {
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new PortMain(port1);
    this.port2 = new PortMain(port2);
  }
}

class UtilityProcess extends EventEmitter {
  constructor(modulePath) {
    super();
    this.worker = new Worker(shim, { workerData: { entry: modulePath } });
    this.ready = new Promise((resolve) => this.worker.once('message', resolve));
    this.worker.on('error', (error) => report({ kind: 'trainer-error', message: String(error) }));
    this.worker.on('exit', (code) => this.emit('exit', code));
  }
  postMessage(_message, transfer = []) {
    const raw = transfer.map((port) => port.raw);
    void this.ready.then(() => this.worker.postMessage({ port: raw[0] }, raw));
  }
  kill() {
    void this.worker.terminate();
    return true;
  }
}

export const utilityProcess = {
  fork(modulePath, args, options) {
    report({ kind: 'fork', modulePath, args, options });
    return new UtilityProcess(modulePath);
  },
};

/** The renderer's side: talk through the port main handed over, report what came back. */
async function playRenderer(port) {
  const ask = (message) =>
    new Promise((resolve) => {
      port.once('message', resolve);
      port.postMessage(message);
    });
  const events = [
    await ask({ type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION }),
    await ask({ type: 'ping', seq: 2, payload: 'through main' }),
  ];
  report({ kind: 'renderer-got', events });
  port.close();
}

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = 1;
    this.mainFrame = { url: '', parent: null, processId: 1, routingId: 1 };
    this.session = { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} };
  }
  setWindowOpenHandler() {}
  isDestroyed() {
    return false;
  }
  send(channel, ...args) {
    report({ kind: 'send', channel, args });
  }
  postMessage(channel, _message, transfer = []) {
    report({ kind: 'postMessage', channel, ports: transfer.length });
    if (channel === IPC.trainerPort && transfer[0]) void playRenderer(transfer[0].raw);
  }
}

export const ipcMain = new (class extends EventEmitter {
  handle() {}
  removeHandler() {}
})();

export class BrowserWindow extends EventEmitter {
  static windows = [];
  static getAllWindows() {
    return BrowserWindow.windows;
  }
  constructor(options) {
    super();
    this.webContents = new WebContents();
    BrowserWindow.windows.push(this);
    report({ kind: 'window', webPreferences: options.webPreferences });
  }
  isDestroyed() {
    return false;
  }
  show() {}
  setTitle(title) {
    report({ kind: 'title', title });
  }
  close() {}
  setDocumentEdited() {}
  setRepresentedFilename() {}
  async loadURL(url) {
    report({ kind: 'loadURL', url });
    this.webContents.mainFrame.url = url;
    // The page loads and its code asks for the trainer port, from the window's main frame.
    setTimeout(() => ipcMain.emit(IPC.requestTrainerPort, { sender: this.webContents, senderFrame: this.webContents.mainFrame }), 0);
  }
}

export const app = new (class extends EventEmitter {
  isPackaged = false;
  getPath(name) {
    return join(tmpdir(), `netwright-built-main-${process.pid}-${name}`);
  }
  getName() {
    return 'Netwright';
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  quit() {
    report({ kind: 'quit' });
  }
})();

export const shell = { openExternal: async () => undefined };

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    report({ kind: 'schemes', schemes });
  },
  handle(scheme) {
    report({ kind: 'protocol', scheme });
  },
};

export const Menu = {
  buildFromTemplate(template) {
    return { template };
  },
  setApplicationMenu(menu) {
    report({ kind: 'menu', labels: menu.template.map((item) => item.label ?? item.role) });
  },
};

export const dialog = {
  async showOpenDialog() {
    return { canceled: true, filePaths: [] };
  },
  async showSaveDialog() {
    return { canceled: true, filePath: '' };
  },
  async showMessageBox() {
    return { response: 2 };
  },
};
