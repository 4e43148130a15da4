/**
 * The API the preload exposes on `window.netwright`: exactly NetwrightApi, one function per operation.
 * Built from a narrow slice of ipcRenderer that never leaves this file, and no event object reaches the page.
 */
import type { IpcRenderer } from 'electron';
import {
  EXPORT_KINDS, IPC, MENU_COMMANDS,
  type DiscardChoice, type ExportKind, type MenuCommand, type NetwrightDesktopApi, type OpenResult, type Recovery, type SaveResult, type TrainerGoneInfo,
} from '../shared/ipc';

export type IpcSlice = Pick<IpcRenderer, 'send' | 'invoke' | 'on' | 'removeListener'>;

/** The path of a dropped DOM File (Electron's webUtils.getPathForFile); '' when it has none. */
export type PathForFile = (file: unknown) => string;

/**
 * The paths of files the user really dropped on the window. The preload listens to drops itself (its own listener,
 * in its isolated world, before the page's) and records the paths of trusted events only: a drop the page made up
 * (dispatchEvent: isTrusted false) or a File it made or got elsewhere is never recorded. openDroppedFile opens only
 * a recorded path, once, shortly after its drop: so the page cannot make main open (and later overwrite) a file the
 * user did not drop.
 */
export class TrustedDrops {
  private readonly paths = new Map<string, number>();
  constructor(private readonly now: () => number = () => Date.now(), private readonly maxAgeMs = 60_000) {}

  /** A drop event as the preload's listener sees it. Returns the paths it recorded. */
  record(event: DropEventLike, pathForFile: PathForFile): string[] {
    if (event.isTrusted !== true) return [];
    const files = event.dataTransfer?.files;
    if (!files) return [];
    const recorded: string[] = [];
    for (let i = 0; i < files.length; i++) {
      let path: string;
      try {
        path = pathForFile(files[i]);
      } catch {
        continue;
      }
      if (path) {
        this.paths.set(path, this.now());
        recorded.push(path);
      }
    }
    return recorded;
  }

  /** Was `path` dropped by the user just now? Consumes it. */
  take(path: string): boolean {
    const at = this.paths.get(path);
    this.paths.delete(path);
    return at !== undefined && this.now() - at <= this.maxAgeMs;
  }
}

export interface DropEventLike {
  isTrusted?: boolean;
  dataTransfer?: { files: ArrayLike<unknown> } | null;
}

/** The window as far as listening to drops goes (the preload is built without the DOM lib). */
export interface DropTarget {
  addEventListener(type: 'drop', listener: (event: DropEventLike) => void, capture: boolean): void;
}

/** Record every trusted drop on `target` (capture phase: before the page's own listeners). */
/**
 * Listen to drops in the preload's own world; each trusted drop's paths are recorded here and registered with main at
 * once (`register`, IPC.fileDropped), which opens a dropped path only if it was registered.
 */
export function watchDrops(target: DropTarget, drops: TrustedDrops, pathForFile: PathForFile, register: (path: string) => void = () => {}): void {
  target.addEventListener('drop', (event) => {
    for (const path of drops.record(event, pathForFile)) register(path);
  }, true);
}

