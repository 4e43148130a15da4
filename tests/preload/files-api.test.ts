/** The preload's file operations: one IPC channel each, arguments coerced, answers copied field by field. */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createNetwrightApi, TrustedDrops, watchDrops } from '../../src/preload/api';
import { IPC } from '../../src/shared/ipc';

function setup(answer: unknown = undefined, pathForFile: (file: unknown) => string = () => '') {
  const ipc = Object.assign(new EventEmitter(), { send: vi.fn(), invoke: vi.fn(async (..._args: unknown[]) => answer) });
  return { ipc, api: createNetwrightApi(ipc as never, pathForFile) };
}

describe('preload: files', () => {
  it('openNetwork invokes its channel and passes on only the documented fields', async () => {
    const { ipc, api } = setup({ ok: true, path: '/m/a.netwright', name: 'a.netwright', text: '{}', secret: 'x' });
    expect(await api.openNetwork()).toEqual({ ok: true, path: '/m/a.netwright', name: 'a.netwright', text: '{}' });
    expect(ipc.invoke).toHaveBeenCalledWith(IPC.openNetwork);
  });

  it('turns a malformed answer into a failure with a message, and keeps cancel as cancel', async () => {
    expect(await setup({ ok: true }).api.openNetwork()).toEqual({ ok: false, canceled: false, message: 'The file could not be opened.' });
    expect(await setup({ ok: false, canceled: true }).api.saveNetwork('t')).toEqual({ ok: false, canceled: true });
    expect(await setup(null).api.saveNetworkAs('t')).toEqual({ ok: false, canceled: false, message: 'The file could not be saved.' });
  });

  it('saveNetwork, saveNetworkAs, autosave send the text; setDirty sends a boolean', async () => {
    const { ipc, api } = setup({ ok: true, path: '/m/a.netwright', name: 'a.netwright' });
    expect(await api.saveNetwork('doc')).toEqual({ ok: true, path: '/m/a.netwright', name: 'a.netwright' });
    await api.saveNetworkAs('doc2');
    await api.autosave('doc3');
    api.setDirty(true);
    api.setDirty('yes' as unknown as boolean);
    expect(ipc.invoke.mock.calls).toEqual([[IPC.saveNetwork, 'doc'], [IPC.saveNetworkAs, 'doc2'], [IPC.autosave, 'doc3']]);
    expect(ipc.send.mock.calls).toEqual([[IPC.setDirty, true], [IPC.setDirty, false]]);
  });

  it('exportFile sends kind, data and name, and refuses an unknown kind without asking main', async () => {
    const { ipc, api } = setup({ ok: true, path: '/m/a.onnx', name: 'a.onnx' });
    const bytes = new Uint8Array([1, 2, 3]);
    await api.exportFile('onnx', bytes, 'model');
    expect(ipc.invoke).toHaveBeenCalledWith(IPC.exportFile, 'onnx', bytes, 'model');
    expect(await api.exportFile('exe' as never, 'x')).toMatchObject({ ok: false, message: 'Unknown export kind "exe".' });
    expect(ipc.invoke).toHaveBeenCalledTimes(1);
  });

  it('openDroppedFile sends the path of a file the user really dropped, once, or refuses', async () => {
    const pathOf = (file: unknown) => (file === 'the file' ? '/d/m.netwright' : file === 'other' ? '/home/u/secret.netwright' : '');
    const drops = new TrustedDrops();
    const ipc = Object.assign(new EventEmitter(), { send: vi.fn(), invoke: vi.fn(async () => ({ ok: true, path: '/d/m.netwright', name: 'm.netwright', text: '{}' })) });
    const api = createNetwrightApi(ipc as never, pathOf, drops);
    const listeners: ((e: unknown) => void)[] = [];
    const registered: string[] = [];
    watchDrops({ addEventListener: (_type, l, capture) => { expect(capture).toBe(true); listeners.push(l as never); } }, drops, pathOf, (p) => registered.push(p));
    // a drop the page made up (dispatchEvent) is not trusted: nothing recorded, nothing registered with main
    listeners[0]!({ isTrusted: false, dataTransfer: { files: ['other'] } });
    expect(registered).toEqual([]);
    expect(await api.openDroppedFile('other')).toMatchObject({ ok: false, message: 'Only a file dropped on the window can be opened this way. Use File ▸ Open.' });
    // the user's drop
    listeners[0]!({ isTrusted: true, dataTransfer: { files: ['the file'] } });
    // registered with main in the drop itself, so main can check what openDropped names
    expect(registered).toEqual(['/d/m.netwright']);
    expect(await api.openDroppedFile('the file')).toMatchObject({ ok: true, path: '/d/m.netwright' });
    expect(ipc.invoke).toHaveBeenCalledTimes(1);
    expect(ipc.invoke).toHaveBeenCalledWith(IPC.openDropped, '/d/m.netwright');
    // once only
    expect(await api.openDroppedFile('the file')).toMatchObject({ ok: false });
    expect(await api.openDroppedFile('no path')).toMatchObject({ ok: false, canceled: false, message: expect.stringMatching(/no path on disk/) });
    expect(ipc.invoke).toHaveBeenCalledTimes(1);
  });

  it('a recorded drop expires', () => {
    let now = 0;
    const drops = new TrustedDrops(() => now, 1000);
    drops.record({ isTrusted: true, dataTransfer: { files: ['f'] } }, () => '/a.netwright');
    now = 1001;
    expect(drops.take('/a.netwright')).toBe(false);
  });

  it('confirmDiscard answers save, discard or (for anything else) cancel', async () => {
    expect(await setup('save').api.confirmDiscard()).toBe('save');
    expect(await setup('discard').api.confirmDiscard()).toBe('discard');
    expect(await setup('rm -rf').api.confirmDiscard()).toBe('cancel');
  });

  it('getRecovery copies text, time and path, or gives null', async () => {
    expect(await setup({ text: 't', savedAt: 5, path: '/p', extra: 1 }).api.getRecovery()).toEqual({ text: 't', savedAt: 5, path: '/p' });
    expect(await setup({ text: 't' }).api.getRecovery()).toBeNull();
    expect(await setup(['/a', 3, '/b']).api.getRecentFiles()).toEqual(['/a', '/b']);
  });

  it('onMenuCommand passes known commands (not the event) and unsubscribes', () => {
    const { ipc, api } = setup();
    const seen: string[] = [];
    const off = api.onMenuCommand((c) => seen.push(c));
    ipc.emit(IPC.menuCommand, { sender: 'event' }, 'save');
    ipc.emit(IPC.menuCommand, { sender: 'event' }, 'format-disk');
    off();
    ipc.emit(IPC.menuCommand, { sender: 'event' }, 'open');
    expect(seen).toEqual(['save']);
  });

  it('onOpenFile tells main it listens, then passes paths main offers', () => {
    const { ipc, api } = setup();
    const seen: string[] = [];
    api.onOpenFile((p) => seen.push(p));
    expect(ipc.send).toHaveBeenCalledWith(IPC.openFileReady);
    ipc.emit(IPC.openFileRequest, {}, '/m/a.netwright');
    ipc.emit(IPC.openFileRequest, {}, 42);
    expect(seen).toEqual(['/m/a.netwright']);
  });
});
