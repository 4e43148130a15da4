/**
 * Files as the window sees them: one interface, two implementations picked at startup.
 * - desktop: `window.netwright` (the preload). Main shows the dialogs, chooses every path, writes atomically, keeps
 *   the recovery copy in the app's data folder and sends menu commands (with their accelerators).
 * - browser: Open is a file picker (`<input type=file>`), Save a download named `<name>.netwright`, Save As the same
 *   after asking for a name, exports are downloads, the recovery copy lives in IndexedDB.
 * Neither throws: every answer is an OpenResult / SaveResult the caller shows.
 */
import { decodeUtf8 } from '../../core/fileText';
import {
  EXPORT_KINDS, type DiscardChoice, type ExportKind, type MenuCommand, type NetwrightDesktopApi, type OpenResult, type Recovery,
  type SaveResult,
} from '../../shared/ipc';
import { createIndexedDbStorage, createMemoryStorage, type KeyValueStorage } from './storage';

export interface FileService {
  readonly kind: 'desktop' | 'browser';
  /** Let the user pick a network file and read it. */
  open(): Promise<OpenResult>;
  /** Read a file dropped on the window. */
  openDropped(file: File): Promise<OpenResult>;
  /** Let the user pick a weights JSON file (File ▸ Import trained weights) and read it. */
  openWeights(): Promise<OpenResult>;
  /** Save to the current file (desktop), or download `<name>.netwright` (browser). */
  save(text: string, name: string): Promise<SaveResult>;
  /** Ask where / under which name, then save. */
  saveAs(text: string, name: string): Promise<SaveResult>;
  /** Write an export; `name` without extension. */
  exportFile(kind: ExportKind, data: string | Uint8Array, name: string): Promise<SaveResult>;
  /** The window now shows a new, untitled document. */
  newDocument(): Promise<void>;
  /** Unsaved changes or not (desktop: main's title marker and close confirmation). */
  setDirty(dirty: boolean): void;
  /** "Save changes?" before the open document is replaced. */
  confirmDiscard(): Promise<DiscardChoice>;
  /** Keep the unsaved document for crash recovery. */
  autosave(text: string, name: string): Promise<void>;
  getRecovery(): Promise<Recovery | null>;
  discardRecovery(): Promise<void>;
  /** Menu commands (desktop only; the browser build has its shortcuts). Returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Someone outside asks to open a file (command line, Open Recent…); `read` opens it once changes are settled. */
  onOpenRequest(listener: (read: () => Promise<OpenResult>) => void): () => void;
}

