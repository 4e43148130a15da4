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
import { edit, isFreshLoad, type EditorStores } from '../editor/store';
import type { TrainerStore } from '../state/trainer';
import type { CommandBody, ReplyOf, TrainerClient } from '../trainer/client';
import { describeError } from '../trainer/client';
import {
  controlsOf,
  initialMachine,
  loadable,
  phaseOf,
  transition,
  type Controls,
  type Effect,
  type Machine,
  type MachineEvent,
  type Phase,
} from './machine';
import { PACE_STEPS_PER_SECOND, paceFor, type Pace } from './pace';
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
  /** The learning rate that exploded. */
  learningRate: number;
  /** The rate to offer instead: the last one that trained well, else the document's own, else a tenth. */
  suggestedRate: number;
}

/** The rate to suggest after `diverged` exploded: the last that trained well, else the document's first, else a tenth. */
export function suggestRate(diverged: number, lastGood: number | null, base: number | null): number {
  for (const rate of [lastGood, base]) if (rate !== null && rate > 0 && rate < diverged) return rate;
  return Number((diverged * 0.1).toPrecision(3));
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
  /** The state machine's phase (machine.ts) and the controls it enables. */
  phase: Phase;
  controls: Controls;
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
  /** How fast Play trains (pace.ts). */
  pace: Pace;
  /**
   * The trainer holds imported trained weights: `step` is the step the weights file says they were trained to (the
   * trainer counts on from it), null when the file does not say. Null after any other load.
   */
  imported: { step: number | null } | null;
  setPace(pace: Pace): void;
  /** `doc` (about to become the document) holds imported trained weights, trained to `step` if the file says. */
  noteImportedWeights(doc: NetworkDocument, step: number | null): void;

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
  /** `doc` with the weights of the snapshot on screen written in where they fit (`doc` itself when none apply). */
  withLiveWeights(doc: NetworkDocument): NetworkDocument;
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

/** What the machine needs to know about a document. */
export function describeDocument(doc: NetworkDocument): { empty: boolean; problem: string | null } {
  if (doc.nodes.length === 0) return { empty: true, problem: null };
  return { empty: false, problem: notLoadableReason(doc) };
}

/** The status the dock and toolbar show for a phase. */
export function statusOf(m: Machine): TrainingStatus {
  switch (phaseOf(m)) {
    case 'connecting':
      return { kind: 'idle', reason: 'Connecting to the trainer…' };
    case 'empty':
      return { kind: 'idle', reason: 'Build or open a network to train it.' };
    case 'invalid':
      return { kind: 'idle', reason: m.problem ?? 'This network cannot train yet.' };
    case 'crashed':
      return { kind: 'idle', reason: `The trainer is not running${m.trainerReason ? ` (${m.trainerReason})` : ''}. Restart it to train; the network is untouched.` };
    case 'hung':
      return { kind: 'idle', reason: 'The trainer stopped answering. Restart it to train; the network is untouched.' };
    case 'error':
      return { kind: 'error', message: m.loadError ?? 'The trainer refused this network.' };
    case 'loading':
      return { kind: 'loading' };
    case 'running':
      return { kind: 'running' };
    case 'diverged':
      return { kind: 'diverged' };
    case 'ready':
    case 'paused':
      return { kind: 'ready' };
  }
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

  // The wiring's own bookkeeping; every decision about what is shown or sent is the machine's (machine.ts).
  let machine: Machine = initialMachine(describeDocument(editor.document.getState().doc));
  let client: TrainerClient | null = null;
  let stopListening: (() => void) | null = null;
  /** The document the trainer holds (as sent), its keys, and the one a load is under way for. */
  let loadedDoc: NetworkDocument | null = null;
  let loadedKeys: DocumentKeys | null = null;
  let inFlight: { rev: number; doc: NetworkDocument } | null = null;
  /** The revision whose snapshots are taken (set by the trainer's `loaded` event, in event order). */
  let acceptRev: number | null = null;
  let loadLoop: Promise<void> | null = null;
  let carryNext = false;
  /** Imported weights waiting for their load: the document they were written into, and the step they were trained to. */
  let pendingImport: { doc: NetworkDocument; step: number | null } | null = null;
  /** The body of the step the machine was asked to take. */
  let stepBody: CommandBody = { type: 'step', batches: 1 };
  /** The snapshot being handed to the machine, for its `show` and `write-weights` effects. */
  let incoming: TrainingSnapshot | null = null;
  /** The document changes this store makes itself (weights written in) are not edits for the machine. */
  let writing = false;
  let lastDoc = editor.document.getState().doc;
  /** The rate the document came with (New/Open/template), and the last one seen to train well. */
  let baseRate: number | null = lastDoc.training.learningRate;
  let goodRate: number | null = null;
  let rateRun: { rate: number; step: number; loss: number } | null = null;
  let disposed = false;
  let stride = 1;
  let recorded = 0;
  /** The chart of a run taken off screen by a breaking edit, kept for an undo back to it. */
  let stash: { rev: number; history: ChartHistory; divergence: Divergence | null; stride: number; recorded: number } | null = null;
  const unanswered = new Set<number>();
  let externalView: ViewRequest = {};
  /** Events raised while a transition's effects run wait their turn. */
  const queue: MachineEvent[] = [];
  let dispatching = false;

  const store = createStore<TrainingState>()((set, get) => ({
    status: statusOf(machine),
    phase: phaseOf(machine),
    controls: controlsOf(machine),
    loaded: null,
    snapshot: null,
    history: emptyHistory(),
    historyVersion: 0,
    divergence: null,
    stopAfterEpochs: null,
    commandError: null,
    pace: paceFor(lastDoc),
    imported: null,

    setPace(pace) {
      set({ pace });
      sendPace();
    },

    noteImportedWeights(doc, step) {
      pendingImport = { doc, step };
    },

    load: async () => {
      // "Try again" after a refusal, or a forced reload.
      dispatch({ type: 'retry' });
      await settledLoads();
    },

    async play() {
      set({ commandError: null });
      dispatch({ type: 'play' });
      await settledLoads();
    },

    async pause() {
      dispatch({ type: 'pause' });
    },

    async step(batches = 1) {
      await settledLoads();
      set({ commandError: null });
      stepBody = { type: 'step', batches };
      dispatch({ type: 'step' });
    },

    async stepEpoch() {
      await settledLoads();
      set({ commandError: null });
      stepBody = { type: 'stepEpoch' };
      dispatch({ type: 'step' });
    },

    async reset() {
      await settledLoads();
      set({ commandError: null });
      // What training reached is what an undo of the reset gives back: write it in first (no undo step).
      get().applySnapshotToDocument();
      dispatch({ type: 'reset' });
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
      return writeWeights(get().snapshot, false);
    },

    withLiveWeights(doc) {
      const { snapshot, loaded } = get();
      if (!snapshot || !loaded || !loadedDoc || machine.shown === null || machine.shown !== machine.doc) return doc;
      return applySnapshotWeights(loadedDoc, doc, snapshot.params, loaded.layout);
    },

    dispose() {
      disposed = true;
      unsubscribeTrainer();
      unsubscribeDoc();
      detach();
    },
  }));

  function publish(): void {
    const status = statusOf(machine);
    const state = store.getState();
    const phase = phaseOf(machine);
    if (phase !== state.phase || JSON.stringify(status) !== JSON.stringify(state.status)) {
      store.setState({ status, phase, controls: controlsOf(machine) });
    }
  }

  function dispatch(event: MachineEvent): void {
    queue.push(event);
    if (dispatching) return;
    dispatching = true;
    try {
      while (queue.length > 0 && !disposed) {
        const { machine: next, effects } = transition(machine, queue.shift()!);
        machine = next;
        for (const effect of effects) perform(effect);
      }
    } finally {
      dispatching = false;
    }
    publish();
  }

  function perform(effect: Effect): void {
    const c = client;
    switch (effect.type) {
      case 'load':
        carryNext = effect.carry;
        startLoads();
        return;
      case 'start': {
        if (!c) return;
        const until = store.getState().stopAfterEpochs;
        store.setState({ divergence: null, commandError: null });
        void ask(c, until === null ? { type: 'start' } : { type: 'start', untilEpoch: until }, 'state');
        return;
      }
      case 'pause':
        if (c) void ask(c, { type: 'pause' }, 'state');
        return;
      case 'step':
        store.setState({ divergence: null });
        fire(stepBody);
        return;
      case 'reset': {
        if (!c) return;
        const setup = editor.document.getState().doc.training;
        store.setState({ divergence: null });
        // Fresh weights from the initialiser (the document's own weights when it says so).
        void ask(c, setup.initializer === 'document' ? { type: 'reset' } : { type: 'reset', seed: setup.seed }, 'state');
        return;
      }
      case 'fetch':
        fire({ type: 'snapshot' });
        return;
      case 'clear':
        clearNumbers(effect.keep);
        return;
      case 'show':
        if (incoming) show(incoming);
        return;
      case 'write-weights':
        writeWeights(incoming, effect.undoable);
        return;
    }
  }

  function clearNumbers(keep: number | null): void {
    const state = store.getState();
    stash = keep !== null && state.snapshot ? { rev: keep, history: state.history, divergence: state.divergence, stride, recorded } : null;
    stride = 1;
    recorded = 0;
    store.setState({
      snapshot: null,
      history: emptyHistory(),
      historyVersion: store.getState().historyVersion + 1,
      divergence: null,
      commandError: null,
    });
  }

  function show(snapshot: TrainingSnapshot): void {
    if (stash && stash.rev === machine.shown) {
      // Back to the run that was put aside (an undo of a breaking edit): its chart comes back with it.
      ({ stride, recorded } = stash);
      store.setState({ history: stash.history, divergence: stash.divergence });
    }
    stash = null;
    judgeRate(snapshot);
    store.setState({ snapshot });
    record(snapshot);
    if (snapshot.id > 0) {
      const from = client;
      afterFrame(() => {
        if (from === client && from && !from.disposed) from.send({ type: 'ack', snapshot: snapshot.id });
      });
    }
  }

  /** A rate "trains well" once ten steps at it lowered the loss. */
  function judgeRate(s: TrainingSnapshot): void {
    const loss = s.evaluation.trainLoss;
    if (!Number.isFinite(loss)) return;
    if (!rateRun || rateRun.rate !== s.learningRate || s.step < rateRun.step) {
      rateRun = { rate: s.learningRate, step: s.step, loss };
      return;
    }
    if (s.step - rateRun.step >= 10 && loss < rateRun.loss) goodRate = s.learningRate;
  }

  /**
   * Write the snapshot's weights into the document: silently (a pause: the trainer already has them) or as one undo
   * step (a reset, so Undo gives the trained weights back). Not an edit for the machine either way.
   */
  function writeWeights(snapshot: TrainingSnapshot | null, undoable: boolean): boolean {
    const { loaded } = store.getState();
    if (!snapshot || !loaded || !loadedDoc || machine.held === null || machine.held !== machine.doc) return false;
    const doc = editor.document.getState().doc;
    const next = applySnapshotWeights(loadedDoc, doc, snapshot.params, loaded.layout);
    if (next === doc) return false;
    const keys = documentKeys(doc);
    if (loadedKeys && keys.structure === loadedKeys.structure && keys.data === loadedKeys.data) {
      loadedDoc = { ...next, training: loadedDoc.training };
      loadedKeys = { ...documentKeys(next), training: loadedKeys.training };
    }
    writing = true;
    try {
      if (undoable) edit(editor, () => next);
      else replaceSilently(next);
    } finally {
      writing = false;
      lastDoc = editor.document.getState().doc;
    }
    return true;
  }

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

  /** Replace the document without an undo step and without clearing history (applying a snapshot is no edit). */
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

  function sendPace(): void {
    fire({ type: 'pace', stepsPerSecond: PACE_STEPS_PER_SECOND[store.getState().pace] });
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
    const e = snapshot.evaluation;
    // A reused evaluation is drawn at the step it measured (not as a flat line up to the snapshot's step).
    const step = e.step ?? snapshot.step;
    if (last >= 0 && step < history.step[last]!) {
      // Back to an earlier step (a reset): the old curve no longer describes these weights.
      history = emptyHistory();
      stride = 1;
      recorded = 0;
    }
    const point = [step, e.trainLoss, e.testLoss, e.trainAccuracy ?? null, e.testAccuracy ?? null] as const;
    const columns = [history.step, history.trainLoss, history.testLoss, history.trainAccuracy, history.testAccuracy] as (number | null)[][];
    const end = history.step.length - 1;
    if (end >= 0 && history.step[end] === step) {
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

  /** A file's saved curve, drawn before the trainer adds to it (the trainer goes on from its last step). */
  function seedHistory(doc: NetworkDocument): void {
    const saved = doc.history;
    if (!saved || saved.step.length === 0) return;
    const history: ChartHistory = {
      step: [...saved.step],
      trainLoss: [...saved.trainLoss],
      testLoss: [...saved.testLoss],
      trainAccuracy: saved.testLoss.some((v) => v !== null) ? saved.step.map(() => null) : [...saved.accuracy],
      testAccuracy: saved.testLoss.some((v) => v !== null) ? [...saved.accuracy] : saved.step.map(() => null),
    };
    store.setState({ history, historyVersion: store.getState().historyVersion + 1 });
  }

  function onEvent(event: TrainerEvent): void {
    if (disposed) return;
    switch (event.type) {
      case 'loaded': {
        // Handled here, in event order, so the snapshot right behind it is already taken as the new session's.
        const sent = inFlight;
        if (!sent) return;
        inFlight = null;
        loadedDoc = sent.doc;
        loadedKeys = documentKeys(sent.doc);
        acceptRev = sent.rev;
        const { type: _type, seq: _seq, replyTo: _replyTo, ...info } = event;
        store.setState({ loaded: info });
        if (sent.doc.history && machine.doc === sent.rev) seedHistory(sent.doc);
        dispatch({ type: 'loaded', rev: sent.rev });
        if (machine.held === machine.doc) sendView();
        return;
      }
      case 'snapshot': {
        incoming = event;
        const shownBefore = store.getState().snapshot;
        try {
          dispatch({ type: 'snapshot', rev: acceptRev ?? -1, running: event.running, step: event.step });
        } finally {
          incoming = null;
        }
        // Not for the screen (another document is current): acknowledge it at once, or the stream would stall.
        if (store.getState().snapshot === shownBefore && event.id > 0 && acceptRev !== null) client?.send({ type: 'ack', snapshot: event.id });
        return;
      }
      case 'state':
        dispatch({ type: 'trainer-state', running: event.running, diverged: event.reason === 'diverged', reset: event.reason === 'reset' });
        return;
      case 'diverged':
        if (acceptRev === null || acceptRev !== machine.doc) return;
        {
          const learningRate = store.getState().snapshot?.learningRate ?? editor.document.getState().doc.training.learningRate;
          const suggestedRate = suggestRate(learningRate, goodRate, baseRate);
          store.setState({ divergence: { step: event.step, epoch: event.epoch, where: event.where, message: event.message, learningRate, suggestedRate } });
        }
        dispatch({ type: 'diverged' });
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
    inFlight = null;
    acceptRev = null;
  }

  function attach(next: TrainerClient | null): void {
    if (next === client) return;
    detach();
    client = next;
    if (!next) {
      // The document is untouched; the last numbers stay on screen; Restart is offered (TrainerBanner).
      const connection = trainer.getState().connection;
      const reason = connection.status === 'gone' ? connection.reason : connection.status === 'error' ? connection.message : connection.status === 'hung' ? connection.reason : 'The trainer is not running.';
      if (connection.status === 'hung') dispatch({ type: 'trainer-hung', reason });
      else if (machine.trainer === 'up' || machine.trainer === 'hung') dispatch({ type: 'trainer-gone', reason });
      return;
    }
    stopListening = next.onEvent(onEvent);
    sendPace();
    // A new trainer (first start or restart) knows nothing: give it the document.
    dispatch({ type: 'trainer-up' });
  }

  /** Resolves once no load is under way (Play and Step wait for it). */
  async function settledLoads(): Promise<void> {
    while (loadLoop) await loadLoop;
  }

  /** Give the trainer the current document while the machine wants it; one load at a time. */
  function startLoads(): void {
    if (loadLoop) return;
    loadLoop = (async () => {
      try {
        for (let guard = 0; guard < 1000 && !disposed; guard++) {
          const c = client;
          const m = machine;
          if (!c || !loadable(m) || m.held === m.doc || m.loadError !== null || inFlight) return;
          await loadOnce(c, m.doc);
        }
      } finally {
        loadLoop = null;
      }
    })();
  }

  async function loadOnce(c: TrainerClient, rev: number): Promise<void> {
    const carry = carryNext;
    carryNext = false;
    // Imported weights: this load is theirs if it starts from the document they were written into (taken when sent).
    const importing = pendingImport !== null && pendingImport.doc === editor.document.getState().doc ? pendingImport : null;
    // An edit (not New/Open): keep what training learnt, written in where it still fits.
    const { loaded } = store.getState();
    if (carry && loadedDoc && loaded && machine.held !== null) {
      await ask(c, { type: 'pause' }, 'state');
      const latest = await ask(c, { type: 'snapshot' }, 'snapshot');
      if (c !== client || machine.doc !== rev) return;
      if (latest && loadedDoc) {
        const doc = editor.document.getState().doc;
        const withWeights = applySnapshotWeights(loadedDoc, doc, latest.params, loaded.layout);
        if (withWeights !== doc) {
          writing = true;
          try {
            replaceSilently(withWeights);
            if (importing) importing.doc = editor.document.getState().doc;
          } finally {
            writing = false;
            lastDoc = editor.document.getState().doc;
          }
        }
        // Only when training moved the weights: at step 0 the document's own numbers stay exactly as typed.
        if (latest.step > 0) keepTrainingInHistory(loadedDoc, applySnapshotWeights(loadedDoc, loadedDoc, latest.params, loaded.layout));
      }
    }
    const fresh = isFreshLoad(editor.document.getState().doc);
    let doc = editor.document.getState().doc;
    // A file's history goes with it only when it was just opened (the trainer goes on from its last step).
    if (!fresh && doc.history) doc = { ...doc, history: undefined };
    inFlight = { rev, doc };
    acceptRev = null;
    dispatch({ type: 'load-sent', rev });
    try {
      if (importing && pendingImport === importing) pendingImport = null;
      store.setState({ imported: importing ? { step: importing.step } : null });
      const startStep = importing?.step ?? undefined;
      await c.request({ type: 'load', document: doc, ...(startStep !== undefined ? { startStep } : {}) }, 'loaded', { timeoutMs: loadTimeoutMs });
    } catch (error) {
      if (inFlight?.rev === rev) inFlight = null;
      if (c !== client || disposed) return;
      loadedDoc = null;
      loadedKeys = null;
      store.setState({ loaded: null });
      dispatch({ type: 'load-failed', rev, message: describeError(error) });
    }
  }

  function documentEvent(doc: NetworkDocument, fresh: boolean, sameAsCurrent: boolean, forceNew = false): MachineEvent {
    const keys = documentKeys(doc);
    const sameAsHeld = !forceNew && loadedKeys !== null && keys.structure === loadedKeys.structure && keys.data === loadedKeys.data;
    const d = describeDocument(doc);
    return { type: 'document', fresh: fresh || forceNew, sameAsHeld: sameAsHeld && !fresh, sameAsCurrent: sameAsCurrent && !forceNew, empty: d.empty, problem: d.problem };
  }

  function onDocument(doc: NetworkDocument): void {
    const previous = lastDoc;
    lastDoc = doc;
    if (writing) return;
    const before = documentKeys(previous);
    const keys = documentKeys(doc);
    const sameAsCurrent = keys.structure === before.structure && keys.data === before.data;
    if (sameAsCurrent && keys.training === before.training && !isFreshLoad(doc)) return;
    if (isFreshLoad(doc)) {
      store.getState().setPace(paceFor(doc));
      baseRate = doc.training.learningRate;
      goodRate = null;
      rateRun = null;
    }
    dispatch(documentEvent(doc, isFreshLoad(doc), sameAsCurrent));
    sendSetup(doc);
  }

  /** Hyperparameters go to the trainer as a setup command (no reload) when it holds this document. */
  function sendSetup(doc: NetworkDocument): void {
    const c = client;
    if (!c || !loadedDoc || !loadedKeys || machine.held !== machine.doc) return;
    const training = JSON.stringify(doc.training);
    if (training === loadedKeys.training) return;
    const changes = setupDiff(loadedDoc.training, doc.training);
    if (changes === null) {
      // A field was removed: only a reload can express that.
      dispatch(documentEvent(doc, false, false, true));
      return;
    }
    loadedDoc = { ...loadedDoc, training: doc.training };
    loadedKeys = { ...loadedKeys, training };
    if (Object.keys(changes).length > 0) void ask(c, { type: 'setup', changes }, 'state');
  }

  const unsubscribeTrainer = trainer.subscribe((state) => attach(state.client));
  const unsubscribeDoc = editor.document.subscribe((state, previous) => {
    if (state.doc !== previous.doc) onDocument(state.doc);
  });
  attach(trainer.getState().client);
  publish();

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
