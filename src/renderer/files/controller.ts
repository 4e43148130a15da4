/**
 * New / Open / Save / Save As / Export, the dirty marker, autosave and crash recovery for one window, over a
 * FileService (desktop or browser). No React here: components read `state` and call the methods.
 *
 * - Opening parses the text first (parseDocument never throws) and loads the document only when it is valid, as a
 *   non-undoable load; a bad file shows the parser's message with its path and leaves the open document as it was.
 * - Saving writes the latest trained weights into the document first (the training store's
 *   applySnapshotToDocument) and adds the loss curve as the file's optional `history`.
 * - Dirty: the document differs from the one last opened or saved (same object, or the same file text), or training
 *   has moved on since. Undo back to the saved state is clean again.
 * - Autosave: a debounced copy of an unsaved document for crash recovery; the recovery copy goes when the document
 *   is saved, or is clean again, or the user declines the offer.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { emptyDocument, type NetworkDocument, type TrainingHistory } from '../../core/document';
import { zipSync, strToU8 } from 'fflate';
import { loadDataset } from '../../core/data';
import { weightsCsv, weightsJson } from '../../core/export';
import { importWeights } from '../../core/exchange/importWeights';
import { exportNumpy } from '../../core/exchange/numpy';
import { exportPyTorch } from '../../core/exchange/pytorch';
import { exportOnnx } from '../../core/onnx/export';
import { runsForSave } from '../learn/runs';
import { parseDocument, trySerializeDocument } from '../../core/serialize';
import type { ExportKind, MenuCommand, OpenResult, Recovery, SaveResult } from '../../shared/ipc';
import { edit, load, notify, type EditorStores } from '../editor/store';
import type { ChartHistory, TrainingStore } from '../training/store';
import { baseName, type FileService } from './service';

export interface FilesState {
  /** The name of the file the document was opened from or saved to (no extension); null when it has none yet. */
  fileName: string | null;
  dirty: boolean;
  /** An unsaved document a previous run left, offered for recovery until the user answers. */
  recovery: { recovery: Recovery; doc: NetworkDocument } | null;
  /** An open, save or export is in progress. */
  busy: boolean;
}

export type ImageKind = 'png' | 'svg';

export interface FileControllerOptions {
  editor: EditorStores;
  service: FileService;
  /** The window's training: trained weights are written into the document before saving; its chart is the history. */
  training?: TrainingStore;
  /** Draws the graph as an image (needs the canvas on screen). Without it, image exports say they are unavailable. */
  renderImage?: (kind: ImageKind, doc: NetworkDocument) => Promise<string | Uint8Array>;
  /** Milliseconds after the last change before the recovery copy is written. Default 1,000. */
  autosaveDelayMs?: number;
  /** Sets the window title (default: document.title). */
  setTitle?: (title: string) => void;
}

export interface FileController {
  state: StoreApi<FilesState>;
  /** Ask whether to save unsaved changes. Resolves true when it is fine to replace the document. */
  settle(): Promise<boolean>;
  /**
   * Replace the document some other way (a template): ask first, then run `replace` (a non-undoable load); the
   * window then holds a new, untitled, unsaved network. Runs `replace` at once when there is nothing to ask.
   */
  replaceWith(replace: () => void): Promise<boolean>;
  newDocument(): Promise<void>;
  open(): Promise<void>;
  openDropped(file: File): Promise<void>;
  /** Load an opened file's text, or show why it cannot be (the document stays). Returns whether it loaded. */
  adopt(result: OpenResult): boolean;
  save(): Promise<boolean>;
  saveAs(): Promise<boolean>;
  exportAs(kind: ExportKind): Promise<boolean>;
  /** Ask for a weights JSON file (train.py's trained-weights.json) and apply it to the network, as one undoable edit. */
  importTrainedWeights(): Promise<boolean>;
  /** Offer the recovery copy of a previous run (call once at start). */
  checkRecovery(): Promise<void>;
  recover(): void;
  declineRecovery(): Promise<void>;
  /** Write the recovery copy now if one is due (also what the debounce runs). */
  flushAutosave(): Promise<void>;
  /** The file name shown in the title and used for downloads and exports. */
  displayName(): string;
  handleMenuCommand(command: MenuCommand): void;
  /**
   * Start listening (document changes for the dirty marker and autosave, training, menu commands, open requests) and
   * set the title. Nothing listens before this, so making a controller has no side effects (React may make two).
   * Returns the function that stops listening.
   */
  attach(): () => void;
  /** Stop listening. */
  dispose(): void;
}

