/**
 * Training as the window sees it: one store per window, next to the trainer connection store.
 *
 * It keeps the trainer in step with the document (load on structure/data changes, `setup` on hyperparameter changes,
 * never on a node move), holds the latest snapshot and a bounded chart history, and acknowledges each snapshot only
 * after the next animation frame, so a busy window slows the stream instead of making anything queue.
 *
 * Everything shown comes from the trainer's (the core's) numbers; nothing here computes a loss or a weight.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DataReference, NetworkDocument, TrainingSetup } from '../../core/document';
import { validateDocument } from '../../core/validate';
import type { TrainerEvent, TrainingSnapshot } from '../../shared/protocol';
import { edit, type EditorStores } from '../editor/store';
import type { TrainerStore } from '../state/trainer';
import type { CommandBody, ReplyOf, TrainerClient } from '../trainer/client';
import { describeError } from '../trainer/client';
import { applySnapshotWeights, documentKeys, type DocumentKeys } from './weights';

export type TrainingStatus =
  /** Nothing loaded: no trainer, no data set, or a network that cannot train yet (`reason` says which). */
  | { kind: 'idle'; reason: string }
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'running' }
  | { kind: 'diverged' }
  /** The trainer refused the document or its data; `message` is the trainer's own. */
  | { kind: 'error'; message: string };

/** What the trainer said when it loaded the document: the `loaded` event without its envelope. */
export type LoadedInfo = Omit<Extract<TrainerEvent, { type: 'loaded' }>, 'type' | 'seq' | 'replyTo'>;

export interface Divergence {
  step: number;
  epoch: number;
  where: string;
  message: string;
}

/** Chart columns, one entry per recorded snapshot (null where a value does not exist, e.g. no test split). */
export interface ChartHistory {
  step: number[];
  trainLoss: (number | null)[];
  testLoss: (number | null)[];
  trainAccuracy: (number | null)[];
  testAccuracy: (number | null)[];
}

export interface ViewRequest {
  /** Nodes whose output over the input plane snapshots should carry (2-D data only), and the grid resolution. */
  heatmaps?: { nodeIds: string[]; resolution: number } | null;
  /** One example (the model's input vector) to trace through every node. */
  example?: number[] | null;
}

export interface TrainingState {
  status: TrainingStatus;
  loaded: LoadedInfo | null;
  snapshot: TrainingSnapshot | null;
  /** Mutable columns, replaced only on clear; `historyVersion` changes whenever they do. */
  history: ChartHistory;
  historyVersion: number;
  divergence: Divergence | null;
  /** Play stops by itself once this many epochs are complete (null: runs until paused). */
  stopAfterEpochs: number | null;
  /** The last command the trainer refused outside a load (e.g. a step before loading). */
  commandError: string | null;

  /** Send the document to the trainer now (normally automatic). */
  load(): Promise<void>;
  play(): Promise<void>;
  pause(): Promise<void>;
  step(batches?: number): Promise<void>;
  stepEpoch(): Promise<void>;
  reset(): Promise<void>;
  /** Change hyperparameters: an undoable edit of the document's training setup, sent to the trainer at once. */
  setSetup(changes: Partial<TrainingSetup>): void;
  /** Change the data reference: an undoable edit of the document; the trainer reloads. */
  setData(data: DataReference): void;
  setStopAfter(epochs: number | null): void;
  /** Ask for heatmaps and/or an example trace in the snapshots (merged with what the dock itself asks for). */
  requestView(view: ViewRequest): void;
  /** Write the trained weights into the document (not an undoable edit), e.g. before saving. Returns whether anything changed. */
  applySnapshotToDocument(): boolean;
  /** Stop listening to the trainer and the document (window closing, tests). */
  dispose(): void;
}

export type TrainingStore = StoreApi<TrainingState>;

export interface TrainingStoreOptions {
  trainer: TrainerStore;
  editor: EditorStores;
  /** Runs `callback` once the snapshot just stored has been drawn. Default: after the next animation frame. */
  afterFrame?: (callback: () => void) => void;
  /** Most chart points kept; older ones are decimated to every other point. Default 5,000. */
  historyCap?: number;
  /** Resolution of the decision-boundary heatmap. Default 48. */
  boundaryResolution?: number;
  /** Milliseconds a load may take. Default 30 s. */
  loadTimeoutMs?: number;
}

