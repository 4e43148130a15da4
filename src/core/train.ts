/**
 * A training session: a compiled network, a data set, an optimiser and the position in the data.
 *
 * One step: gather a batch (a seeded shuffle per epoch), then
 *   forward(batch); loss; backward(loss); optimizer.step(params)
 * and check that nothing became NaN or ±Infinity. If something did, the step is undone (parameters and optimiser
 * state restored to their last good values) and reported as `diverged`, naming where it happened.
 *
 * Deterministic: the same document, data, setup and seed give bit-identical parameters after N steps.
 * Changes through setSetup take effect at the next step; a new batch size at the next batch; a new seed at reset.
 */
import type { NetworkDocument, TrainingSetup } from './document';
import { DEFAULT_TRAINING } from './document';
import type { Dataset, DataSplit } from './data/types';
import { compileNetwork, type CompileOptions, type CompileProblem, type Network } from './network';
import { createOptimizer, optimizerSettings, scheduledLearningRate, type Optimizer, type OptimizerState } from './optimizers';
import { createRng, type Rng } from './random';

export interface SessionState {
  /** Optimiser steps taken since the start (or the last reset). */
  step: number;
  /** Completed epochs. */
  epoch: number;
  /** Training rows already used in the current epoch. */
  sampleInEpoch: number;
}

export type StepResult =
  | { kind: 'ok'; step: number; epoch: number; /** Mean batch loss over the steps just taken. */ loss: number }
  | {
      kind: 'diverged';
      /** The step that failed (it was undone: `state.step` is still the last good one). */
      step: number;
      epoch: number;
      /** 'loss', or the id of the edge or node whose gradient or parameter became non-finite. */
      where: string;
      message: string;
    };

export interface Evaluation {
  trainLoss: number;
  /** null when the test split is empty. */
  testLoss: number | null;
  /** Classification only: binary p ≥ 0.5, multiclass argmax. */
  trainAccuracy?: number;
  testAccuracy?: number;
  /** Classification only: counts[true class][predicted class], on the test split (the training split if it is empty). */
  confusion?: number[][];
  /** Multiclass only: the first test examples (up to MAX_MISCLASSIFIED, in split order) the network gets wrong. */
  misclassified?: Misclassified[];
}

/** A test example the network gets wrong: its row in the test split, the true and the predicted class, and the
 *  predicted probabilities (the output values) of every class. */
export interface Misclassified {
  row: number;
  truth: number;
  guess: number;
  probabilities: number[];
}

export const MAX_MISCLASSIFIED = 24;

export interface TrainingSession {
  readonly net: Network;
  readonly state: Readonly<SessionState>;
  readonly setup: Readonly<TrainingSetup>;
  /** The learning rate the next step uses (base rate under the schedule). */
  readonly learningRate: number;
  stepBatches(n: number): StepResult;
  /** Train to the end of the current epoch. */
  stepEpoch(): StepResult;
  /** Loss and accuracy over the splits; `maxTrainRows` measures the training split on its first rows only (it is
   *  shuffled, so a sample), for live views of large data sets. The test split is always measured whole. */
  evaluate(options?: { maxTrainRows?: number }): Evaluation;
  /** Set the base learning rate (the schedule still applies on top). */
  setLearningRate(lr: number): void;
  setSetup(changes: Partial<TrainingSetup>): void;
  /**
   * Back to the start: step 0, fresh optimiser state, the first shuffle.
   * reset() restores the initial parameters (the document's weights where it has them);
   * reset(seed) initialises every parameter afresh from the initialiser with that seed (and keeps the seed).
   */
  reset(seed?: number): void;
}

export type SessionResult = { ok: true; session: TrainingSession } | { ok: false; problems: CompileProblem[] };

export interface SessionOptions {
  /** Passed to compileNetwork (featureNames and targetNames always come from the data set). */
  compile?: Omit<CompileOptions, 'featureNames' | 'targetNames' | 'seed'>;
  /**
   * Count on from this step (a file saved after training: its history ends there) instead of 0; the epoch follows
   * from the batch size and the training rows. A reset goes back to 0.
   */
  startStep?: number;
}

/**
 * A batch loss this many times the starting loss (or 1, if that is larger) counts as divergence. Healthy training
 * never climbs four orders of magnitude above where it started; a learning rate far too large gets there in a step.
 */
