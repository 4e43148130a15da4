/**
 * IPC between the renderer (through the preload) and main. Channel names live here only.
 * The preload exposes `window.netwright` with exactly this shape (one function per operation).
 */
export const IPC = {
  /** renderer → main (send): please create a channel to the trainer and send me one end. */
  requestTrainerPort: 'trainer:request-port',
  /** main → renderer (postMessage with one MessagePort): your end of the trainer channel. */
  trainerPort: 'trainer:port',
  /** main → renderer: the trainer process went away. Payload: TrainerGoneInfo. */
  trainerGone: 'trainer:gone',
  /** renderer → main (invoke): fork a new trainer; a new port follows on `trainerPort`. */
  restartTrainer: 'trainer:restart',

  // ---- files (all renderer → main are `invoke` unless marked send) ----
  /** Open dialog → OpenResult. */
  openNetwork: 'files:open',
  /** Open a path from the recent list or one main offered through `openFileRequest` → OpenResult. */
  openFile: 'files:open-path',
  /** Open dialog for trained weights (Netwright's weights JSON) → OpenResult with its text; the document stays. */
  openWeights: 'files:open-weights',
  /** Open a file dropped on the window (its path, found by the preload) → OpenResult. Only a path registered by `fileDropped`. */
  openDropped: 'files:open-dropped',
  /**
   * send, from the preload's own drop listener (trusted events only, in the drop itself): the path of a file the user
   * dropped (webUtils.getPathForFile). Main opens a dropped path only if it was registered so, once, within a minute.
   */
  fileDropped: 'files:dropped',
  /** → string[] (newest first). */
  recentFiles: 'files:recent',
  /** Forget the current file: a new, untitled document (Save will ask where). */
  newNetwork: 'files:new',
  /** Save to the current file, or ask where (Save As) → SaveResult. */
  saveNetwork: 'files:save',
  /** Ask where, then save → SaveResult. */
  saveNetworkAs: 'files:save-as',
  /** Ask where, then write an export (ONNX, weights, image) → SaveResult. */
  exportFile: 'files:export',
  /** send: the document has (or no longer has) unsaved changes: title marker and close confirmation. */
  setDirty: 'files:set-dirty',
  /** Ask the user whether to save unsaved changes → 'save' | 'discard' | 'cancel'. */
  confirmDiscard: 'files:confirm-discard',
  /** Keep the unsaved document in the app's data folder for crash recovery. */
  autosave: 'files:autosave',
  /** → Recovery | null: the unsaved document the last run left. */
  getRecovery: 'files:get-recovery',
  discardRecovery: 'files:discard-recovery',
  /** main → renderer: a menu command (MenuCommand). */
  menuCommand: 'files:menu-command',
  /** main → renderer: please open this path (command line, second instance, macOS open-file, Open Recent). */
  openFileRequest: 'files:open-request',
  /** send: the renderer listens for openFileRequest now (main holds requests until then, e.g. the command line's). */
  openFileReady: 'files:open-ready',
} as const;