export const DEFAULT_HISTORY_CAP = 5_000;

function defaultAfterFrame(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') {
    // The rAF callback runs before the frame is painted; the timeout lands after it.
    requestAnimationFrame(() => setTimeout(callback, 0));
  } else {
    setTimeout(callback, 16);
  }
}

function emptyHistory(): ChartHistory {
  return { step: [], trainLoss: [], testLoss: [], trainAccuracy: [], testAccuracy: [] };
}

/** The node whose output the Output node judges: the decision boundary's heatmap. */
export function boundaryNodeId(doc: NetworkDocument): string | undefined {
  const output = doc.nodes.find((n) => n.type === 'output');
  if (!output) return undefined;
  return doc.edges.find((e) => e.target === output.id)?.source;
}

/** Why a document cannot be sent to the trainer yet, or null when it can. */
export function notLoadableReason(doc: NetworkDocument): string | null {
  if (doc.nodes.length === 0) return 'Build or open a network to train it.';
  if (doc.data.kind === 'none') return 'Choose a data set in the Data tab to train.';
  const report = validateDocument(doc);
  if (report.errors.length > 0) return `Fix the network first: ${report.errors[0]!.message}`;
  return null;
}

const SETUP_KEYS = [
  'optimizer', 'learningRate', 'schedule', 'momentum', 'nesterov', 'beta1', 'beta2', 'epsilon', 'batchSize', 'epochs',
  'l1', 'l2', 'clipNorm', 'initializer', 'initialValue', 'seed',
] as const satisfies readonly (keyof TrainingSetup)[];

/** The fields of `next` that differ from `before`; null when one was removed (only a reload can express that). */
function setupDiff(before: TrainingSetup, next: TrainingSetup): Partial<TrainingSetup> | null {
  const changes: Record<string, unknown> = {};
  for (const key of SETUP_KEYS) {
    if (JSON.stringify(before[key]) === JSON.stringify(next[key])) continue;
    if (next[key] === undefined) return null;
    changes[key] = next[key];
  }
  return changes as Partial<TrainingSetup>;
}