/** A file name without characters file systems refuse; never empty. */
export function safeFileName(name: string): string {
  const printable = Array.from(name, (c) => (c.charCodeAt(0) < 32 ? '-' : c)).join('');
  const cleaned = printable.replace(/[\\/:*?"<>|]+/g, '-').replace(/^[\s.]+|[\s.]+$/g, '');
  return cleaned === '' ? 'Untitled' : cleaned.slice(0, 120);
}

/** The base name of a file without its extension: "spiral.netwright" → "spiral". */
export function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = last.lastIndexOf('.');
  return dot > 0 ? last.slice(0, dot) : last;
}

function failure(error: unknown, what: string): { ok: false; canceled: false; message: string } {
  const detail = error instanceof Error ? error.message : String(error);
  return { ok: false, canceled: false, message: `${what}: ${detail}` };
}

// ---------------------------------------------------------------- desktop

export function createDesktopFileService(api: NetwrightDesktopApi): FileService {
  const guard = async <T extends OpenResult | SaveResult>(what: string, call: () => Promise<T>): Promise<T | ReturnType<typeof failure>> => {
    try {
      return await call();
    } catch (error) {
      return failure(error, what);
    }
  };
  return {
    kind: 'desktop',
    open: () => guard('The file could not be opened', () => api.openNetwork()),
    openDropped: (file) => guard('The dropped file could not be opened', () => api.openDroppedFile(file)),
    openWeights: () => guard('The weights file could not be opened', () => api.openWeights()),
    save: (text) => guard('The file could not be saved', () => api.saveNetwork(text)),
    saveAs: (text) => guard('The file could not be saved', () => api.saveNetworkAs(text)),
    exportFile: (kind, data, name) => guard('The export could not be written', () => api.exportFile(kind, data, safeFileName(name))),
    newDocument: () => api.newNetwork().catch(() => undefined),
    setDirty: (dirty) => api.setDirty(dirty),
    confirmDiscard: () => api.confirmDiscard().catch((): DiscardChoice => 'cancel'),
    autosave: (text) => api.autosave(text),
    getRecovery: () => api.getRecovery().catch(() => null),
    discardRecovery: () => api.discardRecovery().catch(() => undefined),
    onMenuCommand: (listener) => api.onMenuCommand(listener),
    onOpenRequest: (listener) => api.onOpenFile((path) => listener(() => guard('The file could not be opened', () => api.openFile(path)))),
  };
}

// ---------------------------------------------------------------- browser

/** The questions the browser build asks in the page (the desktop build's are native dialogs in main). */
export interface BrowserAsk {
  /** Save / Don't save / Cancel. */
  discard(): Promise<DiscardChoice>;
  /** The name to save under (without extension), or null when canceled. */
  fileName(suggested: string): Promise<string | null>;
}

export interface BrowserFileServiceOptions {
  ask: BrowserAsk;
  /** Where the recovery copy lives. Default: IndexedDB database "netwright". */
  storage?: KeyValueStorage;
  /** Let the user pick a file. Default: a hidden `<input type=file>`. */
  pickFile?: (accept: string) => Promise<File | null>;
  /** Hand a file to the user. Default: a Blob URL download through `a[download]`. */
  download?: (blob: Blob, fileName: string) => void;
}

export const NETWORK_EXTENSION = 'netwright';
const ACCEPT = '.netwright,.json,application/json';
const RECOVERY_KEY = 'recovery';
/** A dropped or picked file larger than this is refused before it is read. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

const MIME: Record<ExportKind | 'network', string> = {
  network: 'application/json',
  onnx: 'application/octet-stream',
  weightsJson: 'application/json',
  weightsCsv: 'text/csv',
  png: 'image/png',
  svg: 'image/svg+xml',
  pytorch: 'application/zip',
  numpy: 'text/x-python',
};

/** Pick one file through a hidden file input; null when the user cancels. */
export function pickWithInput(accept: string): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.setAttribute('data-testid', 'open-file-input');
    const done = (file: File | null) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => done(null), { once: true });
    document.body.append(input);
    input.click();
  });
}

/** Offer `blob` as a download named `fileName`. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started reading the URL; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Read a picked or dropped file as a network's text: only .netwright / .json, and not absurdly large. */
export async function readNetworkFile(file: File): Promise<OpenResult> {
  const name = file.name;
  if (!/\.(netwright|json)$/i.test(name)) {
    return { ok: false, canceled: false, message: `"${name}" is not a network file: Netwright opens .netwright files.` };
  }
  if (file.size > MAX_FILE_BYTES) {
    return { ok: false, canceled: false, message: `"${name}" is too large to be a network (${Math.round(file.size / 1048576)} MB).` };
  }
  try {
    // Strict UTF-8: a bad byte is refused with its offset, never read as U+FFFD (and re-saved that way).
    const text = decodeUtf8(new Uint8Array(await file.arrayBuffer()));
    if (!text.ok) return { ok: false, canceled: false, message: `"${name}": ${text.message}` };
    return { ok: true, path: name, name, text: text.text };
  } catch (error) {
    return failure(error, `"${name}" could not be read`);
  }
}