/** The window title: "• name — Netwright" while there are unsaved changes. */
export function windowTitle(name: string, dirty: boolean): string {
  return `${dirty ? '• ' : ''}${name} — Netwright`;
}

/**
 * The chart's points as the file's history: points without a finite training loss are left out (the file keeps only
 * finite numbers); the accuracy is the test accuracy where there is a test set, else the training accuracy.
 * Undefined when nothing was recorded.
 */
export function historyFromChart(chart: ChartHistory): TrainingHistory | undefined {
  const out: TrainingHistory = { step: [], trainLoss: [], testLoss: [], accuracy: [] };
  const finiteOrNull = (v: number | null | undefined) => (v !== null && v !== undefined && Number.isFinite(v) ? v : null);
  let lastStep = -1;
  for (let i = 0; i < chart.step.length; i++) {
    const step = chart.step[i]!;
    const loss = chart.trainLoss[i];
    if (!Number.isInteger(step) || step < 0 || step <= lastStep || loss === null || loss === undefined || !Number.isFinite(loss)) continue;
    const accuracy = finiteOrNull(chart.testAccuracy[i] ?? chart.trainAccuracy[i]);
    out.step.push(step);
    out.trainLoss.push(loss);
    out.testLoss.push(finiteOrNull(chart.testLoss[i]));
    out.accuracy.push(accuracy !== null && accuracy >= 0 && accuracy <= 1 ? accuracy : null);
    lastStep = step;
  }
  return out.step.length > 0 ? out : undefined;
}

function textOf(doc: NetworkDocument): string | null {
  const result = trySerializeDocument(doc);
  return result.ok ? result.text : null;
}

