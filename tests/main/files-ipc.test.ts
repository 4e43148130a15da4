/**
 * The window's document in main (FileController + registerFileIpc), with Electron's dialogs and window faked and the
 * files real, in a temporary folder.
 */
import { EventEmitter } from 'node:events';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// files-ipc uses checkSender from trainer-process.ts, which imports Electron.
vi.mock('electron', async () => (await import('./fake-electron')).electronMock);

import { serializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';
import { addRecent, autosave, findRecovery, readRecent, startRecovery } from '../../src/main/files';
import { FileController, registerFileIpc, type WindowLike } from '../../src/main/files-ipc';
import { IPC } from '../../src/shared/ipc';

const APP_URL = 'file:///app/out/renderer/index.html';
const docText = (name = 'Worked example') => serializeDocument({ ...findTemplate('worked-example')!.build(), name });

class FakeWindow extends EventEmitter {
  readonly id = 7;
  title = '';
  destroyed = false;
  readonly setTitle = vi.fn((t: string) => (this.title = t));
  readonly setDocumentEdited = vi.fn();
  readonly setRepresentedFilename = vi.fn();
  readonly isDestroyed = () => this.destroyed;
  readonly webContents = { send: vi.fn() };
  readonly close = vi.fn(() => {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroyed = true;
  });
}

function fakeDialog() {
  return {
    showOpenDialog: vi.fn(async (..._a: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
    showSaveDialog: vi.fn(async (..._a: unknown[]) => ({ canceled: true, filePath: '' as string | undefined })),
    showMessageBox: vi.fn(async (..._a: unknown[]) => ({ response: 2, checkboxChecked: false })),
  };
}

let dir: string;
let userData: string;
let window: FakeWindow;
let dialog: ReturnType<typeof fakeDialog>;
let controller: FileController;
let recentChanges: string[][];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netwright-docs-'));
  userData = join(dir, 'userData');
  window = new FakeWindow();
  dialog = fakeDialog();
  recentChanges = [];
  controller = new FileController({
    window: window as unknown as WindowLike, dialog: dialog as never, userData, platform: 'linux',
    onRecentChanged: (list) => recentChanges.push(list),
  });
});

afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('opening', () => {
  it('opens the file the dialog returned, adopts it and remembers it', async () => {
    const path = join(dir, 'model.netwright');
    await writeFile(path, docText());
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [path] });
    expect(await controller.openWithDialog()).toEqual({ ok: true, path, name: 'model.netwright', text: docText() });
    expect(controller.path).toBe(path);
    expect(window.title).toBe('model.netwright — Netwright');
    expect(await readRecent(userData)).toEqual([path]);
    expect(recentChanges).toEqual([[path]]);
  });

  it('reads a weights file the dialog returned without adopting it as the document', async () => {
    const path = join(dir, 'trained-weights.json');
    await writeFile(path, '{"edges": []}');
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [path] });
    expect(await controller.openWeightsWithDialog()).toEqual({ ok: true, path, name: 'trained-weights.json', text: '{"edges": []}' });
    expect(dialog.showOpenDialog.mock.calls[0]![1]).toMatchObject({ title: 'Import trained weights', filters: [{ extensions: ['json'] }, { extensions: ['*'] }] });
    expect(controller.path).toBeUndefined();
    expect(await readRecent(userData)).toEqual([]);
    expect(await controller.openWeightsWithDialog()).toEqual({ ok: false, canceled: true });
  });

  it('reports a cancelled dialog as cancelled and changes nothing', async () => {
    expect(await controller.openWithDialog()).toEqual({ ok: false, canceled: true });
    expect(controller.path).toBeUndefined();
  });

  it('refuses a file that is not a valid network with where it is wrong, and keeps the current file', async () => {
    const good = join(dir, 'good.netwright');
    await writeFile(good, docText());
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [good] });
    await controller.openWithDialog();
    const bad = join(dir, 'bad.netwright');
    const broken = JSON.parse(docText()) as { nodes: { units?: number }[] };
    broken.nodes[3] = { ...broken.nodes[3], type: 'dense', units: -2, activation: 'relu', useBias: true } as never;
    await writeFile(bad, JSON.stringify(broken));
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [bad] });
    const result = await controller.openWithDialog();
    expect(result).toEqual({ ok: false, canceled: false, message: 'Could not open bad.netwright: nodes[3].units: expected a positive integer' });
    expect(controller.path).toBe(good);
    expect(await readRecent(userData)).toEqual([good]);
  });

  it('opens a path by name only from the recent list or an offer', async () => {
    const path = join(dir, 'a.netwright');
    await writeFile(path, docText());
    expect(await controller.openKnown(path)).toMatchObject({ ok: false, message: 'a.netwright is not in the recent files; use File ▸ Open to choose it.' });
    await addRecent(userData, path);
    expect(await controller.openKnown(path)).toMatchObject({ ok: true, path });
    const other = join(dir, 'b.netwright');
    await writeFile(other, docText());
    controller.offerFile(other);
    expect(await controller.openKnown(other)).toMatchObject({ ok: true, path: other });
  });

  it('drops a recent file that no longer exists from the list, with a message', async () => {
    const gone = join(dir, 'gone.netwright');
    await addRecent(userData, gone);
    expect(await controller.openKnown(gone)).toMatchObject({ ok: false, message: expect.stringMatching(/^Could not open gone\.netwright: it does not exist/) });
    expect(await readRecent(userData)).toEqual([]);
  });

  it('opens only .netwright files that are dropped', async () => {
    const path = join(dir, 'd.netwright');
    await writeFile(path, docText());
    controller.registerDrop(path);
    expect(await controller.openDropped(join(dir, 'notes.txt'))).toMatchObject({ ok: false, message: 'notes.txt is not a Netwright network (a .netwright file).' });
    expect(await controller.openDropped(path)).toMatchObject({ ok: true, path });
  });

  describe('dropped paths come from the preload\'s drop listener, not from the page (issue 11 item 22)', () => {
    let clock = 1_000;
    beforeEach(() => {
      clock = 1_000;
      controller = new FileController({ window: window as unknown as WindowLike, dialog: dialog as never, userData, platform: 'linux', now: () => clock });
    });

    it('refuses a path nothing registered as dropped, without reading it', async () => {
      const path = join(dir, 'secret.netwright');
      await writeFile(path, docText());
      expect(await controller.openDropped(path)).toEqual({ ok: false, canceled: false, message: 'secret.netwright was not dropped on the window just now; use File ▸ Open to choose it.' });
      expect(controller.path).toBeUndefined();
    });

    it('opens a registered drop once, and not after a minute', async () => {
      const path = join(dir, 'd.netwright');
      await writeFile(path, docText());
      controller.registerDrop(path);
      expect(await controller.openDropped(path)).toMatchObject({ ok: true, path });
      expect(await controller.openDropped(path)).toMatchObject({ ok: false, message: expect.stringMatching(/was not dropped on the window just now/) });
      controller.registerDrop(path);
      clock += 60_001;
      expect(await controller.openDropped(path)).toMatchObject({ ok: false, message: expect.stringMatching(/was not dropped on the window just now/) });
    });

    it('keeps only .netwright paths, and only the latest 32', async () => {
      const path = join(dir, 'first.netwright');
      await writeFile(path, docText());
      controller.registerDrop(join(dir, 'notes.txt'));
      controller.registerDrop(42);
      controller.registerDrop(path);
      for (let k = 0; k < 32; k++) controller.registerDrop(join(dir, `other${k}.netwright`));
      expect(await controller.openDropped(path)).toMatchObject({ ok: false, message: expect.stringMatching(/was not dropped on the window just now/) });
    });
  });

  it('holds command-line files until the renderer listens, then offers them', () => {
    controller.offerFile('/m/first.netwright');
    expect(window.webContents.send).not.toHaveBeenCalled();
    controller.rendererReady();
    controller.offerFile('/m/second.netwright');
    expect(window.webContents.send.mock.calls).toEqual([[IPC.openFileRequest, '/m/first.netwright'], [IPC.openFileRequest, '/m/second.netwright']]);
  });
});

