/**
 * The window's document as main sees it: which file it belongs to, whether it has unsaved changes, which paths it
 * may write to. Wires files.ts to dialogs, the window's close and title, and the renderer's IPC calls.
 *
 * Rules:
 * - Every handler checks the sender (checkSender): our window's main frame showing our page.
 * - Main writes only to a path a Save dialog returned, or the file the window opened (dialog, recent list, command
 *   line, drop): PathAllowList. The renderer never names a path to write to.
 * - A file is adopted (current path, recent list, title) only when it reads as a Netwright document, so a failed open
 *   never changes the open document or where Save writes.
 * - Closing with unsaved changes asks Save / Don't Save / Cancel; Save asks the renderer to save (saveBeforeClose)
 *   and the window closes once that save succeeds.
 */
import { basename, dirname, extname, join } from 'node:path';
import type { BrowserWindow, Dialog, IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { parseDocument } from '../core/serialize';
import {
  EXPORT_KINDS, IPC,
  type DiscardChoice, type ExportKind, type MenuCommand, type OpenResult, type Recovery, type SaveResult,
} from '../shared/ipc';
import {
  FileError, PathAllowList, addRecent, atomicWrite, autosave, clearAutosave, clearRecovery, findRecovery, isNetworkPath,
  pathKey, readRecent, readTextFile, removeRecent, startRecovery, windowTitle,
} from './files';
import { checkSender, type TrustedWindow } from './trainer-process';

/** Texts and exports larger than this are refused (a renderer must not be able to fill the disk in one call). */
export const MAX_SAVE_BYTES = 256 * 1024 * 1024;

export const NETWORK_FILTERS = [{ name: 'Netwright network', extensions: ['netwright'] }];

/** The parts of a BrowserWindow the controller uses. */
export type WindowLike = Pick<BrowserWindow, 'id' | 'setTitle' | 'close' | 'isDestroyed' | 'on' | 'setDocumentEdited' | 'setRepresentedFilename'> & {
  webContents: Pick<BrowserWindow['webContents'], 'send'>;
};

export interface FileControllerOptions {
  window: WindowLike;
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox'>;
  /** The app's data folder (recent list, recovery copy). */
  userData: string;
  platform?: NodeJS.Platform;
  /** Called when the recent list changes (rebuild the menu). */
  onRecentChanged?: (recent: string[]) => void;
  log?: (message: string) => void;
  /** The clock (tests drive it). */
  now?: () => number;
}

/** How long after its drop a dropped file may be opened, and how many drops are remembered. */
export const DROP_MAX_AGE_MS = 60_000;
export const MAX_DROPS = 32;

const fail = (message: string): { ok: false; canceled: false; message: string } => ({ ok: false, canceled: false, message });
const canceled = { ok: false, canceled: true } as const;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class FileController {
  private currentPath: string | undefined;
  private dirty = false;
  private readonly allowed = new PathAllowList();
  /** Paths the preload registered as dropped by the user (fileDropped), with when: openDropped opens only these. */
  private readonly dropped = new Map<string, number>();
  /** Paths main offered to the renderer (command line, second instance, Open Recent): openFile may open them. */
  private readonly offered = new Set<string>();
  private readonly pendingOffers: string[] = [];
  private rendererListens = false;
  /** Save was chosen in the close question: close once a save succeeds. */
  private closeAfterSave = false;
  /** Don't Save was chosen: let the next close through. */
  private closeConfirmed = false;
  /** Autosaves in order, never two writes at once; starts once an earlier run's copy is set aside. */
  private autosaveChain: Promise<void>;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: FileControllerOptions) {
    this.platform = options.platform ?? process.platform;
    this.autosaveChain = startRecovery(options.userData);
    const { window } = options;
    window.on('close', (event) => this.onClose(event));
    // The page's <title> must not replace the file name and dirty marker.
    window.on('page-title-updated', (event) => event.preventDefault());
    this.updateTitle();
  }

  get path(): string | undefined {
    return this.currentPath;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  // ---- operations (each IPC handler calls one after checking the sender) ----

  async openWithDialog(): Promise<OpenResult> {
    const result = await this.options.dialog.showOpenDialog(this.options.window as BrowserWindow, {
      title: 'Open network',
      properties: ['openFile'],
      filters: [...NETWORK_FILTERS, { name: 'All files', extensions: ['*'] }],
      ...(this.currentPath ? { defaultPath: dirname(this.currentPath) } : {}),
    });
    const path = result.filePaths[0];
    if (result.canceled || path === undefined) return canceled;
    return this.openPath(path);
  }

  /** A weights JSON file the user picks, read with the size limit and UTF-8 check; the renderer applies it. */
  async openWeightsWithDialog(): Promise<OpenResult> {
    const result = await this.options.dialog.showOpenDialog(this.options.window as BrowserWindow, {
      title: 'Import trained weights',
      properties: ['openFile'],
      filters: [{ name: 'Weights (JSON)', extensions: ['json'] }, { name: 'All files', extensions: ['*'] }],
      ...(this.currentPath ? { defaultPath: dirname(this.currentPath) } : {}),
    });
    const path = result.filePaths[0];
    if (result.canceled || path === undefined) return canceled;
    try {
      return { ok: true, path, name: basename(path), text: await readTextFile(path) };
    } catch (error) {
      return fail(messageOf(error));
    }
  }

  /** Open a path the renderer names: only one from the recent list or one main offered. */
  async openKnown(path: unknown): Promise<OpenResult> {
    if (typeof path !== 'string' || path === '') return fail('No file was named.');
    const key = pathKey(path, this.platform);
    const recent = await readRecent(this.options.userData);
    if (!this.offered.has(key) && !recent.some((p) => pathKey(p, this.platform) === key)) {
      return fail(`${basename(path)} is not in the recent files; use File ▸ Open to choose it.`);
    }
    this.offered.delete(key);
    return this.openPath(path);
  }

  /**
   * The preload saw the user drop this file (a trusted drop event, its path from webUtils.getPathForFile) and says so
   * at once, on its own channel. Only .netwright paths are kept, at most MAX_DROPS, each for DROP_MAX_AGE_MS.
   */
  registerDrop(path: unknown): void {
    if (typeof path !== 'string' || path === '' || !isNetworkPath(path)) return;
    const now = this.now();
    for (const [key, at] of this.dropped) if (now - at > DROP_MAX_AGE_MS) this.dropped.delete(key);
    this.dropped.set(pathKey(path, this.platform), now);
    while (this.dropped.size > MAX_DROPS) this.dropped.delete(this.dropped.keys().next().value!);
  }

  /**
   * A file dropped on the window: only a .netwright path registered by registerDrop, once, within a minute of the
   * drop; so the page alone cannot name a path for main to open (and later let Save overwrite).
   */
  async openDropped(path: unknown): Promise<OpenResult> {
    if (typeof path !== 'string' || path === '') return fail('The dropped item has no path on disk.');
    if (!isNetworkPath(path)) return fail(`${basename(path)} is not a Netwright network (a .netwright file).`);
    const key = pathKey(path, this.platform);
    const at = this.dropped.get(key);
    this.dropped.delete(key);
    if (at === undefined || this.now() - at > DROP_MAX_AGE_MS) return fail(`${basename(path)} was not dropped on the window just now; use File ▸ Open to choose it.`);
    return this.openPath(path);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async openPath(path: string): Promise<OpenResult> {
    let text: string;
    try {
      text = await readTextFile(path);
    } catch (error) {
      if (error instanceof FileError && error.code === 'ENOENT') await this.forgetRecent(path);
      return fail(messageOf(error));
    }
    const parsed = parseDocument(text);
    if (!parsed.ok) return fail(`Could not open ${basename(path)}: ${parsed.message}`);
    this.adopt(path);
    this.setDirty(false);
    await this.remember(path);
    return { ok: true, path, name: basename(path), text };
  }

  newDocument(): void {
    this.currentPath = undefined;
    this.options.window.setRepresentedFilename?.('');
    this.setDirty(false);
  }

  async save(text: unknown): Promise<SaveResult> {
    const path = this.currentPath;
    if (path === undefined || !this.allowed.isAllowed(this.options.window.id, path)) return this.saveAs(text);
    return this.writeDocument(path, text);
  }

  async saveAs(text: unknown): Promise<SaveResult> {
    const problem = checkDocumentText(text);
    if (problem) return this.saveFailed(problem);
    const result = await this.options.dialog.showSaveDialog(this.options.window as BrowserWindow, {
      title: 'Save network',
      defaultPath: this.currentPath ?? 'Untitled.netwright',
      filters: NETWORK_FILTERS,
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    });
    if (result.canceled || !result.filePath) {
      this.closeAfterSave = false;
      return canceled;
    }
    this.allowed.allow(this.options.window.id, result.filePath);
    return this.writeDocument(result.filePath, text);
  }

  private async writeDocument(path: string, text: unknown): Promise<SaveResult> {
    const problem = checkDocumentText(text);
    if (problem) return this.saveFailed(problem);
    if (!this.allowed.isAllowed(this.options.window.id, path)) return this.saveFailed(`Netwright may not write to ${basename(path)}: choose it in the Save dialog.`);
    try {
      await atomicWrite(path, text as string);
    } catch (error) {
      return this.saveFailed(messageOf(error));
    }
    this.adopt(path);
    this.setDirty(false);
    await this.autosaveChain;
    await clearAutosave(this.options.userData).catch(() => undefined);
    await this.remember(path);
    if (this.closeAfterSave) {
      this.closeAfterSave = false;
      this.closeConfirmed = true;
      this.options.window.close();
    }
    return { ok: true, path, name: basename(path) };
  }

  private saveFailed(message: string): SaveResult {
    this.closeAfterSave = false;
    return fail(message);
  }

  async exportFile(kind: unknown, data: unknown, suggestedName: unknown): Promise<SaveResult> {
    if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(EXPORT_KINDS, kind)) return fail(`Unknown export kind "${String(kind)}".`);
    const spec = EXPORT_KINDS[kind as ExportKind];
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return fail('Nothing to export: expected text or bytes.');
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (size > MAX_SAVE_BYTES) return fail(`The export is ${Math.round(size / 1048576)} MB, more than Netwright writes.`);
    const stem = typeof suggestedName === 'string' && suggestedName.trim() !== ''
      ? suggestedName.trim().replace(/[\\/:*?"<>|]/g, '_')
      : this.currentPath ? basename(this.currentPath, extname(this.currentPath)) : 'network';
    const result = await this.options.dialog.showSaveDialog(this.options.window as BrowserWindow, {
      title: `Export ${spec.name}`,
      defaultPath: join(this.currentPath ? dirname(this.currentPath) : '', `${stem}.${spec.extension}`),
      filters: [{ name: spec.name, extensions: [spec.extension] }],
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    });
    if (result.canceled || !result.filePath) return canceled;
    this.allowed.allow(this.options.window.id, result.filePath);
    try {
      await atomicWrite(result.filePath, data);
    } catch (error) {
      return fail(messageOf(error));
    }
    return { ok: true, path: result.filePath, name: basename(result.filePath) };
  }

  setDirty(dirty: boolean): void {
    this.dirty = dirty;
    this.updateTitle();
  }

  async confirmDiscard(): Promise<DiscardChoice> {
    const name = this.currentPath ? basename(this.currentPath) : 'Untitled';
    const { response } = await this.options.dialog.showMessageBox(this.options.window as BrowserWindow, {
      type: 'warning',
      buttons: ['Save', "Don't Save", 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
      message: `Do you want to save the changes you made to ${name}?`,
      detail: "Your changes will be lost if you don't save them.",
    });
    return response === 0 ? 'save' : response === 1 ? 'discard' : 'cancel';
  }

  autosave(text: unknown): Promise<void> {
    if (typeof text !== 'string' || Buffer.byteLength(text) > MAX_SAVE_BYTES) return Promise.resolve();
    const path = this.currentPath;
    this.autosaveChain = this.autosaveChain
      .then(() => autosave(this.options.userData, text, path))
      .catch((error: unknown) => this.options.log?.(`autosave failed: ${messageOf(error)}`));
    return this.autosaveChain;
  }

  recent(): Promise<string[]> {
    return readRecent(this.options.userData);
  }

  /** What an earlier run left unsaved (set aside at start, so this run's autosaves never overwrite it). */
  async recovery(): Promise<Recovery | null> {
    await this.autosaveChain;
    return (await findRecovery(this.options.userData)) ?? null;
  }

  /** The user recovered or discarded the earlier run's document: forget it. */
  async discardRecovery(): Promise<void> {
    await this.autosaveChain;
    await clearRecovery(this.options.userData);
  }

  /** Offer a file to the renderer (command line, second instance, macOS open-file, Open Recent). */
  offerFile(path: string): void {
    this.offered.add(pathKey(path, this.platform));
    if (this.rendererListens) this.send(IPC.openFileRequest, path);
    else this.pendingOffers.push(path);
  }

  /** The renderer subscribed to onOpenFile: hand over what waited. */
  rendererReady(): void {
    this.rendererListens = true;
    for (const path of this.pendingOffers.splice(0)) this.send(IPC.openFileRequest, path);
  }

  command(command: MenuCommand): void {
    this.send(IPC.menuCommand, command);
  }

  // ---- internals ----

  private onClose(event: { preventDefault(): void }): void {
    if (!this.dirty || this.closeConfirmed) {
      this.autosaveChain = this.autosaveChain.then(() => clearAutosave(this.options.userData)).catch(() => undefined);
      return;
    }
    event.preventDefault();
    void this.confirmDiscard().then((choice) => {
      if (choice === 'save') {
        this.closeAfterSave = true;
        this.command('saveBeforeClose');
      } else if (choice === 'discard') {
        this.closeConfirmed = true;
        this.options.window.close();
      }
    }, (error: unknown) => this.options.log?.(`close confirmation failed: ${messageOf(error)}`));
  }

  private adopt(path: string): void {
    this.currentPath = path;
    this.allowed.allow(this.options.window.id, path);
    this.options.window.setRepresentedFilename?.(path);
  }

  private async remember(path: string): Promise<void> {
    try {
      this.options.onRecentChanged?.(await addRecent(this.options.userData, path));
    } catch (error) {
      this.options.log?.(`could not update the recent files: ${messageOf(error)}`);
    }
  }

  private async forgetRecent(path: string): Promise<void> {
    try {
      const recent = await readRecent(this.options.userData);
      if (recent.some((p) => pathKey(p, this.platform) === pathKey(path, this.platform))) this.options.onRecentChanged?.(await removeRecent(this.options.userData, path));
    } catch {
      // the list is a convenience
    }
  }

  private updateTitle(): void {
    const w = this.options.window;
    if (w.isDestroyed()) return;
    w.setTitle(windowTitle(this.currentPath, this.dirty));
    if (this.platform === 'darwin') w.setDocumentEdited?.(this.dirty);
  }

  private send(channel: string, payload: unknown): void {
    if (!this.options.window.isDestroyed()) this.options.window.webContents.send(channel, payload);
  }
}

/** Why this text is not a document main should write, or undefined. */
function checkDocumentText(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'Nothing to save: expected the document as text.';
  if (Buffer.byteLength(text) > MAX_SAVE_BYTES) return 'The document is too large to save.';
  const parsed = parseDocument(text);
  return parsed.ok ? undefined : `The document could not be saved: ${parsed.message}`;
}

/** Register the file IPC handlers for one window's controller. Returns a function that removes them. */
export function registerFileIpc(
  ipc: Pick<IpcMain, 'on' | 'handle' | 'removeListener' | 'removeHandler'>,
  controller: () => FileController | undefined,
  trusted: TrustedWindow,
  log: (message: string) => void = (message) => console.warn(message),
): () => void {
  const guard = (channel: string, event: IpcMainInvokeEvent | IpcMainEvent): FileController => {
    const check = checkSender(event, trusted);
    if (!check.ok) throw new Error(`refused ${channel}: ${check.reason}`);
    const c = controller();
    if (!c) throw new Error(`refused ${channel}: there is no window`);
    return c;
  };
  const handlers: Record<string, (c: FileController, ...args: unknown[]) => unknown> = {
    [IPC.openNetwork]: (c) => c.openWithDialog(),
    [IPC.openWeights]: (c) => c.openWeightsWithDialog(),
    [IPC.openFile]: (c, path) => c.openKnown(path),
    [IPC.openDropped]: (c, path) => c.openDropped(path),
    [IPC.recentFiles]: (c) => c.recent(),
    [IPC.newNetwork]: (c) => c.newDocument(),
    [IPC.saveNetwork]: (c, text) => c.save(text),
    [IPC.saveNetworkAs]: (c, text) => c.saveAs(text),
    [IPC.exportFile]: (c, kind, data, name) => c.exportFile(kind, data, name),
    [IPC.confirmDiscard]: (c) => c.confirmDiscard(),
    [IPC.autosave]: (c, text) => c.autosave(text),
    [IPC.getRecovery]: (c) => c.recovery(),
    [IPC.discardRecovery]: (c) => c.discardRecovery(),
  };
  for (const [channel, handler] of Object.entries(handlers)) {
    ipc.handle(channel, (event, ...args: unknown[]) => handler(guard(channel, event), ...args));
  }
  const listeners: Record<string, (event: IpcMainEvent, ...args: unknown[]) => void> = {
    [IPC.setDirty]: (event, dirty) => {
      try {
        guard(IPC.setDirty, event).setDirty(dirty === true);
      } catch (error) {
        log(messageOf(error));
      }
    },
    [IPC.openFileReady]: (event) => {
      try {
        guard(IPC.openFileReady, event).rendererReady();
      } catch (error) {
        log(messageOf(error));
      }
    },
    [IPC.fileDropped]: (event, path) => {
      try {
        guard(IPC.fileDropped, event).registerDrop(path);
      } catch (error) {
        log(messageOf(error));
      }
    },
  };
  for (const [channel, listener] of Object.entries(listeners)) ipc.on(channel, listener);
  return () => {
    for (const channel of Object.keys(handlers)) ipc.removeHandler(channel);
    for (const [channel, listener] of Object.entries(listeners)) ipc.removeListener(channel, listener);
  };
}
