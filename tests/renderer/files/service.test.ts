import { describe, expect, it, vi } from 'vitest';
import { serializeDocument } from '../../../src/core/serialize';
import { TEMPLATES } from '../../../src/core/templates';
import type { DiscardChoice, MenuCommand, NetwrightDesktopApi, OpenResult } from '../../../src/shared/ipc';
import { createEditorStores, edit } from '../../../src/renderer/editor/store';
import { createFileController } from '../../../src/renderer/files/controller';
import {
  baseName, createBrowserFileService, createDesktopFileService, pickFileService, readNetworkFile, safeFileName,
} from '../../../src/renderer/files/service';
import { createMemoryStorage } from '../../../src/renderer/files/storage';
import { createPageAsk } from '../../../src/renderer/files/asks';

const xorText = () => serializeDocument(TEMPLATES.find((t) => t.id === 'xor')!.build());

/** A stand-in for the preload's window.netwright that records what the renderer asked main to do. */
function fakeDesktop(overrides: Partial<NetwrightDesktopApi> = {}) {
  const calls: string[] = [];
  const menu = new Set<(c: MenuCommand) => void>();
  const openRequests = new Set<(p: string) => void>();
  const discard: DiscardChoice[] = [];
  const api: NetwrightDesktopApi = {
    platform: 'electron',
    requestTrainerPort: () => undefined,
    restartTrainer: () => Promise.resolve(),
    onTrainerGone: () => () => undefined,
    openNetwork: () => Promise.resolve({ ok: false, canceled: true }),
    openWeights: () => { calls.push('openWeights'); return Promise.resolve({ ok: true, path: '/x/trained-weights.json', name: 'trained-weights.json', text: '{}' }); },
    openFile: (path) => {
      calls.push(`openFile ${path}`);
      return Promise.resolve({ ok: true, path, name: baseNameOf(path), text: xorText() });
    },
    openDroppedFile: () => Promise.resolve({ ok: false, canceled: false, message: 'no path' }),
    getRecentFiles: () => Promise.resolve([]),
    newNetwork: () => { calls.push('newNetwork'); return Promise.resolve(); },
    saveNetwork: (text) => { calls.push(`saveNetwork ${text.length > 0}`); return Promise.resolve({ ok: true, path: '/home/u/xor.netwright', name: 'xor.netwright' }); },
    saveNetworkAs: () => Promise.resolve({ ok: false, canceled: true }),
    exportFile: (kind, data, name) => { calls.push(`exportFile ${kind} ${typeof data} ${name}`); return Promise.resolve({ ok: true, path: `/x/${name}`, name: `${name}` }); },
    setDirty: (dirty) => { calls.push(`setDirty ${dirty}`); },
    confirmDiscard: () => { calls.push('confirmDiscard'); return Promise.resolve(discard.shift() ?? 'cancel'); },
    autosave: () => Promise.resolve(),
    getRecovery: () => Promise.resolve(null),
    discardRecovery: () => Promise.resolve(),
    onMenuCommand: (l) => { menu.add(l); return () => menu.delete(l); },
    onOpenFile: (l) => { openRequests.add(l); return () => openRequests.delete(l); },
    ...overrides,
  };
  return {
    api,
    calls,
    discard,
    sendMenu: (c: MenuCommand) => { for (const l of menu) l(c); },
    requestOpen: (p: string) => { for (const l of openRequests) l(p); },
    listeners: () => menu.size + openRequests.size,
  };
}

function baseNameOf(path: string): string {
  return path.split('/').pop()!;
}