describe('saving', () => {
  it('Save without a file asks where (Save As), writes there, and later saves go to the same file without asking', async () => {
    const path = join(dir, 'new.netwright');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
    controller.setDirty(true);
    expect(window.title).toBe('Untitled • — Netwright');
    expect(await controller.save(docText('one'))).toEqual({ ok: true, path, name: 'new.netwright' });
    expect(await readFile(path, 'utf8')).toBe(docText('one'));
    expect(window.title).toBe('new.netwright — Netwright');
    expect(await controller.save(docText('two'))).toMatchObject({ ok: true, path });
    expect(dialog.showSaveDialog).toHaveBeenCalledTimes(1);
    expect(await readFile(path, 'utf8')).toBe(docText('two'));
  });

  it('refuses to write text that is not a valid document', async () => {
    const path = join(dir, 'x.netwright');
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: path });
    expect(await controller.saveAs('{"format": "netwright", "version": 1}')).toMatchObject({ ok: false, message: expect.stringMatching(/^The document could not be saved: /) });
    expect(await controller.save(42)).toMatchObject({ ok: false, message: 'Nothing to save: expected the document as text.' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('a failed save leaves the old file intact, says why, and keeps the dirty marker', async () => {
    const path = join(dir, 'keep.netwright');
    await writeFile(path, docText('old'));
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [path] });
    await controller.openWithDialog();
    controller.setDirty(true);
    await rm(dir, { recursive: true, force: true }); // the folder vanished (unplugged disk)
    const result = await controller.save(docText('new'));
    expect(result).toEqual({ ok: false, canceled: false, message: 'Could not save keep.netwright: the folder does not exist (ENOENT).' });
    expect(controller.isDirty).toBe(true);
    expect(window.title).toBe('keep.netwright • — Netwright');
  });

  it('after a successful save, a crash leaves nothing to recover', async () => {
    await controller.autosave(docText('unsaved'));
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: join(dir, 's.netwright') });
    await controller.saveAs(docText());
    await startRecovery(userData); // the next start
    expect(await findRecovery(userData)).toBeUndefined();
  });

  it('exports bytes to the path the dialog returned, suggesting the file name with the right extension', async () => {
    const path = join(dir, 'model.netwright');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
    await controller.saveAs(docText());
    const out = join(dir, 'model.onnx');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: out });
    const bytes = new Uint8Array([8, 1, 2, 3]);
    expect(await controller.exportFile('onnx', bytes, undefined)).toEqual({ ok: true, path: out, name: 'model.onnx' });
    expect(new Uint8Array(await readFile(out))).toEqual(bytes);
    const options = dialog.showSaveDialog.mock.calls[1]![1] as { defaultPath: string; filters: unknown };
    expect(options.defaultPath).toBe(join(dir, 'model.onnx'));
    expect(options.filters).toEqual([{ name: 'ONNX model', extensions: ['onnx'] }]);
    expect(await controller.exportFile('exe', 'x', undefined)).toMatchObject({ ok: false, message: 'Unknown export kind "exe".' });
  });
});