export function createTrainingStore(options: TrainingStoreOptions): TrainingStore {
  const { trainer, editor } = options;
  const afterFrame = options.afterFrame ?? defaultAfterFrame;
  const historyCap = Math.max(16, options.historyCap ?? DEFAULT_HISTORY_CAP);
  const boundaryResolution = options.boundaryResolution ?? 48;
  const loadTimeoutMs = options.loadTimeoutMs ?? 30_000;

  /** The client we listen to, and the document it has loaded (null: nothing loaded on this client). */
  let client: TrainerClient | null = null;
  let stopListening: (() => void) | null = null;
  let loadedDoc: NetworkDocument | null = null;
  let loadedKeys: DocumentKeys | null = null;
  let syncing: Promise<void> | null = null;
  /** A reset was asked for: its step-0 snapshot goes into the document like a paused one. */
  let resetPending = false;
  let syncAgain = false;
  let disposed = false;
  /** Only every `stride`-th snapshot is recorded once the history has been decimated. */
  let stride = 1;
  let recorded = 0;
  /** Seqs of commands sent without awaiting a reply: an error naming one is shown as a command error. */
  const unanswered = new Set<number>();
  let externalView: ViewRequest = {};
  /** Whether snapshots belong to the document loaded now (false between sending `load` and its reply). */
  let accepting = false;

  const store = createStore<TrainingState>()((set, get) => ({
    status: { kind: 'idle', reason: 'Connecting to the trainer…' },
    loaded: null,
    snapshot: null,
    history: emptyHistory(),
    historyVersion: 0,
    divergence: null,
    stopAfterEpochs: null,
    commandError: null,

    load: () => sync(true),

    async play() {
      await sync();
      const c = client;
      if (!c || !loadedDoc) return;
      const until = get().stopAfterEpochs;
      set({ divergence: null, commandError: null });
      await ask(c, until === null ? { type: 'start' } : { type: 'start', untilEpoch: until }, 'state');
    },

    async pause() {
      const c = client;
      if (!c || !loadedDoc) return;
      await ask(c, { type: 'pause' }, 'state');
    },

    async step(batches = 1) {
      await sync();
      if (!client || !loadedDoc) return;
      set({ divergence: null, commandError: null });
      fire({ type: 'step', batches });
    },

    async stepEpoch() {
      await sync();
      if (!client || !loadedDoc) return;
      set({ divergence: null, commandError: null });
      fire({ type: 'stepEpoch' });
    },

    async reset() {
      await sync();
      const c = client;
      if (!c || !loadedDoc) return;
      const setup = editor.document.getState().doc.training;
      set({ divergence: null, commandError: null });
      // Fresh weights from the initialiser (the document's own weights when it says so).
      const body: CommandBody = setup.initializer === 'document' ? { type: 'reset' } : { type: 'reset', seed: setup.seed };
      // The step-0 snapshot that follows carries the reset weights: the document takes them too.
      resetPending = true;
      await ask(c, body, 'state');
    },

    setSetup(changes) {
      edit(editor, (doc) => {
        const training = { ...doc.training, ...changes };
        return JSON.stringify(training) === JSON.stringify(doc.training) ? null : { ...doc, training };
      });
    },

    setData(data) {
      edit(editor, (doc) => (JSON.stringify(doc.data) === JSON.stringify(data) ? null : { ...doc, data }));
    },

    setStopAfter(epochs) {
      set({ stopAfterEpochs: epochs !== null && Number.isInteger(epochs) && epochs > 0 ? epochs : null });
    },

    requestView(view) {
      externalView = { ...externalView, ...view };
      sendView();
    },

    applySnapshotToDocument() {
      const { snapshot, loaded } = get();
      if (!snapshot || !loaded || !loadedDoc) return false;
      const doc = editor.document.getState().doc;
      const next = applySnapshotWeights(loadedDoc, doc, snapshot.params, loaded.layout);
      if (next === doc) return false;
      // Only weights changed: the trainer already has them, so this must not count as an edit to reload.
      const keys = documentKeys(doc);
      if (loadedKeys && keys.structure === loadedKeys.structure && keys.data === loadedKeys.data) {
        loadedDoc = { ...next, training: loadedDoc.training };
        loadedKeys = { ...documentKeys(next), training: loadedKeys.training };
      }
      replaceSilently(next);
      return true;
    },

    dispose() {
      disposed = true;
      unsubscribeTrainer();
      unsubscribeDoc();
      detach();
    },
  }));

  /** Replace the document without an undo step and without clearing history (applying a snapshot is no edit). */
  /**
   * While training runs, the trainer's weights are not in the document, so the undo entry of an edit made then
   * holds the weights from before training: undoing the edit would throw the training away. Give the entries that
   * are the trained document its trained weights.
   */
  function keepTrainingInHistory(trainedDoc: NetworkDocument, withWeights: NetworkDocument): void {
    if (withWeights === trainedDoc) return;
    const temporal = editor.document.temporal;
    const { pastStates, futureStates } = temporal.getState();
    const swap = (states: typeof pastStates) => states.map((s) => (s.doc === trainedDoc ? { ...s, doc: withWeights } : s));
    if (pastStates.some((s) => s.doc === trainedDoc) || futureStates.some((s) => s.doc === trainedDoc)) {
      temporal.setState({ pastStates: swap(pastStates), futureStates: swap(futureStates) });
    }
  }

  function replaceSilently(doc: NetworkDocument): void {
    const temporal = editor.document.temporal.getState();
    temporal.pause();
    editor.document.setState({ doc });
    temporal.resume();
  }

  function fire(body: CommandBody): void {
    const seq = client?.send(body) ?? null;
    if (seq === null) return;
    unanswered.add(seq);
    if (unanswered.size > 256) unanswered.delete(unanswered.values().next().value!);
  }

  async function ask<T extends TrainerEvent['type']>(c: TrainerClient, body: CommandBody, expect: T): Promise<ReplyOf<T> | null> {
    try {
      return await c.request(body, expect);
    } catch (error) {
      if (c === client && !c.disposed) store.setState({ commandError: describeError(error) });
      return null;
    }
  }

  function sendView(): void {
    if (!client || !loadedDoc) return;
    const doc = loadedDoc;
    const ids = new Set(externalView.heatmaps?.nodeIds ?? []);
    const boundary = boundaryNodeId(doc);
    if (boundary) ids.add(boundary);
    const resolution = externalView.heatmaps?.resolution ?? boundaryResolution;
    const body: CommandBody = { type: 'view', heatmaps: ids.size > 0 ? { nodeIds: [...ids], resolution } : null };
    if (externalView.example !== undefined) body.example = externalView.example;
    fire(body);
  }

  function record(snapshot: TrainingSnapshot): void {
    const state = store.getState();
    let history = state.history;
    const last = history.step.length - 1;
    if (last >= 0 && snapshot.step < history.step[last]!) {
      // Back to an earlier step (a reset): the old curve no longer describes these weights.
      history = emptyHistory();
      stride = 1;
      recorded = 0;
    }
    const e = snapshot.evaluation;
    const point = [snapshot.step, e.trainLoss, e.testLoss, e.trainAccuracy ?? null, e.testAccuracy ?? null] as const;
    const columns = [history.step, history.trainLoss, history.testLoss, history.trainAccuracy, history.testAccuracy] as (number | null)[][];
    const end = history.step.length - 1;
    if (end >= 0 && history.step[end] === snapshot.step) {
      // Same step again (a view change, a pause): refresh the point instead of adding one.
      columns.forEach((column, k) => (column[end] = point[k]!));
    } else if (recorded++ % stride === 0) {
      columns.forEach((column, k) => column.push(point[k]!));
      if (history.step.length >= historyCap) {
        // Keep every other point (and the newest): bounded, evenly thinned, never unbounded.
        const keep = (column: (number | null)[]) => {
          const lastValue = column[column.length - 1]!;
          const thinned = column.filter((_, i) => i % 2 === 0);
          if ((column.length - 1) % 2 !== 0) thinned.push(lastValue);
          column.length = 0;
          column.push(...thinned);
        };
        columns.forEach(keep);
        stride *= 2;
      }
    }
    store.setState({ history, historyVersion: state.historyVersion + 1 });
  }

  function onEvent(event: TrainerEvent): void {
    if (disposed) return;
    switch (event.type) {
      case 'loaded':
        // Handled here, in event order, so the snapshot right behind it is already taken as the new session's.
        accepting = true;
        store.setState({
          loaded: {
            layout: event.layout,
            featureNames: event.featureNames,
            targetNames: event.targetNames,
            task: event.task,
            trainSize: event.trainSize,
            testSize: event.testSize,
            notes: event.notes,
            setup: event.setup,
          },
        });
        return;
      case 'snapshot': {
        if (!accepting) return;
        const diverged = store.getState().status.kind === 'diverged';
        store.setState({
          snapshot: event,
          status: event.running ? { kind: 'running' } : diverged ? { kind: 'diverged' } : { kind: 'ready' },
        });
        record(event);
        // Paused, stepped or stopped by divergence: the document takes the trainer's weights (no undo step), so the
        // inspector, explain mode and Save see what training left. Not while a reload is under way.
        if (!event.running && (event.step > 0 || diverged || resetPending) && !syncing) {
          resetPending = false;
          store.getState().applySnapshotToDocument();
        }
        if (event.id > 0) {
          const from = client;
          afterFrame(() => {
            if (from === client && from && !from.disposed) from.send({ type: 'ack', snapshot: event.id });
          });
        }
        return;
      }
      case 'state': {
        if (!accepting) return;
        const current = store.getState().status.kind;
        if (event.reason === 'diverged') store.setState({ status: { kind: 'diverged' } });
        else if (event.running) store.setState({ status: { kind: 'running' } });
        else if (current === 'running' || current === 'loading' || event.reason === 'reset') store.setState({ status: { kind: 'ready' } });
        return;
      }
      case 'diverged':
        store.setState({
          status: { kind: 'diverged' },
          divergence: { step: event.step, epoch: event.epoch, where: event.where, message: event.message },
        });
        return;
      case 'error':
        if (event.replyTo !== undefined && unanswered.delete(event.replyTo)) store.setState({ commandError: event.message });
        return;
      default:
        return;
    }
  }

  function detach(): void {
    stopListening?.();
    stopListening = null;
    client = null;
    loadedDoc = null;
    loadedKeys = null;
    accepting = false;
  }

  function attach(next: TrainerClient | null): void {
    if (next === client) return;
    detach();
    client = next;
    if (!next) {
      // The last snapshot and the charts stay on screen; the document is loaded again when a trainer comes back.
      store.setState({ status: { kind: 'idle', reason: 'The trainer is not running.' } });
      return;
    }
    stopListening = next.onEvent(onEvent);
    // A new trainer (first start or restart) knows nothing: give it the document.
    void sync();
  }

  /** Bring the trainer in step with the document. Serialised: a change during a sync triggers one more pass. */
  function sync(force = false): Promise<void> {
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    syncing = (async () => {
      try {
        let forceNow = force;
        do {
          syncAgain = false;
          await syncOnce(forceNow);
          forceNow = false;
        } while (syncAgain && !disposed);
      } finally {
        syncing = null;
      }
    })();
    return syncing;
  }

  async function syncOnce(force: boolean): Promise<void> {
    const c = client;
    if (!c || disposed) return;
    let doc = editor.document.getState().doc;
    const keys = documentKeys(doc);
    if (!force && loadedDoc && loadedKeys && keys.structure === loadedKeys.structure && keys.data === loadedKeys.data) {
      // Back to what the trainer has (e.g. an undo of a breaking edit): it is paused there, ready to go on.
      if (store.getState().status.kind === 'idle') store.setState({ status: { kind: 'ready' } });
      if (keys.training !== loadedKeys.training) {
        const changes = setupDiff(loadedDoc.training, doc.training);
        if (changes !== null) {
          loadedDoc = { ...loadedDoc, training: doc.training };
          loadedKeys = { ...loadedKeys, training: keys.training };
          if (Object.keys(changes).length > 0) await ask(c, { type: 'setup', changes }, 'state');
          return;
        }
      } else {
        return;
      }
    }
    const why = notLoadableReason(doc);
    if (why !== null) {
      if (loadedDoc && store.getState().status.kind === 'running') await ask(c, { type: 'pause' }, 'state');
      store.setState({ status: { kind: 'idle', reason: why } });
      return;
    }
    // Keep what training learnt: pause, fetch the latest weights, write them in where they still fit.
    const { loaded } = store.getState();
    if (loadedDoc && loaded) {
      if (store.getState().status.kind === 'running') await ask(c, { type: 'pause' }, 'state');
      const latest = await ask(c, { type: 'snapshot' }, 'snapshot');
      if (c !== client) return;
      if (latest) {
        doc = editor.document.getState().doc;
        const withWeights = applySnapshotWeights(loadedDoc, doc, latest.params, loaded.layout);
        if (withWeights !== doc) {
          replaceSilently(withWeights);
          doc = withWeights;
        }
        // Only when training moved the weights: at step 0 the document's own numbers stay exactly as typed.
        if (latest.step > 0) keepTrainingInHistory(loadedDoc, applySnapshotWeights(loadedDoc, loadedDoc, latest.params, loaded.layout));
      }
    }
    // Snapshots of the old session may still arrive until the trainer's `loaded` reply: ignore them.
    accepting = false;
    stride = 1;
    recorded = 0;
    store.setState({
      status: { kind: 'loading' },
      snapshot: null,
      history: emptyHistory(),
      historyVersion: store.getState().historyVersion + 1,
      divergence: null,
      commandError: null,
    });
    try {
      await c.request({ type: 'load', document: doc }, 'loaded', { timeoutMs: loadTimeoutMs });
      if (c !== client || disposed) return;
      loadedDoc = doc;
      loadedKeys = documentKeys(doc);
      if (store.getState().status.kind === 'loading') store.setState({ status: { kind: 'ready' } });
      sendView();
    } catch (error) {
      if (c !== client || disposed) return;
      loadedDoc = null;
      loadedKeys = null;
      accepting = false;
      store.setState({ status: { kind: 'error', message: describeError(error) }, loaded: null, snapshot: null });
    }
  }

  const unsubscribeTrainer = trainer.subscribe((state) => attach(state.client));
  const unsubscribeDoc = editor.document.subscribe((state, previous) => {
    if (state.doc !== previous.doc) void sync();
  });
  attach(trainer.getState().client);
  if (!trainer.getState().client) store.setState({ status: { kind: 'idle', reason: 'Connecting to the trainer…' } });

  return store;
}