export function createFileController(options: FileControllerOptions): FileController {
  const { editor, service, training } = options;
  const delay = options.autosaveDelayMs ?? 1000;
  const setTitle = options.setTitle ?? ((title: string) => { document.title = title; });
  const state = createStore<FilesState>()(() => ({ fileName: null, dirty: false, recovery: null, busy: false }));

  /** The document as last opened or saved (the object, and its text as the store holds it). */
  let savedDoc: NetworkDocument = editor.document.getState().doc;
  let savedText: string | null = textOf(savedDoc);
  /** The training step the saved file holds (0: the weights the document was loaded with). */
  let savedStep = 0;
  let lastAutosaved: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attached = false;
  let detachCurrent: (() => void) | null = null;

  const doc = () => editor.document.getState().doc;
  const trainedStep = () => training?.getState().snapshot?.step ?? 0;
  const trainedSinceSave = () => {
    const step = trainedStep();
    return step > 0 && step !== savedStep;
  };

  function displayName(): string {
    return state.getState().fileName ?? (doc().name.trim() || 'Untitled');
  }

  function setDirty(dirty: boolean): void {
    if (state.getState().dirty !== dirty) {
      state.setState({ dirty });
      service.setDirty(dirty);
    }
    setTitle(windowTitle(displayName(), dirty));
  }

  function markSaved(current: NetworkDocument, text: string | null, fileName: string | null, step: number): void {
    savedDoc = current;
    savedText = text;
    savedStep = step;
    lastAutosaved = null;
    state.setState({ fileName });
    setDirty(false);
  }

  function scheduleAutosave(): void {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void flushAutosave();
    }, delay);
  }

  async function flushAutosave(): Promise<void> {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (!attached || state.getState().recovery !== null) return;
    // Paused training: its weights are part of the unsaved work (while running they change too fast to keep).
    if (training && training.getState().status.kind !== 'running' && trainedSinceSave()) training.getState().applySnapshotToDocument();
    const current = doc();
    const text = current === savedDoc ? savedText : textOf(current);
    if (text !== null && text === savedText && !trainedSinceSave()) {
      setDirty(false);
      if (lastAutosaved !== null) {
        lastAutosaved = null;
        await service.discardRecovery();
      }
      return;
    }
    setDirty(true);
    if (text === null || text === lastAutosaved) return;
    lastAutosaved = text;
    try {
      await service.autosave(text, displayName());
    } catch {
      // A recovery copy that cannot be written is no reason to bother the user mid-edit; the next change tries again.
      lastAutosaved = null;
    }
  }

  /** Listen to the document, training, menu and open requests; returns the function that stops listening. */
  function attach(): () => void {
    detach();
    const offs = [
      editor.document.subscribe((s, prev) => {
        if (s.doc === prev.doc) return;
        setDirty(s.doc !== savedDoc || trainedSinceSave());
        scheduleAutosave();
      }),
      training?.subscribe((s, prev) => {
        if (s.status.kind !== prev.status.kind && prev.status.kind === 'running' && trainedSinceSave()) scheduleAutosave();
        if (s.snapshot?.step === prev.snapshot?.step) return;
        if (trainedSinceSave()) setDirty(true);
      }) ?? (() => undefined),
      service.onMenuCommand((command) => controller.handleMenuCommand(command)),
      service.onOpenRequest((read) => {
        void (async () => {
          if (!(await settle())) return;
          adopt(await busy(read));
        })();
      }),
    ];
    attached = true;
    setTitle(windowTitle(displayName(), state.getState().dirty));
    detachCurrent = () => {
      attached = false;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      for (const off of offs) off();
    };
    return detach;
  }

  function detach(): void {
    const current = detachCurrent;
    detachCurrent = null;
    current?.();
  }

  function refuse(text: string): void {
    notify(editor, 'refused', text);
  }

  async function settle(): Promise<boolean> {
    if (!state.getState().dirty && !trainedSinceSave()) return true;
    const choice = await service.confirmDiscard();
    if (choice === 'cancel') return false;
    if (choice === 'discard') return true;
    return write('save');
  }

  function adopt(result: OpenResult): boolean {
    if (!result.ok) {
      if (!result.canceled) refuse(result.message);
      return false;
    }
    const parsed = parseDocument(result.text);
    if (!parsed.ok) {
      refuse(`Could not open "${result.name}": ${parsed.message}`);
      return false;
    }
    load(editor, parsed.doc);
    // A file saved after training goes on from its last step (the trainer counts on from there): that is clean.
    markSaved(parsed.doc, textOf(parsed.doc), baseName(result.name), parsed.doc.history?.step.at(-1) ?? 0);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    void service.discardRecovery();
    if (parsed.migratedFrom !== undefined) {
      const dropped = parsed.warnings && parsed.warnings.length > 0
        ? ` Fields this version does not know were dropped: ${parsed.warnings.map((w) => w.slice(0, w.indexOf(':'))).join(', ')}.`
        : '';
      notify(editor, 'info', `Opened "${result.name}", written by an older Netwright (file version ${parsed.migratedFrom}); it will be saved in the current format.${dropped}`);
    }
    return true;
  }

  async function busy<T>(fn: () => Promise<T>): Promise<T> {
    state.setState({ busy: true });
    try {
      return await fn();
    } finally {
      state.setState({ busy: false });
    }
  }

  /** The text to save: the trained weights written in, the loss curve added. Null (with the reason shown) if it cannot be saved. */
  function prepareSave(): { doc: NetworkDocument; text: string; storeText: string | null } | null {
    // A field being typed in commits its value on blur: let it, so Ctrl+S (or the menu) saves what the user sees.
    const focused = globalThis.document?.activeElement;
    if (focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement || focused instanceof HTMLSelectElement) focused.blur();
    training?.getState().applySnapshotToDocument();
    const current = doc();
    const history = training ? historyFromChart(training.getState().history) : undefined;
    // The session's runs (learn/runs.ts) are the file's runs: those opened with it, less any deleted, plus new ones.
    const runs = runsForSave();
    const { runs: _opened, ...rest } = current;
    const withHistory = history || runs || _opened ? { ...rest, ...(history ? { history } : {}), ...(runs ? { runs } : {}) } : current;
    const result = trySerializeDocument(withHistory);
    if (!result.ok) {
      // The core's words already say "Cannot save: …" and name the node or connection.
      refuse(result.message);
      return null;
    }
    return { doc: current, text: result.text, storeText: withHistory === current ? result.text : textOf(current) };
  }

  async function write(how: 'save' | 'saveAs'): Promise<boolean> {
    const prepared = prepareSave();
    if (!prepared) return false;
    const step = trainedStep();
    const result: SaveResult = await busy(() => (how === 'save' ? service.save(prepared.text, displayName()) : service.saveAs(prepared.text, displayName())));
    if (!result.ok) {
      if (!result.canceled) refuse(`Not saved: ${result.message}`);
      return false;
    }
    // Changes made while the save ran stay unsaved.
    const current = doc();
    markSaved(prepared.doc, prepared.storeText, baseName(result.name), step);
    if (current !== prepared.doc) setDirty(true);
    else void service.discardRecovery();
    notify(editor, 'info', `Saved ${result.name}`);
    return true;
  }

  async function exportAs(kind: ExportKind): Promise<boolean> {
    training?.getState().applySnapshotToDocument();
    const current = doc();
    let data: string | Uint8Array;
    if (kind === 'onnx') {
      const result = exportOnnx(current);
      if (!result.ok) return refuseExport(result.message);
      data = result.bytes;
    } else if (kind === 'weightsJson' || kind === 'weightsCsv') {
      const result = kind === 'weightsJson' ? weightsJson(current) : weightsCsv(current);
      if (!result.ok) return refuseExport(result.message);
      data = typeof result.value === 'string' ? result.value : `${JSON.stringify(result.value, null, 2)}\n`;
    } else if (kind === 'pytorch' || kind === 'numpy') {
      const loaded = current.data.kind === 'none' ? null : loadDataset(current.data);
      if (loaded && !loaded.ok) return refuseExport(`Cannot export: ${loaded.message}`);
      const dataset = loaded?.dataset;
      if (kind === 'numpy') {
        const result = exportNumpy(current, { dataset });
        if (!result.ok) return refuseExport(result.message);
        data = result.script;
      } else {
        const result = exportPyTorch(current, { dataset });
        if (!result.ok) return refuseExport(result.message);
        // One folder in the zip, named after the document, so unpacking it makes the project's folder.
        const folder = displayName().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'network';
        const entries: Record<string, Uint8Array> = {};
        for (const [name, text] of Object.entries(result.project.files)) entries[`${folder}/${name}`] = strToU8(text);
        data = zipSync(entries, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
      }
    } else {
      if (!options.renderImage) return refuseExport('The graph cannot be drawn as an image here.');
      try {
        data = await options.renderImage(kind, current);
      } catch (error) {
        return refuseExport(`The graph could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const result = await busy(() => service.exportFile(kind, data, displayName()));
    if (!result.ok) {
      if (!result.canceled) refuse(`Not exported: ${result.message}`);
      return false;
    }
    notify(editor, 'info', `Exported ${result.name}`);
    return true;
  }

  async function importTrainedWeights(): Promise<boolean> {
    training?.getState().applySnapshotToDocument();
    const result = await busy(() => service.openWeights());
    if (!result.ok) {
      if (!result.canceled) refuse(`Not imported: ${result.message}`);
      return false;
    }
    let parameters = 0;
    const applied = edit(editor, (doc) => {
      const imported = importWeights(doc, result.text);
      if (!imported.ok) return { ok: false, reason: `Not imported: ${result.name}: ${imported.message}` };
      parameters = imported.parameters;
      // The step counter counts on from the step the file says the weights were trained to (else it says "imported").
      training?.getState().noteImportedWeights(imported.doc, imported.step ?? null);
      return { ok: true, doc: imported.doc };
    });
    if (applied) notify(editor, 'info', `Imported ${parameters} trained weights from ${result.name}`);
    return applied;
  }

  function refuseExport(message: string): false {
    refuse(message);
    return false;
  }

  function replaceWith(replace: () => void): Promise<boolean> {
    const go = () => {
      replace();
      const fresh = emptyDocument();
      savedDoc = fresh;
      savedText = textOf(fresh);
      savedStep = 0;
      lastAutosaved = null;
      state.setState({ fileName: null });
      setDirty(doc() !== fresh);
      void service.newDocument();
      return true;
    };
    if (!state.getState().dirty && !trainedSinceSave()) return Promise.resolve(go());
    return settle().then((ok) => ok && go());
  }

  const controller: FileController = {
    state,
    settle,
    replaceWith,
    adopt,
    displayName,
    flushAutosave,
    async newDocument() {
      if (!(await settle())) return;
      const fresh = emptyDocument();
      load(editor, fresh);
      markSaved(fresh, textOf(fresh), null, 0);
      await service.newDocument();
      await service.discardRecovery();
    },
    async open() {
      if (!(await settle())) return;
      adopt(await busy(() => service.open()));
    },
    async openDropped(file) {
      if (!(await settle())) return;
      adopt(await busy(() => service.openDropped(file)));
    },
    save: () => write('save'),
    saveAs: () => write('saveAs'),
    exportAs,
    importTrainedWeights,
    async checkRecovery() {
      // Copies are offered newest first (desktop keeps a small ring of them); unreadable or empty ones are dropped.
      for (let tries = 0; tries < 16; tries++) {
        const recovery = await service.getRecovery();
        if (!recovery || !attached) return;
        const parsed = parseDocument(recovery.text);
        if (!parsed.ok || textOf(parsed.doc) === textOf(emptyDocument(parsed.doc.name))) {
          await service.discardRecovery();
          continue;
        }
        state.setState({ recovery: { recovery, doc: parsed.doc } });
        return;
      }
    },
    recover() {
      const offer = state.getState().recovery;
      if (!offer) return;
      state.setState({ recovery: null });
      load(editor, offer.doc);
      const name = offer.recovery.path ? baseName(offer.recovery.path) : null;
      // Recovered work is unsaved work: dirty, and its recovery copy stays until it is saved.
      savedDoc = emptyDocument();
      savedText = null;
      savedStep = 0;
      lastAutosaved = offer.recovery.text;
      state.setState({ fileName: name });
      setDirty(true);
    },
    async declineRecovery() {
      if (!state.getState().recovery) return;
      state.setState({ recovery: null });
      await service.discardRecovery();
      if (doc() !== savedDoc) scheduleAutosave();
      // An older copy (an earlier crash nobody decided on) is offered next, with its own time.
      await controller.checkRecovery();
    },
    handleMenuCommand(command) {
      switch (command) {
        case 'new': void controller.newDocument(); break;
        case 'open': void controller.open(); break;
        case 'save':
        case 'saveBeforeClose': void controller.save(); break;
        case 'saveAs': void controller.saveAs(); break;
        case 'exportOnnx': void exportAs('onnx'); break;
        case 'exportWeightsJson': void exportAs('weightsJson'); break;
        case 'exportWeightsCsv': void exportAs('weightsCsv'); break;
        case 'exportPng': void exportAs('png'); break;
        case 'exportSvg': void exportAs('svg'); break;
        case 'exportPytorch': void exportAs('pytorch'); break;
        case 'exportNumpy': void exportAs('numpy'); break;
        case 'importWeights': void importTrainedWeights(); break;
      }
    },
    attach,
    dispose: detach,
  };
  return controller;
}