/** Commands the application menu sends to the renderer. */
export const MENU_COMMANDS = [
  'new', 'open', 'save', 'saveAs', 'exportOnnx', 'exportWeightsJson', 'exportWeightsCsv', 'exportPng', 'exportSvg',
  'exportPytorch', 'exportNumpy', 'importWeights',
  /** The user chose Save in the close confirmation: save, and main closes the window once the save succeeds. */
  'saveBeforeClose',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** What can be exported, with the file filter of its dialog. */
export const EXPORT_KINDS = {
  onnx: { name: 'ONNX model', extension: 'onnx' },
  weightsJson: { name: 'Weights (JSON)', extension: 'json' },
  weightsCsv: { name: 'Weights (CSV)', extension: 'csv' },
  png: { name: 'PNG image', extension: 'png' },
  svg: { name: 'SVG image', extension: 'svg' },
  pytorch: { name: 'PyTorch project (zip)', extension: 'zip' },
  numpy: { name: 'NumPy script', extension: 'py' },
} as const;
export type ExportKind = keyof typeof EXPORT_KINDS;

export type OpenResult =
  | { ok: true; path: string; name: string; text: string }
  | { ok: false; canceled: true }
  | { ok: false; canceled: false; message: string };

export type SaveResult =
  | { ok: true; path: string; name: string }
  | { ok: false; canceled: true }
  | { ok: false; canceled: false; message: string };

export type DiscardChoice = 'save' | 'discard' | 'cancel';

export interface Recovery {
  /** The document's text as last autosaved. */
  text: string;
  /** When (ms since the epoch). */
  savedAt: number;
  /** The file it belonged to, if any. */
  path?: string;
}

/** The message the preload posts to the page (window.postMessage) with the trainer port in `ports[0]`. */
export const TRAINER_PORT_MESSAGE = 'netwright:trainer-port';

export interface TrainerGoneInfo {
  reason: string;
  exitCode?: number;
}

/** The trainer part of what the preload exposes on `window.netwright`. */
export interface NetwrightApi {
  readonly platform: 'electron';
  /** Ask main for a trainer channel; the port arrives as a window message of type TRAINER_PORT_MESSAGE. */
  requestTrainerPort(): void;
  /** Fork a fresh trainer after it died; a new port arrives as for requestTrainerPort. */
  restartTrainer(): Promise<void>;
  /** Be told when the trainer process exits or crashes. Returns an unsubscribe function. */
  onTrainerGone(listener: (info: TrainerGoneInfo) => void): () => void;
}

/**
 * Files: what the preload exposes on `window.netwright` besides NetwrightApi. Main chooses every path (dialogs, the
 * recent list, the command line, a drop); the renderer only ever hands over text or bytes.
 */
export interface NetwrightFilesApi {
  /** Show the Open dialog and read the chosen file. */
  openNetwork(): Promise<OpenResult>;
  /** Ask for a weights JSON file and read it (File ▸ Import Trained Weights). */
  openWeights(): Promise<OpenResult>;
  /** Open a path from getRecentFiles() or one that onOpenFile offered; anything else is refused. */
  openFile(path: string): Promise<OpenResult>;
  /** Open a file dropped on the window (a DOM File; its path is found by the preload). Only .netwright files. */
  openDroppedFile(file: unknown): Promise<OpenResult>;
  getRecentFiles(): Promise<string[]>;
  /** The renderer made a new, untitled document: Save will ask where. */
  newNetwork(): Promise<void>;
  /** Save to the current file, or ask where if there is none. Clears the recovery copy on success. */
  saveNetwork(text: string): Promise<SaveResult>;
  saveNetworkAs(text: string): Promise<SaveResult>;
  /** Ask where and write an export; `suggestedName` without extension (default: the document's file name). */
  exportFile(kind: ExportKind, data: string | Uint8Array, suggestedName?: string): Promise<SaveResult>;
  /** Tell main whether there are unsaved changes: the title shows "•", and closing the window asks first. */
  setDirty(dirty: boolean): void;
  /** The native "Save changes?" question; call before New or Open when dirty. */
  confirmDiscard(): Promise<DiscardChoice>;
  /** Keep the unsaved document for crash recovery (call shortly after each change, e.g. debounced by 1 s). */
  autosave(text: string): Promise<void>;
  /** The unsaved document a crashed run left, to offer on start (this run's autosaves never overwrite it). */
  getRecovery(): Promise<Recovery | null>;
  /** Forget that document once the user recovered (loaded it) or discarded it. */
  discardRecovery(): Promise<void>;
  /** Menu commands (New, Open, Save, Save As, Export…, saveBeforeClose). Returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Main asks to open a path (command line, second instance, Open Recent): confirm unsaved changes, then openFile(path). */
  onOpenFile(listener: (path: string) => void): () => void;
}

export type NetwrightDesktopApi = NetwrightApi & NetwrightFilesApi;