describe('the desktop file service', () => {
  it('saves through main when the menu says Save, and tells main the document is clean', async () => {
    const desktop = fakeDesktop();
    const editor = createEditorStores(TEMPLATES.find((t) => t.id === 'xor')!.build());
    const controller = createFileController({ editor, service: createDesktopFileService(desktop.api), setTitle: () => undefined });
    controller.attach();
    edit(editor, (d) => ({ ...d, name: 'changed' }));
    expect(desktop.calls).toContain('setDirty true');
    desktop.sendMenu('save');
    await vi.waitFor(() => expect(desktop.calls).toContain('setDirty false'));
    expect(desktop.calls).toContain('saveNetwork true');
    expect(controller.state.getState().fileName).toBe('xor');
    controller.dispose();
    expect(desktop.listeners()).toBe(0);
  });

  it('listens to nothing until attached and stops when detached (React may make a controller it throws away)', () => {
    const desktop = fakeDesktop();
    const editor = createEditorStores(TEMPLATES.find((t) => t.id === 'xor')!.build());
    const controller = createFileController({ editor, service: createDesktopFileService(desktop.api), setTitle: () => undefined });
    edit(editor, (d) => ({ ...d, name: 'a' }));
    expect(desktop.listeners()).toBe(0);
    expect(desktop.calls).not.toContain('setDirty true');
    const detach = controller.attach();
    expect(desktop.listeners()).toBe(2);
    edit(editor, (d) => ({ ...d, name: 'b' }));
    expect(desktop.calls).toContain('setDirty true');
    detach();
    expect(desktop.listeners()).toBe(0);
  });

  it('asks main before opening a path main offered, and opens it only if the user agrees', async () => {
    const desktop = fakeDesktop();
    const editor = createEditorStores(TEMPLATES.find((t) => t.id === 'worked-example')!.build());
    createFileController({ editor, service: createDesktopFileService(desktop.api), setTitle: () => undefined }).attach();
    edit(editor, (d) => ({ ...d, name: 'unsaved' }));
    desktop.discard.push('cancel');
    desktop.requestOpen('/data/xor.netwright');
    await vi.waitFor(() => expect(desktop.calls).toContain('confirmDiscard'));
    await Promise.resolve();
    expect(desktop.calls).not.toContain('openFile /data/xor.netwright');
    expect(editor.document.getState().doc.name).toBe('unsaved');
    desktop.discard.push('discard');
    desktop.requestOpen('/data/xor.netwright');
    await vi.waitFor(() => expect(editor.document.getState().doc.name).toBe('XOR'));
    expect(desktop.calls).toContain('openFile /data/xor.netwright');
  });

  it('exports through main with the document name and ONNX bytes', async () => {
    const desktop = fakeDesktop();
    const editor = createEditorStores(TEMPLATES.find((t) => t.id === 'worked-example')!.build());
    const controller = createFileController({ editor, service: createDesktopFileService(desktop.api), setTitle: () => undefined });
    controller.attach();
    desktop.sendMenu('exportOnnx');
    await vi.waitFor(() => expect(desktop.calls).toContain('exportFile onnx object Worked example'));
    expect(await controller.exportAs('weightsJson')).toBe(true);
    expect(desktop.calls).toContain('exportFile weightsJson string Worked example');
  });

  it('exports the PyTorch project as zip bytes through main, and asks main for the weights file on Import trained weights', async () => {
    const desktop = fakeDesktop();
    const editor = createEditorStores(TEMPLATES.find((t) => t.id === 'worked-example')!.build());
    const controller = createFileController({ editor, service: createDesktopFileService(desktop.api), setTitle: () => undefined });
    controller.attach();
    desktop.sendMenu('exportPytorch');
    await vi.waitFor(() => expect(desktop.calls).toContain('exportFile pytorch object Worked example'));
    desktop.sendMenu('exportNumpy');
    await vi.waitFor(() => expect(desktop.calls).toContain('exportFile numpy string Worked example'));
    desktop.sendMenu('importWeights');
    await vi.waitFor(() => expect(desktop.calls).toContain('openWeights'));
    // '{}' is no weights file: refused with the reason, the network unchanged.
    await vi.waitFor(() => expect(editor.view.getState().notice?.text).toMatch(/^Not imported: trained-weights\.json: The weights file is not Netwright's weights JSON: edges: /));
  });

  it('turns a rejected IPC call into a message instead of a throw', async () => {
    const desktop = fakeDesktop({ saveNetwork: () => Promise.reject(new Error('main went away')) });
    const service = createDesktopFileService(desktop.api);
    expect(await service.save('{}', 'x')).toEqual({ ok: false, canceled: false, message: 'The file could not be saved: main went away' });
  });

  it('is chosen when the preload exposed the files API, else the browser one is', () => {
    const desktop = fakeDesktop();
    const ask = createPageAsk();
    expect(pickFileService(ask, { netwright: desktop.api } as unknown as Window).kind).toBe('desktop');
    expect(pickFileService(ask, {} as Window).kind).toBe('browser');
  });
});

describe('the browser file service', () => {
  it('downloads exports as <name>.<extension> with their type', async () => {
    const got: { name: string; type: string; size: number }[] = [];
    const service = createBrowserFileService({
      ask: createPageAsk(),
      storage: createMemoryStorage(),
      download: (blob, name) => void got.push({ name, type: blob.type, size: blob.size }),
    });
    await service.exportFile('png', new Uint8Array([1, 2, 3]), 'a/b: c');
    await service.exportFile('svg', '<svg/>', 'net');
    expect(got).toEqual([
      { name: 'a-b- c.png', type: 'image/png', size: 3 },
      { name: 'net.svg', type: 'image/svg+xml', size: 6 },
    ]);
  });

  it('keeps the recovery copy in its storage until discarded', async () => {
    const storage = createMemoryStorage();
    const service = createBrowserFileService({ ask: createPageAsk(), storage });
    expect(await service.getRecovery()).toBeNull();
    await service.autosave('{"x":1}', 'net');
    expect(await service.getRecovery()).toMatchObject({ text: '{"x":1}', path: 'net' });
    await service.discardRecovery();
    expect(await service.getRecovery()).toBeNull();
  });

  it('asks in the page: the question waits in the store until answered', async () => {
    const ask = createPageAsk();
    const service = createBrowserFileService({ ask, storage: createMemoryStorage(), download: () => undefined });
    const choice = service.confirmDiscard();
    const question = ask.store.getState().question;
    expect(question?.kind).toBe('discard');
    // A second question while one is open is canceled at once.
    expect(await ask.discard()).toBe('cancel');
    if (question?.kind === 'discard') question.answer('discard');
    expect(await choice).toBe('discard');
    expect(ask.store.getState().question).toBeNull();
  });
});

describe('file names', () => {
  it.each([
    ['XOR', 'XOR'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j'],
    ['  ..hidden.. ', 'hidden'],
    ['', 'Untitled'],
    ['tab\there', 'tab-here'],
  ])('safeFileName(%j) is %j', (name, safe) => {
    expect(safeFileName(name)).toBe(safe);
  });

  it('takes the base name without the extension', () => {
    expect(baseName('/home/u/spiral.netwright')).toBe('spiral');
    expect(baseName('C:\\nets\\my.net.netwright')).toBe('my.net');
    expect(baseName('.netwright')).toBe('.netwright');
  });

  it('reads .netwright and .json files and refuses others by name', async () => {
    const ok = await readNetworkFile(new File(['{}'], 'a.JSON'));
    expect(ok).toEqual<OpenResult>({ ok: true, path: 'a.JSON', name: 'a.JSON', text: '{}' });
    expect(await readNetworkFile(new File(['x'], 'photo.png'))).toMatchObject({ ok: false, canceled: false, message: expect.stringContaining('"photo.png" is not a network file') });
  });

  it('refuses invalid UTF-8 with the byte offset instead of reading U+FFFD', async () => {
    const bad = await readNetworkFile(new File([Uint8Array.from([0x7b, 0x22, 0x61, 0xff, 0x22, 0x7d])], 'a.netwright'));
    expect(bad).toEqual({ ok: false, canceled: false, message: '"a.netwright": This file is not valid UTF-8 text: the byte at offset 3 (0xff) does not belong to a UTF-8 character. Re-save it as UTF-8.' });
  });
});