export const TrainingStoreContext = createContext<TrainingStore | null>(null);

function useTrainingStore(): TrainingStore {
  const store = useContext(TrainingStoreContext);
  if (!store) throw new Error('useTraining: no TrainingStoreContext above this component');
  return store;
}

/** A narrow selector on the training store of this window. */
export function useTraining<T>(selector: (state: TrainingState) => T): T {
  return useStore(useTrainingStore(), selector);
}

/** The training store itself, for actions (stable: never re-renders). */
export function useTrainingActions(): TrainingStore {
  return useTrainingStore();
}

export function useTrainingStatus(): TrainingStatus {
  return useTraining(selectStatus);
}
const selectStatus = (s: TrainingState) => s.status;

export interface ParameterValue {
  /** This edge's weight block (rows × cols, row-major) or this node's biases: views into the snapshot. */
  values: Float32Array;
  /** dLoss/dparameter of the last batch, same shape. */
  grads: Float32Array;
  rows: number;
  cols: number;
}

/** Views are cached per snapshot, so a selector returns the same object until the next snapshot. */
const edgeCache = new WeakMap<TrainingSnapshot, Map<string, ParameterValue | undefined>>();

function cached(
  snapshot: TrainingSnapshot | null,
  key: string,
  make: (snapshot: TrainingSnapshot) => ParameterValue | undefined,
): ParameterValue | undefined {
  if (!snapshot) return undefined;
  let map = edgeCache.get(snapshot);
  if (!map) {
    map = new Map();
    edgeCache.set(snapshot, map);
  }
  if (!map.has(key)) map.set(key, make(snapshot));
  return map.get(key);
}

