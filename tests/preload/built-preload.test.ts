/**
 * The built preload (out/preload/index.cjs) as a sandboxed renderer runs it: a CommonJS script whose `require`
 * knows only 'electron' (a sandboxed preload cannot load Node modules or other files), with no `process`.
 * Build first: `npm run build` (or `npx electron-vite build`).
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC, TRAINER_PORT_MESSAGE, type NetwrightApi } from '../../src/shared/ipc';

const root = fileURLToPath(new URL('../..', import.meta.url));
const builtPreload = join(root, 'out', 'preload', 'index.cjs');

const exposed = new Map<string, unknown>();
const ipcRenderer = Object.assign(new EventEmitter(), { send: vi.fn(), invoke: vi.fn(async () => undefined) });
const page = { postMessage: vi.fn(), addEventListener: vi.fn() };
const required: string[] = [];

beforeAll(() => {
  if (!existsSync(builtPreload)) {
    throw new Error(`${builtPreload} is missing: run \`npm run build\` (or \`npx electron-vite build\`) in ${root} before this test`);
  }
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer };
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${name}"`);
  };
  runInNewContext(readFileSync(builtPreload, 'utf8'), { require: sandboxRequire, module, exports: module.exports, window: page }, {
    filename: builtPreload,
  });
});

describe('built preload (out/preload/index.cjs) in a sandbox-like context', () => {
  it('requires nothing but electron', () => {
    expect(required.length).toBeGreaterThan(0);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('exposes the NetwrightApi as window.netwright, wired to the right channels', async () => {
    const api = exposed.get('netwright') as NetwrightApi;
    expect(Object.keys(api).sort()).toEqual([
      'autosave', 'confirmDiscard', 'discardRecovery', 'exportFile', 'getRecentFiles', 'getRecovery', 'newNetwork',
      'onMenuCommand', 'onOpenFile', 'onTrainerGone', 'openDroppedFile', 'openFile', 'openNetwork', 'openWeights', 'platform',
      'requestTrainerPort', 'restartTrainer', 'saveNetwork', 'saveNetworkAs', 'setDirty',
    ]);
    api.requestTrainerPort();
    await api.restartTrainer();
    expect(ipcRenderer.send).toHaveBeenCalledWith(IPC.requestTrainerPort);
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(IPC.restartTrainer);
  });

  it('forwards the trainer port to the page', () => {
    const port = {};
    ipcRenderer.emit(IPC.trainerPort, { ports: [port] });
    expect(page.postMessage).toHaveBeenCalledWith(TRAINER_PORT_MESSAGE, '*', [port]);
    expect(page.addEventListener).toHaveBeenCalledWith('drop', expect.any(Function), true);
  });
});