export function createNetwrightApi(ipc: IpcSlice, pathForFile: PathForFile = () => '', drops?: TrustedDrops): NetwrightDesktopApi {
  /** Subscribe to a main → renderer channel, passing on only payloads `accept` lets through (no event object). */
  const subscribe = <T>(channel: string, accept: (raw: unknown) => T | undefined, listener: (value: T) => void): (() => void) => {
    const handler = (_event: unknown, raw: unknown) => {
      const value = accept(raw);
      if (value !== undefined) listener(value);
    };
    ipc.on(channel, handler);
    return () => {
      ipc.removeListener(channel, handler);
    };
  };
  return {
    platform: 'electron',
    requestTrainerPort(): void {
      ipc.send(IPC.requestTrainerPort);
    },
    async restartTrainer(): Promise<void> {
      await ipc.invoke(IPC.restartTrainer);
    },
    onTrainerGone(listener: (info: TrainerGoneInfo) => void): () => void {
      const handler = (_event: unknown, info: unknown) => listener(toGoneInfo(info));
      ipc.on(IPC.trainerGone, handler);
      return () => {
        ipc.removeListener(IPC.trainerGone, handler);
      };
    },
    openNetwork: async () => toOpenResult(await ipc.invoke(IPC.openNetwork)),
    openWeights: async () => toOpenResult(await ipc.invoke(IPC.openWeights)),
    openFile: async (path: string) => toOpenResult(await ipc.invoke(IPC.openFile, String(path))),
    async openDroppedFile(file: unknown): Promise<OpenResult> {
      let path: string;
      try {
        path = pathForFile(file);
      } catch {
        path = '';
      }
      if (!path) return { ok: false, canceled: false, message: 'This file cannot be opened from here: it has no path on disk. Use File ▸ Open.' };
      if (!drops?.take(path)) return { ok: false, canceled: false, message: 'Only a file dropped on the window can be opened this way. Use File ▸ Open.' };
      return toOpenResult(await ipc.invoke(IPC.openDropped, path));
    },
    getRecentFiles: async () => {
      const list: unknown = await ipc.invoke(IPC.recentFiles);
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
    },
    async newNetwork(): Promise<void> {
      await ipc.invoke(IPC.newNetwork);
    },
    saveNetwork: async (text: string) => toSaveResult(await ipc.invoke(IPC.saveNetwork, String(text))),
    saveNetworkAs: async (text: string) => toSaveResult(await ipc.invoke(IPC.saveNetworkAs, String(text))),
    async exportFile(kind: ExportKind, data: string | Uint8Array, suggestedName?: string): Promise<SaveResult> {
      if (!Object.prototype.hasOwnProperty.call(EXPORT_KINDS, kind)) return { ok: false, canceled: false, message: `Unknown export kind "${String(kind)}".` };
      const payload = typeof data === 'string' ? data : data instanceof Uint8Array ? data : String(data);
      return toSaveResult(await ipc.invoke(IPC.exportFile, kind, payload, typeof suggestedName === 'string' ? suggestedName : undefined));
    },
    setDirty(dirty: boolean): void {
      ipc.send(IPC.setDirty, dirty === true);
    },
    async confirmDiscard(): Promise<DiscardChoice> {
      const choice: unknown = await ipc.invoke(IPC.confirmDiscard);
      return choice === 'save' || choice === 'discard' ? choice : 'cancel';
    },
    async autosave(text: string): Promise<void> {
      await ipc.invoke(IPC.autosave, String(text));
    },
    getRecovery: async () => toRecovery(await ipc.invoke(IPC.getRecovery)),
    async discardRecovery(): Promise<void> {
      await ipc.invoke(IPC.discardRecovery);
    },
    onMenuCommand: (listener: (command: MenuCommand) => void) =>
      subscribe(IPC.menuCommand, (raw) => ((MENU_COMMANDS as readonly unknown[]).includes(raw) ? (raw as MenuCommand) : undefined), listener),
    onOpenFile(listener: (path: string) => void): () => void {
      const off = subscribe(IPC.openFileRequest, (raw) => (typeof raw === 'string' && raw !== '' ? raw : undefined), listener);
      ipc.send(IPC.openFileReady);
      return off;
    },
  };
}

const record = (raw: unknown): Record<string, unknown> => (typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {});

/** Copy only the documented fields of main's answers. */
export function toOpenResult(raw: unknown): OpenResult {
  const r = record(raw);
  if (r.ok === true && typeof r.path === 'string' && typeof r.name === 'string' && typeof r.text === 'string') return { ok: true, path: r.path, name: r.name, text: r.text };
  if (r.canceled === true) return { ok: false, canceled: true };
  return { ok: false, canceled: false, message: typeof r.message === 'string' ? r.message : 'The file could not be opened.' };
}

export function toSaveResult(raw: unknown): SaveResult {
  const r = record(raw);
  if (r.ok === true && typeof r.path === 'string' && typeof r.name === 'string') return { ok: true, path: r.path, name: r.name };
  if (r.canceled === true) return { ok: false, canceled: true };
  return { ok: false, canceled: false, message: typeof r.message === 'string' ? r.message : 'The file could not be saved.' };
}

export function toRecovery(raw: unknown): Recovery | null {
  const r = record(raw);
  if (typeof r.text !== 'string' || typeof r.savedAt !== 'number') return null;
  return typeof r.path === 'string' ? { text: r.text, savedAt: r.savedAt, path: r.path } : { text: r.text, savedAt: r.savedAt };
}

/** Copy only the documented fields, so nothing else main might attach reaches the page. */
export function toGoneInfo(raw: unknown): TrainerGoneInfo {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const info: TrainerGoneInfo = { reason: typeof record.reason === 'string' ? record.reason : 'unknown' };
  if (typeof record.exitCode === 'number') info.exitCode = record.exitCode;
  return info;
}

/** The page's window, as far as forwarding the trainer port needs it (the preload is built without the DOM lib). */
export interface PageWindow {
  postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void;
}

/**
 * Hand the trainer port main sent us to the page. A MessagePort cannot cross the context bridge, so it goes by
 * window.postMessage (Electron's pattern for contextIsolation); the page listens for TRAINER_PORT_MESSAGE.
 */
export function forwardTrainerPorts(
  ipc: Pick<IpcRenderer, 'on'>,
  page: PageWindow,
  messageType: string,
): void {
  ipc.on(IPC.trainerPort, (event) => {
    page.postMessage(messageType, '*', [...event.ports]);
  });
}