/** The live weights and gradients of one edge (undefined before the first snapshot, or for an edge without weights). */
export function selectEdgeValue(state: TrainingState, edgeId: string): ParameterValue | undefined {
  const block = state.loaded?.layout.edges[edgeId];
  if (!block) return undefined;
  return cached(state.snapshot, `e:${edgeId}`, (s) => {
    const end = block.offset + block.rows * block.cols;
    if (end > s.params.length) return undefined;
    return { values: s.params.subarray(block.offset, end), grads: s.grads.subarray(block.offset, end), rows: block.rows, cols: block.cols };
  });
}

/** The live biases and their gradients of one Neuron or Dense node. */
export function selectNodeBias(state: TrainingState, nodeId: string): ParameterValue | undefined {
  const block = state.loaded?.layout.biases[nodeId];
  if (!block) return undefined;
  return cached(state.snapshot, `b:${nodeId}`, (s) => {
    const end = block.offset + block.length;
    if (end > s.params.length) return undefined;
    return { values: s.params.subarray(block.offset, end), grads: s.grads.subarray(block.offset, end), rows: 1, cols: block.length };
  });
}

export function useEdgeValue(edgeId: string): ParameterValue | undefined {
  return useTraining((s) => selectEdgeValue(s, edgeId));
}

export function useNodeBias(nodeId: string): ParameterValue | undefined {
  return useTraining((s) => selectNodeBias(s, nodeId));
}

/** The node's output over the input plane (resolution² values, row 0 at y = −extent), when requested with requestView. */
export function useNodeHeatmap(nodeId: string): Float32Array | undefined {
  return useTraining((s) => s.snapshot?.heatmaps?.[nodeId]);
}

/** The node's z and activation for the traced example, when requested with requestView. */
export function useNodeTrace(nodeId: string): { z: number[] | null; a: number[] } | undefined {
  return useTraining((s) => s.snapshot?.trace?.[nodeId]);
}