export const EXPLODED_FACTOR = 1e4;

/** Batch sizes whose input buffers a session keeps at once. */
const MAX_BATCH_BUFFERS = 4;

/** Rows evaluated per forward pass in evaluate(). */
const EVAL_CHUNK = 256;

export function createTrainingSession(
  doc: NetworkDocument,
  dataset: Dataset,
  setup?: Partial<TrainingSetup>,
  options: SessionOptions = {},
): SessionResult {
  const current: TrainingSetup = { ...DEFAULT_TRAINING, ...doc.training, ...setup };
  current.schedule = { ...current.schedule };
  const compileOptions = (seed: number, reinitialize: boolean): CompileOptions => ({
    ...options.compile,
    featureNames: dataset.featureNames,
    targetNames: dataset.targetNames,
    seed,
    initializer: current.initializer,
    initialValue: current.initialValue,
    reinitialize: reinitialize || options.compile?.reinitialize === true,
  });
  const compiled = compileNetwork(doc, compileOptions(current.seed, false));
  if (!compiled.ok) return compiled;
  const net = compiled.net;
  const { params, grads, layout } = net;
  const initialParams = params.slice();

  const train = dataset.train;
  const inW = dataset.featureNames.length;
  const outW = dataset.targetNames.length;

  let optimizer: Optimizer = createOptimizer(optimizerSettings(current), layout.size, layout.isWeight);
  const lastGood = new Float32Array(layout.size);
  let lastGoodOptimizer: OptimizerState = optimizer.saveState();

  const state: SessionState = { step: 0, epoch: 0, sampleInEpoch: 0 };
  let shuffleRng: Rng = createRng(0);
  let dropoutRng: Rng = createRng(0);
  /** Forward options of a training step, made once (no allocation per step). */
  const trainingPass: { training: true; rng: Rng } = { training: true, rng: dropoutRng };
  const order = new Uint32Array(train.n);

  /**
   * Batch buffers per batch size (the full size and the last, partial one). The batch size can change at any time,
   * so the cache is bounded: past MAX_BATCH_BUFFERS sizes it starts afresh and keeps only what is in use.
   */
  const batches = new Map<number, { x: Float32Array; y: Float32Array }>();
  const batchBuffers = (size: number) => {
    let b = batches.get(size);
    if (b === undefined) {
      if (batches.size >= MAX_BATCH_BUFFERS) batches.clear();
      // x in the network's arena where it has one: the first layer's products then read it without copying it.
      b = { x: net.floats(size * inW), y: new Float32Array(size * outW) };
      batches.set(size, b);
    }
    return b;
  };

  const shuffle = () => {
    for (let i = 0; i < order.length; i++) order[i] = i;
    shuffleRng.shuffle(order);
  };
  /** The first batch loss since the start or a reset: the scale against which an exploding loss is judged. */
  let referenceLoss = NaN;
  const start = (seed: number) => {
    referenceLoss = NaN;
    shuffleRng = createRng(seed ^ 0x2545f491);
    dropoutRng = createRng(seed ^ 0x68e31da4);
    state.step = 0;
    state.epoch = 0;
    state.sampleInEpoch = 0;
    optimizer.reset();
    shuffle();
  };
  start(current.seed);
  if (options.startStep !== undefined && options.startStep > 0 && Number.isInteger(options.startStep) && train.n > 0) {
    const rows = options.startStep * current.batchSize;
    state.step = options.startStep;
    state.epoch = Math.floor(rows / train.n);
  }

  // Which edge or node owns parameter index k (for divergence messages).
  const owners = [
    ...Object.entries(layout.edges).map(([id, b]) => ({ id, offset: b.offset, end: b.offset + b.rows * b.cols, kind: 'edge' })),
    ...Object.entries(layout.biases).map(([id, b]) => ({ id, offset: b.offset, end: b.offset + b.length, kind: 'node' })),
  ];
  const ownerOf = (k: number) => owners.find((o) => k >= o.offset && k < o.end) ?? { id: 'loss', kind: 'loss' };
  const firstNonFinite = (a: Float32Array): number => {
    for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k]!)) return k;
    return -1;
  };
  const describe = (where: { id: string; kind: string }): string => {
    if (where.kind === 'edge') {
      const edge = doc.edges.find((e) => e.id === where.id);
      const name = (id: string | undefined) => doc.nodes.find((n) => n.id === id)?.name ?? id;
      return `the weights of the connection ${name(edge?.source)} → ${name(edge?.target)}`;
    }
    return `the bias of ${doc.nodes.find((n) => n.id === where.id)?.name ?? where.id}`;
  };

  const learningRate = () => scheduledLearningRate(current, state.epoch);

  const diverged = (stepNumber: number, where: string, message: string) =>
    ({ kind: 'diverged', step: stepNumber, epoch: state.epoch, where, message }) as const;

  /** One optimiser step on the next batch. Returns the batch loss, or a divergence. */
  const step = (): number | Extract<StepResult, { kind: 'diverged' }> => {
    const size = Math.min(Math.max(1, Math.floor(current.batchSize)), train.n - state.sampleInEpoch);
    const { x, y } = batchBuffers(size);
    const tx = train.x;
    const ty = train.y;
    for (let r = 0; r < size; r++) {
      const row = order[state.sampleInEpoch + r]!;
      for (let c = 0; c < inW; c++) x[r * inW + c] = tx[row * inW + c]!;
      for (let c = 0; c < outW; c++) y[r * outW + c] = ty[row * outW + c]!;
    }
    const stepNumber = state.step + 1;

    net.zeroGrads();
    trainingPass.rng = dropoutRng;
    net.forward(x, size, trainingPass);
    const loss = net.loss(y, size);
    if (!Number.isFinite(loss)) {
      return diverged(stepNumber, 'loss', `Training diverged at step ${stepNumber}: the loss became ${loss}. Try a smaller learning rate. The last good weights are kept.`);
    }
    if (Number.isNaN(referenceLoss)) referenceLoss = loss;
    else if (loss > EXPLODED_FACTOR * Math.max(referenceLoss, 1) && state.step > 0) {
      // With bounded activations (tanh, sigmoid) a far too large learning rate never reaches Infinity: the weights
      // grow by lr·|gradient| each step while the loss sits at absurd values. The last update did this: undo it.
      params.set(lastGood);
      optimizer.restoreState(lastGoodOptimizer);
      state.step--;
      return diverged(stepNumber - 1, 'loss', `Training diverged at step ${stepNumber - 1}: the loss jumped to ${loss.toPrecision(3)} (it started near ${referenceLoss.toPrecision(3)}). Try a smaller learning rate. The last good weights are kept.`);
    }
    net.backward(y, size);
    lastGood.set(params);
    lastGoodOptimizer = optimizer.saveState(lastGoodOptimizer);
    optimizer.setLearningRate(learningRate());
    // A non-finite gradient makes its parameter non-finite, so one check after the update catches both.
    if (!optimizer.step(params, grads)) {
      const bad = firstNonFinite(params);
      const owner = ownerOf(bad);
      const value = params[bad];
      const badGrad = firstNonFinite(grads);
      params.set(lastGood);
      optimizer.restoreState(lastGoodOptimizer);
      const what = badGrad >= 0
        ? `the gradient of ${describe(ownerOf(badGrad))} became ${grads[badGrad]}`
        : `${describe(owner)} became ${value}`;
      return diverged(stepNumber, badGrad >= 0 ? ownerOf(badGrad).id : owner.id, `Training diverged at step ${stepNumber}: ${what}. Try a smaller learning rate. The last good weights are kept.`);
    }
    state.step = stepNumber;
    state.sampleInEpoch += size;
    if (state.sampleInEpoch >= train.n) {
      state.epoch++;
      state.sampleInEpoch = 0;
      shuffle();
    }
    return loss;
  };

  const run = (n: number, untilEpochEnds: boolean): StepResult => {
    if (train.n === 0) return { kind: 'ok', step: state.step, epoch: state.epoch, loss: NaN };
    let sum = 0;
    let taken = 0;
    const epochAtStart = state.epoch;
    while (untilEpochEnds ? state.epoch === epochAtStart : taken < n) {
      const result = step();
      if (typeof result !== 'number') return result;
      sum += result;
      taken++;
    }
    return { kind: 'ok', step: state.step, epoch: state.epoch, loss: taken > 0 ? sum / taken : NaN };
  };

  /** Loss and accuracy over one split; confusion counts if asked. */
  const measure = (split: DataSplit, confusion: number[][] | null, wrong: Misclassified[] | null = null) => {
    const classes = dataset.task === 'multiclass' ? net.outputSize : dataset.task === 'binary' ? 2 : 0;
    const cols = net.targetColumns;
    let lossSum = 0;
    let correct = 0;
    for (let r0 = 0; r0 < split.n; r0 += EVAL_CHUNK) {
      const rows = Math.min(EVAL_CHUNK, split.n - r0);
      const p = net.forward(split.x.subarray(r0 * inW, (r0 + rows) * inW), rows);
      const y = split.y.subarray(r0 * outW, (r0 + rows) * outW);
      lossSum += net.loss(y, rows) * rows;
      if (classes === 0) continue;
      const k = net.outputSize;
      for (let r = 0; r < rows; r++) {
        let truth: number;
        let guess: number;
        if (dataset.task === 'binary') {
          truth = y[r * outW + cols[0]!]! >= 0.5 ? 1 : 0;
          guess = p[r * k]! >= 0.5 ? 1 : 0;
        } else {
          truth = 0;
          guess = 0;
          for (let j = 1; j < k; j++) {
            if (y[r * outW + cols[j]!]! > y[r * outW + cols[truth]!]!) truth = j;
            if (p[r * k + j]! > p[r * k + guess]!) guess = j;
          }
        }
        if (truth === guess) correct++;
        else if (wrong && dataset.task === 'multiclass' && wrong.length < MAX_MISCLASSIFIED) {
          wrong.push({ row: r0 + r, truth, guess, probabilities: Array.from(p.subarray(r * k, (r + 1) * k)) });
        }
        if (confusion) confusion[truth]![guess]!++;
      }
    }
    return { loss: split.n > 0 ? lossSum / split.n : NaN, accuracy: split.n > 0 ? correct / split.n : NaN, classes };
  };

  const session: TrainingSession = {
    net,
    get state() {
      return state;
    },
    get setup() {
      return current;
    },
    get learningRate() {
      return learningRate();
    },
    stepBatches: (n) => run(Math.max(0, Math.floor(n)), false),
    stepEpoch: () => run(0, true),
    evaluate(options = {}) {
      const classification = dataset.task !== 'regression';
      const classes = dataset.task === 'multiclass' ? net.outputSize : 2;
      const confusion = classification ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) : null;
      const hasTest = dataset.test.n > 0;
      const cap = options.maxTrainRows;
      const trainPart = cap !== undefined && cap < train.n
        ? { n: cap, x: train.x.subarray(0, cap * inW), y: train.y.subarray(0, cap * outW) }
        : train;
      const trainM = measure(trainPart, hasTest ? null : confusion);
      const wrong: Misclassified[] | null = dataset.task === 'multiclass' && hasTest ? [] : null;
      const testM = hasTest ? measure(dataset.test, confusion, wrong) : null;
      const result: Evaluation = { trainLoss: trainM.loss, testLoss: testM ? testM.loss : null };
      if (classification) {
        result.trainAccuracy = trainM.accuracy;
        if (testM) result.testAccuracy = testM.accuracy;
        result.confusion = confusion!;
        if (wrong) result.misclassified = wrong;
      }
      return result;
    },
    setLearningRate(lr) {
      current.learningRate = lr;
    },
    setSetup(changes) {
      const kindChanged = changes.optimizer !== undefined && changes.optimizer !== current.optimizer;
      Object.assign(current, changes);
      if (changes.schedule) current.schedule = { ...changes.schedule };
      if (kindChanged) optimizer = createOptimizer(optimizerSettings(current), layout.size, layout.isWeight);
      else {
        const { kind: _kind, ...rest } = optimizerSettings(current);
        optimizer.configure(rest);
      }
      lastGoodOptimizer = optimizer.saveState();
    },
    reset(seed) {
      if (seed === undefined) {
        params.set(initialParams);
      } else {
        current.seed = seed;
        const fresh = compileNetwork(doc, compileOptions(seed, true));
        // The document compiled once already, so it compiles again; keep the old parameters if it somehow does not.
        if (fresh.ok) params.set(fresh.net.params);
      }
      grads.fill(0);
      start(current.seed);
    },
  };
  return { ok: true, session };
}
