/**
 * The training commands of the trainer host: load, setup, start/pause, step, stepEpoch, reset, snapshot, ack, view.
 *
 * Training runs at full speed in slices of about SLICE_MS, yielding between slices so commands get in. After each
 * slice the snapshot pacer is told that the state changed; it sends a fresh snapshot only when the client has
 * acknowledged the previous one (latest wins), so a busy window never makes this process queue messages.
 */
import { PLANE_EXTENT, digitsIfLoaded, loadDataset, prepareDataset, type Dataset } from '../core/data';
import { DEFAULT_TRAINING, type NetworkDocument } from '../core/document';
import { checkDocument, checkSchema, documentSchema } from '../core/schema';
import { trainingMemoryProblem } from '../core/trainingMemory';
import { createTrainingSession, type Evaluation, type StepResult, type TrainingSession } from '../core/train';
import { validateDocument, type ValidationReport } from '../core/validate';
import { diagnose } from '../core/diagnostics';
import type { EvaluationSnapshot, ParameterLayout, SnapshotDiagnostics, StateReason, TrainingSnapshot } from '../shared/protocol';
import type { HandlerContext, HandlerTable } from './host';
import { AckPacer } from './pacer';
import { createYielder, type Yielder } from './schedule';

/** Target duration of one slice of training between two looks at the message queue. */
const SLICE_MS = 12;
/** The whole-data-set evaluation in a snapshot is reused for this long while training runs. */
const EVALUATION_MAX_AGE_MS = 100;
/** Live training metrics measure at most this many (shuffled) training rows, so a large set keeps the trainer
 *  answering; the test split is measured whole. */
const LIVE_TRAIN_ROWS = 2000;
/** Steps per second are measured over windows of about this length. */
const RATE_WINDOW_MS = 1000;
/** Diagnostics (dead units, gradient flags) are recomputed at most this often while training runs. */
const DIAGNOSTICS_MAX_AGE_MS = 500;

export interface SessionHandlersOptions {
  /** Milliseconds, monotonic enough for rates. Default: Date.now. */
  now?: () => number;
  /** Default: a MessageChannel-based yielder. */
  yielder?: Yielder;
  /** How many snapshots may await an ack (default 1). */
  snapshotWindow?: number;
  /** Runs `task` after `ms` milliseconds (a paced run waits for its next step). Default: the global setTimeout. */
  delay?: (task: () => void, ms: number) => void;
}

function defaultDelay(task: () => void, ms: number): void {
  (globalThis as unknown as { setTimeout: (fn: () => void, ms: number) => unknown }).setTimeout(task, ms);
}

export interface SessionHandlers {
  handlers: HandlerTable;
  /** Stop training and release the scheduler (call from the host's onDispose). */
  dispose(): void;
}

interface Loaded {
  session: TrainingSession;
  dataset: Dataset;
  /** 2-D plane data: heatmaps are meaningful. */
  plane: boolean;
  /** Edges without a weight block into an image node: edge id → its target (their pulses need its gradient). */
  imageEdges: Record<string, string>;
}

/**
 * The edges whose gradient pulse cannot come from a weight block: edges into a node that reads or makes an image
 * (an input or output shape of rank 3) and carry no weights of their own. Edge id → target node id.
 */
export function imageEdgeTargets(net: Pick<TrainingSession['net'], 'analysis' | 'layout'>): Record<string, string> {
  const { incoming, shapes } = net.analysis;
  const out: Record<string, string> = {};
  for (const [target, edges] of Object.entries(incoming)) {
    const image = shapes[target]?.length === 3 || edges.some((e) => shapes[e.source]?.length === 3);
    if (!image) continue;
    for (const e of edges) if (net.layout.edges[e.id] === undefined) out[e.id] = target;
  }
  return out;
}

