import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC, TRAINER_PORT_MESSAGE, type NetwrightApi } from '../../src/shared/ipc';

/** ipcRenderer as the preload sees it: the tests fire main's messages with `emit`. */
class FakeIpcRenderer extends EventEmitter {
  readonly send = vi.fn();
  readonly invoke = vi.fn(async () => 'whatever main returned');
  readonly sendSync = vi.fn();
}

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcRenderer: undefined as unknown,
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      if (electron.exposed.has(key)) throw new Error(`${key} exposed twice`);
      electron.exposed.set(key, api);
    },
  },
  get ipcRenderer() {
    return electron.ipcRenderer;
  },
  webUtils: { getPathForFile: (file: unknown) => (file === 'the dropped file' ? '/home/u/m.netwright' : '') },
}));

let ipc: FakeIpcRenderer;
let page: { postMessage: ReturnType<typeof vi.fn>; addEventListener: ReturnType<typeof vi.fn> };

beforeEach(async () => {
  vi.resetModules();
  electron.exposed.clear();
  ipc = new FakeIpcRenderer();
  electron.ipcRenderer = ipc;
  page = { postMessage: vi.fn(), addEventListener: vi.fn() };
  vi.stubGlobal('window', page);
  await import('../../src/preload/index');
});

afterEach(() => vi.unstubAllGlobals());

function api(): NetwrightApi {
  return electron.exposed.get('netwright') as NetwrightApi;
}

describe('preload: dropped files', () => {
  it('listens to drops itself, in the capture phase, before the page does', () => {
    expect(page.addEventListener).toHaveBeenCalledWith('drop', expect.any(Function), true);
  });

  it('registers a trusted drop\'s path with main at once, and never a drop the page made up', () => {
    const listener = page.addEventListener.mock.calls.find((c) => c[0] === 'drop')![1] as (e: unknown) => void;
    listener({ isTrusted: false, dataTransfer: { files: ['the dropped file'] } });
    expect(ipc.send).not.toHaveBeenCalled();
    listener({ isTrusted: true, dataTransfer: { files: ['the dropped file'] } });
    expect(ipc.send.mock.calls).toEqual([[IPC.fileDropped, '/home/u/m.netwright']]);
  });
});

describe('preload: what the page gets', () => {
  it('exposes only window.netwright', () => {
    expect([...electron.exposed.keys()]).toEqual(['netwright']);
  });

  it('exposes exactly the NetwrightApi and NetwrightFilesApi members', () => {
    expect(Object.keys(api()).sort()).toEqual([
      'autosave', 'confirmDiscard', 'discardRecovery', 'exportFile', 'getRecentFiles', 'getRecovery', 'newNetwork',
      'onMenuCommand', 'onOpenFile', 'onTrainerGone', 'openDroppedFile', 'openFile', 'openNetwork', 'openWeights', 'platform',
      'requestTrainerPort', 'restartTrainer', 'saveNetwork', 'saveNetworkAs', 'setDirty',
    ]);
    expect(api().platform).toBe('electron');
  });

  it('never exposes ipcRenderer or any of its methods', () => {
    const values = Object.values(api());
    expect(values).not.toContain(ipc);
    for (const method of [ipc.send, ipc.invoke, ipc.sendSync, ipc.on, ipc.emit]) expect(values).not.toContain(method);
  });
});

describe('preload: operations', () => {
  it('requestTrainerPort sends on the request channel with no arguments', () => {
    api().requestTrainerPort();
    expect(ipc.send.mock.calls).toEqual([[IPC.requestTrainerPort]]);
  });

  it('restartTrainer invokes the restart channel and resolves to nothing', async () => {
    await expect(api().restartTrainer()).resolves.toBeUndefined();
    expect(ipc.invoke.mock.calls).toEqual([[IPC.restartTrainer]]);
  });

  it('restartTrainer rejects when main refuses', async () => {
    ipc.invoke.mockRejectedValueOnce(new Error('refused trainer:restart'));
    await expect(api().restartTrainer()).rejects.toThrow('refused');
  });

  it('onTrainerGone passes the info (not the IPC event) to the listener, and unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = api().onTrainerGone(listener);
    const event = { sender: ipc, ports: [] };
    ipc.emit(IPC.trainerGone, event, { reason: 'crashed', exitCode: 11, secret: 'x' });
    expect(listener.mock.calls).toEqual([[{ reason: 'crashed', exitCode: 11 }]]);
    unsubscribe();
    ipc.emit(IPC.trainerGone, event, { reason: 'oom' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(ipc.listenerCount(IPC.trainerGone)).toBe(0);
  });

  it('onTrainerGone copes with a malformed payload', () => {
    const listener = vi.fn();
    api().onTrainerGone(listener);
    ipc.emit(IPC.trainerGone, {}, null);
    ipc.emit(IPC.trainerGone, {}, { reason: 7, exitCode: 'x' });
    expect(listener.mock.calls).toEqual([[{ reason: 'unknown' }], [{ reason: 'unknown' }]]);
  });
});

describe('preload: the trainer port', () => {
  it('posts the port main sent to the page as a TRAINER_PORT_MESSAGE', () => {
    const port = { name: 'port2' };
    ipc.emit(IPC.trainerPort, { sender: ipc, ports: [port] }, null);
    expect(page.postMessage).toHaveBeenCalledTimes(1);
    const [message, origin, transfer] = page.postMessage.mock.calls[0] ?? [];
    expect(message).toBe(TRAINER_PORT_MESSAGE);
    expect(origin).toBe('*');
    expect(transfer).toEqual([port]);
    expect((transfer as unknown[])[0]).toBe(port);
  });
});