describe('unsaved changes', () => {
  it('closing a clean window closes it', () => {
    window.close();
    expect(window.destroyed).toBe(true);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('closing with unsaved changes asks; Cancel keeps the window open', async () => {
    controller.setDirty(true);
    window.close();
    await flush();
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(window.destroyed).toBe(false);
  });

  it("Don't Save closes the window", async () => {
    controller.setDirty(true);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    window.close();
    await flush();
    await flush();
    expect(window.destroyed).toBe(true);
  });

  it('Save asks the renderer to save, and the window closes once that save succeeds', async () => {
    controller.setDirty(true);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    window.close();
    await flush();
    await flush();
    expect(window.webContents.send).toHaveBeenCalledWith(IPC.menuCommand, 'saveBeforeClose');
    expect(window.destroyed).toBe(false);
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: join(dir, 'c.netwright') });
    await controller.save(docText());
    expect(window.destroyed).toBe(true);
  });

  it('Save then a cancelled Save As keeps the window open', async () => {
    controller.setDirty(true);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    window.close();
    await flush();
    await flush();
    expect(await controller.save(docText())).toEqual({ ok: false, canceled: true });
    expect(window.destroyed).toBe(false);
  });

  it('confirmDiscard maps the buttons to save, discard, cancel', async () => {
    for (const [response, choice] of [[0, 'save'], [1, 'discard'], [2, 'cancel']] as const) {
      dialog.showMessageBox.mockResolvedValueOnce({ response, checkboxChecked: false });
      expect(await controller.confirmDiscard()).toBe(choice);
    }
  });

  it('offers what the last run left, never overwritten by this run\'s autosaves, until it is discarded', async () => {
    await autosave(userData, 'left by a crashed run', '/m/a.netwright', 1234);
    const next = new FileController({ window: new FakeWindow() as unknown as WindowLike, dialog: dialog as never, userData, platform: 'linux' });
    await Promise.all([next.autosave('first'), next.autosave('second')]);
    expect(await next.recovery()).toEqual({ text: 'left by a crashed run', savedAt: 1234, path: '/m/a.netwright' });
    await next.discardRecovery();
    expect(await next.recovery()).toBeNull();
    // this run's autosaves, in order, are what the run after it would be offered
    await startRecovery(userData);
    expect(await findRecovery(userData)).toMatchObject({ text: 'second' });
  });

  it('a clean close leaves nothing to recover', async () => {
    await controller.autosave('typed something, then undid it');
    window.close();
    await controller.recovery(); // waits for the controller's file work
    await startRecovery(userData);
    expect(await findRecovery(userData)).toBeUndefined();
  });
});