export function createSessionHandlers(options: SessionHandlersOptions = {}): SessionHandlers {
  const now = options.now ?? Date.now;
  const yielder = options.yielder ?? createYielder();
  const delay = options.delay ?? defaultDelay;
  /** At most this many steps a second while running (null: as fast as it goes), and the run it is counted over. */
  let paceLimit: number | null = null;
  let paced = { since: 0, steps: 0 };
  let loaded: Loaded | undefined;
  let running = false;
  let untilEpoch: number | undefined;
  /** Who to send unsolicited events to: the context of the last command (the host stamps seq either way). */
  let channel: HandlerContext | undefined;
  let loopScheduled = false;
  let batchesPerSlice = 1;
  /**
   * A `step` or `stepEpoch` under way: it runs in slices like `start`, so pause, acks and pings get in between
   * (a step of 1,000,000 batches would otherwise hold the trainer for minutes). `epoch`: until this epoch is reached.
   */
  let stepping: { remaining: number } | { epoch: number } | undefined;
  let lossSum = 0;
  let lossCount = 0;
  let rate = { since: 0, steps: 0, value: 0 };
  let evaluation: { at: number; step: number; value: EvaluationSnapshot } | undefined;
  let diagnostics: { at: number; step: number; value: SnapshotDiagnostics } | undefined;
  /** The loss of the last batch whose gradient is in net.grads (null: no step since load or reset). */
  let lastBatchLoss: number | null = null;
  let view: { heatmaps?: { nodeIds: string[]; resolution: number }; example?: Float32Array } = {};

  const pacer = new AckPacer<Omit<TrainingSnapshot, 'id'>>({
    window: options.snapshotWindow ?? 1,
    produce: () => produceSnapshot(),
    send: (snapshot, id) => channel?.send({ type: 'snapshot', id, ...snapshot }),
  });

  /** How long the last whole-data-set evaluation took (ms). */
  let evaluationCost = 0;

  function evaluate(force: boolean): EvaluationSnapshot {
    const { session } = loaded!;
    const t = now();
    // While running, an evaluation is reused for EVALUATION_MAX_AGE_MS, or for 9× what it took when that is longer:
    // a large data set (10,000 digits through a CNN take seconds) then costs at most a tenth of the training time.
    const maxAge = Math.max(EVALUATION_MAX_AGE_MS, 9 * evaluationCost);
    if (!force && evaluation && (evaluation.step === session.state.step || (running && t - evaluation.at < maxAge))) {
      return evaluation.value;
    }
    const value = { step: session.state.step, ...toSnapshot(session.evaluate({ maxTrainRows: LIVE_TRAIN_ROWS })) };
    evaluationCost = now() - t;
    evaluation = { at: t, step: session.state.step, value };
    return value;
  }

  function produceSnapshot(): Omit<TrainingSnapshot, 'id'> {
    const { session, plane, imageEdges } = loaded!;
    const { net } = session;
    // Read before anything else runs the network (an evaluation or diagnostics never run a backward, but be plain).
    const edgeGrads = imageEdgeGrads(net, imageEdges, lastBatchLoss !== null);
    const snapshot: Omit<TrainingSnapshot, 'id'> = {
      step: session.state.step,
      epoch: session.state.epoch,
      running,
      learningRate: session.learningRate,
      params: net.params.slice(),
      grads: net.grads.slice(),
      evaluation: evaluate(false),
      batchLoss: lossCount > 0 ? lossSum / lossCount : null,
      stepsPerSecond: running ? rate.value : 0,
    };
    if (edgeGrads) snapshot.edgeGrads = edgeGrads;
    snapshot.diagnostics = currentDiagnostics();
    lossSum = 0;
    lossCount = 0;
    if (plane && view.heatmaps && view.heatmaps.nodeIds.length > 0) {
      const known = view.heatmaps.nodeIds.filter((id) => net.analysis.sizes[id] !== undefined);
      try {
        snapshot.heatmaps = net.gridOutputs(known, {
          xRange: [-PLANE_EXTENT, PLANE_EXTENT],
          yRange: [-PLANE_EXTENT, PLANE_EXTENT],
          resolution: view.heatmaps.resolution,
        });
        snapshot.heatmapExtent = PLANE_EXTENT;
      } catch (error) {
        // A grid of a huge layer can exceed memory: drop the heatmaps (once, with a word why), keep the snapshot.
        view = { ...view, heatmaps: undefined };
        channel?.send({ type: 'error', code: 'internal', message: `Heatmaps are off: ${describe(error)}` });
      }
    }
    if (view.example && view.example.length === net.inputSize) {
      const trace = net.trace(view.example);
      snapshot.trace = Object.fromEntries(
        Object.entries(trace).map(([id, t]) => [id, { z: t.z ? Array.from(t.z) : null, a: Array.from(t.a) }]),
      );
    }
    return snapshot;
  }

  function currentDiagnostics(): SnapshotDiagnostics {
    const { session, dataset } = loaded!;
    const t = now();
    if (diagnostics && (diagnostics.step === session.state.step || (running && t - diagnostics.at < DIAGNOSTICS_MAX_AGE_MS))) {
      return diagnostics.value;
    }
    const value = diagnose(session.net, dataset.train.x, dataset.train.n, { loss: lastBatchLoss });
    diagnostics = { at: t, step: session.state.step, value };
    return value;
  }

  function sendState(reason: StateReason, context?: HandlerContext): void {
    if (!loaded) return;
    const { session } = loaded;
    const body = {
      type: 'state' as const,
      running,
      step: session.state.step,
      epoch: session.state.epoch,
      reason,
      setup: { ...session.setup, schedule: { ...session.setup.schedule } },
    };
    if (context) context.reply(body);
    else channel?.send(body);
  }

  /** Record a step result; on divergence stop and say so. Returns false when training must stop. */
  function record(result: StepResult): boolean {
    if (result.kind === 'ok') {
      if (Number.isFinite(result.loss)) {
        lastBatchLoss = result.loss;
        lossSum += result.loss;
        lossCount++;
      }
      return true;
    }
    running = false;
    channel?.send({ type: 'diverged', step: result.step, epoch: result.epoch, where: result.where, message: result.message });
    sendState('diverged');
    pacer.changed();
    return false;
  }

  function scheduleLoop(): void {
    if (loopScheduled || (!running && !stepping)) return;
    loopScheduled = true;
    yielder.schedule(loop);
  }

  /** One slice of training. Runs outside any command handler, so nothing above would catch a throw: catch it here. */
  function loop(): void {
    loopScheduled = false;
    try {
      if (stepping && !running) stepSlice();
      else trainSlice();
    } catch (error) {
      stepping = undefined;
      stopRunning();
      channel?.send({ type: 'error', code: 'internal', message: `Training stopped: ${describe(error)}` });
      sendState('paused');
    }
  }

  function trainSlice(): void {
    if (!running || !loaded) return;
    const { session } = loaded;
    const t0 = now();
    const stepsBefore = session.state.step;
    let batches = batchesPerSlice;
    if (paceLimit !== null) {
      // Paced: only the steps that are due by now; with none due, wait for the next one instead of spinning.
      if (paced.since === 0) paced = { since: t0, steps: 0 };
      const due = Math.floor(((t0 - paced.since) * paceLimit) / 1000) + 1 - paced.steps;
      if (due <= 0) {
        loopScheduled = true;
        delay(loop, Math.max(1, Math.ceil(1000 / paceLimit)));
        return;
      }
      batches = Math.min(batches, due);
    }
    if (untilEpoch !== undefined) {
      // Never run past the requested epoch: at most the rest of this epoch.
      const perEpoch = Math.ceil(loaded.dataset.train.n / session.setup.batchSize);
      const rowsLeft = loaded.dataset.train.n - session.state.sampleInEpoch;
      batches = Math.max(1, Math.min(batches, Math.ceil(rowsLeft / session.setup.batchSize) || perEpoch));
    }
    if (!record(session.stepBatches(batches))) return;
    const elapsed = now() - t0;
    // Aim for SLICE_MS per slice; grow or shrink by at most 2× at a time (grow only when a slice was full: a paced
    // run or the end of an epoch says nothing about how many batches fit in a slice).
    if (elapsed < SLICE_MS / 2 && batches === batchesPerSlice) batchesPerSlice = Math.min(batchesPerSlice * 2, 1 << 20);
    else if (elapsed > SLICE_MS * 2) batchesPerSlice = Math.max(1, batchesPerSlice >> 1);
    updateRate(session.state.step - stepsBefore);
    paced.steps += session.state.step - stepsBefore;
    if (untilEpoch !== undefined && session.state.epoch >= untilEpoch) {
      running = false;
      untilEpoch = undefined;
      evaluation = undefined;
      sendState('epochs-reached');
    }
    pacer.changed();
    scheduleLoop();
  }

  /** One slice of a `step` or `stepEpoch`; the snapshot follows the last slice. */
  function stepSlice(): void {
    if (!stepping || !loaded) return;
    const { session } = loaded;
    const t0 = now();
    let batches: number;
    if ('remaining' in stepping) {
      batches = Math.min(stepping.remaining, batchesPerSlice);
    } else {
      const rowsLeft = loaded.dataset.train.n - session.state.sampleInEpoch;
      batches = Math.max(1, Math.min(batchesPerSlice, Math.ceil(rowsLeft / session.setup.batchSize) || 1));
    }
    const result = session.stepBatches(batches);
    if (!record(result)) {
      stepping = undefined;
      return;
    }
    const elapsed = now() - t0;
    if (elapsed < SLICE_MS / 2) batchesPerSlice = Math.min(batchesPerSlice * 2, 1 << 20);
    else if (elapsed > SLICE_MS * 2) batchesPerSlice = Math.max(1, batchesPerSlice >> 1);
    if ('remaining' in stepping) {
      stepping.remaining -= batches;
      if (stepping.remaining <= 0) stepping = undefined;
    } else if (session.state.epoch >= stepping.epoch || loaded.dataset.train.n === 0) {
      stepping = undefined;
    }
    // The snapshot comes when the step is done ("take n steps, then send a snapshot").
    if (!stepping) pacer.changed();
    else scheduleLoop();
  }

  function updateRate(steps: number): void {
    const t = now();
    if (rate.since === 0) rate = { since: t, steps: 0, value: rate.value };
    rate.steps += steps;
    const span = t - rate.since;
    if (span >= RATE_WINDOW_MS) rate = { since: t, steps: 0, value: (rate.steps / span) * 1000 };
  }

  /** Commands that need a loaded session say so, instead of failing obscurely. */
  function need(context: HandlerContext): Loaded | undefined {
    channel = context;
    if (!loaded) context.fail('not-loaded', 'load a network and its data first');
    return loaded;
  }

  function stopRunning(): void {
    running = false;
    stepping = undefined;
    untilEpoch = undefined;
    rate = { since: 0, steps: 0, value: 0 };
  }

  /** The loaded network's validation report: a later setup change is checked against the memory limit with it. */
  let loadedReport: Pick<ValidationReport, 'parameterCount' | 'sizes' | 'workspacePerExample'> | undefined;

  let digitsTried = false;
  const handlers: HandlerTable = {
    load(command, context) {
      channel = context;
      const checked = checkDocument(command.document, ['document']);
      if (!checked.ok) {
        context.fail('invalid-document', checked.message);
        return;
      }
      const doc = checked.value as NetworkDocument;
      const report = validateDocument(doc);
      if (report.errors.length > 0) {
        context.fail('invalid-document', report.errors.map((p) => p.message).join(' '));
        return;
      }
      // Refuse before allocating anything: a trainer out of memory takes its process (in a browser, the tab) with it.
      const tooBig = trainingMemoryProblem(report, { ...DEFAULT_TRAINING, ...doc.training });
      if (tooBig) {
        context.fail('invalid-document', tooBig);
        return;
      }
      let dataRef = doc.data;
      if (command.data !== undefined) {
        const data = checkSchema(documentSchema.shape.data, command.data, ['data']);
        if (!data.ok) {
          context.fail('invalid-document', data.message);
          return;
        }
        dataRef = data.value as NetworkDocument['data'];
      }
      // The digits' asset is imported on first use: load it, then take this command again (once).
      if (dataRef.kind === 'builtin' && dataRef.name === 'digits' && digitsIfLoaded() === null && !digitsTried) {
        digitsTried = true;
        void prepareDataset(dataRef).then(() => handlers.load!(command, context));
        return;
      }
      const made = loadDataset(dataRef);
      if (!made.ok) {
        context.fail('data-error', made.message);
        return;
      }
      // Imported weights go on from the step they were trained to; a file saved after training from where its history ends.
      const startStep = command.startStep ?? doc.history?.step.at(-1);
      const created = createTrainingSession(doc, made.dataset, undefined, startStep !== undefined ? { startStep } : {});
      if (!created.ok) {
        context.fail('invalid-document', created.problems.map((p) => p.message).join(' '));
        return;
      }
      stopRunning();
      loadedReport = report;
      loaded = { session: created.session, dataset: made.dataset, plane: made.plane !== undefined, imageEdges: imageEdgeTargets(created.session.net) };
      evaluation = undefined;
      diagnostics = undefined;
      lastBatchLoss = null;
      lossSum = 0;
      lossCount = 0;
      batchesPerSlice = 1;
      const { net } = created.session;
      const layout: ParameterLayout = {
        size: net.layout.size,
        edges: { ...net.layout.edges },
        biases: { ...net.layout.biases },
        nodes: { ...net.layout.nodes },
      };
      context.reply({
        type: 'loaded',
        layout,
        featureNames: [...made.dataset.featureNames],
        targetNames: [...made.dataset.targetNames],
        task: made.dataset.task,
        trainSize: made.dataset.train.n,
        testSize: made.dataset.test.n,
        notes: made.notes,
        setup: { ...created.session.setup, schedule: { ...created.session.setup.schedule } },
      });
      // Only after the reply: a reset may flush a pending snapshot at once, and the client takes snapshots of the new
      // session only once it has heard `loaded` (one sent before would never be acknowledged and stall the stream).
      pacer.reset();
      pacer.changed();
    },

    setup(command, context) {
      const l = need(context);
      if (!l) return;
      const { learningRate, ...rest } = command.changes;
      if (loadedReport && (rest.batchSize !== undefined || rest.optimizer !== undefined)) {
        const tooBig = trainingMemoryProblem(loadedReport, { ...l.session.setup, ...rest });
        if (tooBig) {
          context.fail('invalid-document', tooBig);
          return;
        }
      }
      if (Object.keys(rest).length > 0) l.session.setSetup(rest);
      if (learningRate !== undefined) l.session.setLearningRate(learningRate);
      sendState('setup', context);
      // The window shows the trainer's rate: let it see the new one now, not at the next step.
      pacer.changed();
    },

    start(command, context) {
      const l = need(context);
      if (!l) return;
      if (command.untilEpoch !== undefined && l.session.state.epoch >= command.untilEpoch) {
        sendState('epochs-reached', context);
        return;
      }
      untilEpoch = command.untilEpoch;
      if (!running) {
        running = true;
        // The evaluation's cost sets how long a running evaluation is reused (9× its cost). The one made at load or
        // while paused ran on a cold network (first passes, allocations) and can cost several times a warm one: the
        // digits CNN then showed its step-0 accuracy for 40 s of training. Measure afresh once training runs.
        evaluationCost = 0;
        rate = { since: 0, steps: 0, value: 0 };
        paced = { since: 0, steps: 0 };
      }
      sendState('started', context);
      scheduleLoop();
    },

    pause(_command, context) {
      const l = need(context);
      if (!l) return;
      stopRunning();
      evaluation = undefined;
      sendState('paused', context);
      pacer.changed();
    },

    step(command, context) {
      const l = need(context);
      if (!l) return;
      if (running) {
        // Already training: take the batches now, as before (they are few next to what the loop takes).
        if (record(l.session.stepBatches(Math.min(command.batches, batchesPerSlice)))) pacer.changed();
        return;
      }
      const pending = stepping && 'remaining' in stepping ? stepping.remaining : 0;
      stepping = { remaining: pending + command.batches };
      stepSlice();
    },

    stepEpoch(_command, context) {
      const l = need(context);
      if (!l) return;
      if (running) {
        if (record(l.session.stepEpoch())) pacer.changed();
        return;
      }
      stepping = { epoch: l.session.state.epoch + 1 };
      stepSlice();
    },

    reset(command, context) {
      const l = need(context);
      if (!l) return;
      stopRunning();
      l.session.reset(command.seed);
      evaluation = undefined;
      diagnostics = undefined;
      lastBatchLoss = null;
      lossSum = 0;
      lossCount = 0;
      sendState('reset', context);
      pacer.changed();
    },

    pace(command, context) {
      channel = context;
      paceLimit = command.stepsPerSecond;
      paced = { since: 0, steps: 0 };
      context.reply({ type: 'pong', payload: 'pace' });
    },

    snapshot(_command, context) {
      const l = need(context);
      if (!l) return;
      context.reply({ type: 'snapshot', id: 0, ...produceSnapshot() });
    },

    ack(command, context) {
      channel = context;
      pacer.ack(command.snapshot);
    },

    view(command, context) {
      channel = context;
      if (command.heatmaps !== undefined) view = { ...view, heatmaps: command.heatmaps ?? undefined };
      if (command.example !== undefined) view = { ...view, example: command.example ? Float32Array.from(command.example) : undefined };
      if (loaded) pacer.changed();
    },
  };

  return {
    handlers,
    dispose() {
      stopRunning();
      loaded = undefined;
      yielder.dispose();
    },
  };
}

/** Each image edge's gradient size from the last batch (undefined when there are none, or no step since load/reset). */
function imageEdgeGrads(net: TrainingSession['net'], edges: Record<string, string>, stepped: boolean): Record<string, number> | undefined {
  const ids = Object.keys(edges);
  if (!stepped || ids.length === 0) return undefined;
  const byNode = net.outputGradientSizes([...new Set(Object.values(edges))]);
  const out: Record<string, number> = {};
  for (const id of ids) {
    const g = byNode[edges[id]!];
    if (g !== undefined) out[id] = g;
  }
  return out;
}

function toSnapshot(e: Evaluation): EvaluationSnapshot {
  const out: EvaluationSnapshot = { trainLoss: e.trainLoss, testLoss: e.testLoss };
  if (e.trainAccuracy !== undefined) out.trainAccuracy = e.trainAccuracy;
  if (e.testAccuracy !== undefined) out.testAccuracy = e.testAccuracy;
  if (e.confusion) out.confusion = e.confusion;
  if (e.misclassified) out.misclassified = e.misclassified;
  return out;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