/** Read a picked weights file: .json only, and not absurdly large. */
export async function readWeightsFile(file: File): Promise<OpenResult> {
  const name = file.name;
  if (!/\.json$/i.test(name)) return { ok: false, canceled: false, message: `"${name}" is not a weights file: Netwright imports weights as JSON (train.py writes trained-weights.json).` };
  if (file.size > MAX_FILE_BYTES) return { ok: false, canceled: false, message: `"${name}" is too large to be a weights file (${Math.round(file.size / 1048576)} MB).` };
  try {
    const text = decodeUtf8(new Uint8Array(await file.arrayBuffer()));
    if (!text.ok) return { ok: false, canceled: false, message: `"${name}": ${text.message}` };
    return { ok: true, path: name, name, text: text.text };
  } catch (error) {
    return failure(error, `"${name}" could not be read`);
  }
}

export function createBrowserFileService(options: BrowserFileServiceOptions): FileService {
  const storage = options.storage ?? createIndexedDbStorage('netwright');
  const pickFile = options.pickFile ?? pickWithInput;
  const download = options.download ?? downloadBlob;
  const offer = (data: string | Uint8Array, kind: ExportKind | 'network', fileName: string): SaveResult => {
    try {
      const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
      download(new Blob([part], { type: MIME[kind] }), fileName);
      return { ok: true, path: fileName, name: fileName };
    } catch (error) {
      return failure(error, `"${fileName}" could not be downloaded`);
    }
  };
  const saveNetwork = (text: string, name: string) => offer(text, 'network', `${safeFileName(name)}.${NETWORK_EXTENSION}`);
  return {
    kind: 'browser',
    async open() {
      let file: File | null;
      try {
        file = await pickFile(ACCEPT);
      } catch (error) {
        return failure(error, 'The file picker could not be shown');
      }
      return file ? readNetworkFile(file) : { ok: false, canceled: true };
    },
    openDropped: (file) => readNetworkFile(file),
    async openWeights() {
      let file: File | null;
      try {
        file = await pickFile('.json,application/json');
      } catch (error) {
        return failure(error, 'The file picker could not be shown');
      }
      return file ? readWeightsFile(file) : { ok: false, canceled: true };
    },
    save: (text, name) => Promise.resolve(saveNetwork(text, name)),
    async saveAs(text, name) {
      const chosen = await options.ask.fileName(safeFileName(name));
      if (chosen === null) return { ok: false, canceled: true };
      const base = chosen.trim().replace(/\.netwright$/i, '');
      return saveNetwork(text, base === '' ? name : base);
    },
    exportFile: (kind, data, name) => Promise.resolve(offer(data, kind, `${safeFileName(name)}.${EXPORT_KINDS[kind].extension}`)),
    newDocument: () => Promise.resolve(),
    setDirty: () => undefined,
    confirmDiscard: () => options.ask.discard(),
    async autosave(text, name) {
      const recovery: Recovery = { text, savedAt: Date.now(), path: name };
      await storage.set(RECOVERY_KEY, recovery);
    },
    async getRecovery() {
      try {
        const value = await storage.get<Recovery>(RECOVERY_KEY);
        return value && typeof value.text === 'string' && typeof value.savedAt === 'number' ? value : null;
      } catch {
        return null;
      }
    },
    async discardRecovery() {
      try {
        await storage.delete(RECOVERY_KEY);
      } catch {
        // Nothing to recover from a storage that cannot be opened.
      }
    },
    onMenuCommand: () => () => undefined,
    onOpenRequest: () => () => undefined,
  };
}

/** The service for this window: desktop when the preload exposed `window.netwright` with the files API. */
export function pickFileService(ask: BrowserAsk, win: Window = window): FileService {
  const api = (win as Window & { netwright?: Partial<NetwrightDesktopApi> }).netwright;
  if (api && typeof api.openNetwork === 'function' && typeof api.saveNetwork === 'function') {
    return createDesktopFileService(api as NetwrightDesktopApi);
  }
  let storage: KeyValueStorage;
  try {
    storage = typeof indexedDB === 'undefined' ? createMemoryStorage() : createIndexedDbStorage('netwright');
  } catch {
    storage = createMemoryStorage();
  }
  return createBrowserFileService({ ask, storage });
}