describe('IPC', () => {
  function setup() {
    const ipc = Object.assign(new EventEmitter(), {
      handlers: new Map<string, (...args: unknown[]) => unknown>(),
      handle: vi.fn((channel: string, h: (...args: unknown[]) => unknown) => ipc.handlers.set(channel, h)),
      removeHandler: vi.fn((channel: string) => ipc.handlers.delete(channel)),
    });
    const mainFrame = { url: APP_URL, parent: null, processId: 1, routingId: 1 };
    const contents = { id: 3, mainFrame, postMessage: vi.fn(), send: vi.fn(), isDestroyed: () => false };
    const log = vi.fn();
    const remove = registerFileIpc(ipc as never, () => controller, { contents: () => contents as never, appUrl: APP_URL }, log);
    const trusted = { sender: { id: 3 }, senderFrame: mainFrame };
    const iframe = { sender: { id: 3 }, senderFrame: { ...mainFrame, parent: {}, url: 'https://evil.example/' } };
    return { ipc, trusted, iframe, remove, log };
  }

  it('answers our window and refuses any other sender before touching a file', async () => {
    const { ipc, trusted, iframe } = setup();
    const path = join(dir, 'r.netwright');
    await writeFile(path, docText());
    await addRecent(userData, path);
    expect(await ipc.handlers.get(IPC.recentFiles)!(trusted)).toEqual([path]);
    expect(() => ipc.handlers.get(IPC.openFile)!(iframe, path)).toThrow(/^refused files:open-path: /);
    expect(() => ipc.handlers.get(IPC.saveNetworkAs)!({ sender: { id: 99 }, senderFrame: trusted.senderFrame }, docText())).toThrow(/not the Netwright window/);
    expect(dialog.showSaveDialog).not.toHaveBeenCalled();
  });

  it('registers drops only from our window, over IPC', async () => {
    const { ipc, trusted, iframe, log } = setup();
    const path = join(dir, 'dropped.netwright');
    await writeFile(path, docText());
    ipc.emit(IPC.fileDropped, iframe, path);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^refused files:dropped/));
    expect(await ipc.handlers.get(IPC.openDropped)!(trusted, path)).toMatchObject({ ok: false });
    ipc.emit(IPC.fileDropped, trusted, path);
    expect(await ipc.handlers.get(IPC.openDropped)!(trusted, path)).toMatchObject({ ok: true, path });
  });

  it('registers every file channel and removes them again', () => {
    const { ipc, remove } = setup();
    const channels = [IPC.openNetwork, IPC.openWeights, IPC.openFile, IPC.openDropped, IPC.recentFiles, IPC.newNetwork, IPC.saveNetwork, IPC.saveNetworkAs,
      IPC.exportFile, IPC.confirmDiscard, IPC.autosave, IPC.getRecovery, IPC.discardRecovery];
    expect([...ipc.handlers.keys()].sort()).toEqual([...channels].sort());
    expect(ipc.listenerCount(IPC.setDirty)).toBe(1);
    expect(ipc.listenerCount(IPC.fileDropped)).toBe(1);
    remove();
    expect(ipc.handlers.size).toBe(0);
    expect(ipc.listenerCount(IPC.setDirty)).toBe(0);
  });

  it('setDirty from our window marks the title; from elsewhere it is logged and ignored', () => {
    const { ipc, trusted, iframe, log } = setup();
    ipc.emit(IPC.setDirty, iframe, true);
    expect(controller.isDirty).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^refused files:set-dirty/));
    ipc.emit(IPC.setDirty, trusted, true);
    expect(window.title).toBe('Untitled • — Netwright');
  });
});
