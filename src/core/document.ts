/**
 * The network document: what a .netwright file holds and what the editor edits.
 * The core owns the graph; the renderer owns how it looks (positions are stored here only so a file keeps its layout).
 *
 * Semantics (so neuron-level and layer-level parts mix in one graph):
 * - Every node's output has a shape (`[n]` for a vector), inferred by its kind (src/core/kinds). A Neuron, or an Input
 *   of one feature, outputs shape [1].
 * - A weighted node (Neuron, Dense) sums over its incoming edges. An edge from a source of size m into a node of
 *   n units carries an m×n weight block, stored row-major in `edge.weights` (index i·n + j: source unit i → unit j).
 *   An edge from a scalar into a Neuron carries exactly one weight: `edge.weights[0]`.
 * - Activation and Dropout take one input; Add takes inputs of equal size; Concat concatenates its inputs in the
 *   order of their edges' `order` (absent last), ties in file order (the order of the edge list), so the order is
 *   stable and visible.
 * - Output takes one input and marks it as the network's prediction, with a loss against its target columns.
 */

import type { NodeKind, NodeOfKind } from './kinds';
import type { OptimizerName } from './optimizers';

export const DOCUMENT_FORMAT = 'netwright';
/**
 * Version 2 added the optional training history (AddTrainingHistory); 3 orders Concat inputs by file order
 * (ConcatInFileOrder); 4 adds the optional runs kept for comparison (AddTrainingRuns).
 */
export const DOCUMENT_VERSION = 4;

/** Names saved in files. These strings are the file format: never rename one. */
export const ACTIVATION_NAMES = ['linear', 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'gelu', 'sine', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

export const LOSS_NAMES = ['mse', 'binaryCrossEntropy', 'softmaxCrossEntropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export const INITIALIZER_NAMES = ['glorotUniform', 'glorotNormal', 'he', 'zeros', 'constant', 'document'] as const;
export type InitializerName = (typeof INITIALIZER_NAMES)[number];

/** The optimisers are a table (src/core/optimizers.ts); their names are the file format's. */
export { OPTIMIZER_NAMES, type OptimizerName } from './optimizers';

export interface Position {
  x: number;
  y: number;
}

/**
 * A node: id, type, name and position, then its kind's own fields. The kinds are the table in src/core/kinds
 * (one module per kind); this union is derived from it, never listed here.
 */
export type NetworkNode = { [K in NodeKind]: NodeOfKind<K> }[NodeKind];
export type NodeType = NodeKind;
/** The node of one kind, e.g. `NodeOf<'dense'>`. */
export type NodeOf<K extends NodeKind> = NodeOfKind<K>;
export type InputNode = NodeOf<'input'>;
export type NeuronNode = NodeOf<'neuron'>;
export type DenseNode = NodeOf<'dense'>;
export type ActivationNode = NodeOf<'activation'>;
export type DropoutNode = NodeOf<'dropout'>;
export type AddNode = NodeOf<'add'>;
export type ConcatNode = NodeOf<'concat'>;
export type OutputNode = NodeOf<'output'>;

export interface NetworkEdge {
  /** Stable id. */
  id: string;
  source: string;
  target: string;
  /** Into a weighted node: the m×n block, row-major; absent before the first initialisation. Elsewhere absent. */
  weights?: number[];
  /** Into a Concat: position of this input (ascending), absent last, ties in file order (format version 3). */
  order?: number;
}

export interface LearningRateSchedule {
  kind: 'constant' | 'stepDecay';
  /** stepDecay: multiply the rate by `factor` every `everyEpochs` epochs. */
  factor?: number;
  everyEpochs?: number;
}

export interface TrainingSetup {
  optimizer: OptimizerName;
  learningRate: number;
  schedule: LearningRateSchedule;
  /** momentum: coefficient; nesterov: use the look-ahead form. */
  momentum: number;
  nesterov: boolean;
  /** adam */
  beta1: number;
  beta2: number;
  epsilon: number;
  batchSize: number;
  epochs: number;
  l1: number;
  l2: number;
  /** Clip the global gradient norm to this value; absent: no clipping. */
  clipNorm?: number;
  initializer: InitializerName;
  /** The value for the `constant` initialiser. */
  initialValue?: number;
  seed: number;
}

export type BuiltinDatasetName =
  | 'circle' | 'xor' | 'gaussians' | 'spiral' | 'moons' | 'plane' | 'sine' | 'iris' | 'cars' | 'digits';

export type DataReference =
  | { kind: 'none' }
  | {
      kind: 'builtin';
      name: BuiltinDatasetName;
      noise: number;
      /** Fraction of rows used for training, in (0, 1]. */
      trainRatio: number;
      seed: number;
      /** Number of points for generated sets. */
      samples?: number;
      /** Engineered features used as inputs, e.g. ['x', 'y', 'x2', 'xy']. */
      features?: string[];
    }
  | {
      kind: 'csv';
      /** The file name it came from, for display. */
      fileName: string;
      /** The CSV text itself, embedded so the file is self-contained. */
      text: string;
      /** Column roles by header name. */
      roles: Record<string, 'feature' | 'target' | 'ignored'>;
      standardize: boolean;
      trainRatio: number;
      seed: number;
    };

/**
 * The loss curve so far, one point per entry of each list (all four lists have the same length). A point is taken
 * every so many steps; `null` marks a value that was not measured at that point (no test set, or a regression net
 * without accuracy). Only finite numbers are saved.
 */
export interface TrainingHistory {
  /** Training steps (batches) done when the point was taken, ascending. */
  step: number[];
  trainLoss: number[];
  testLoss: (number | null)[];
  /** Fraction correct, 0…1. */
  accuracy: (number | null)[];
}

/**
 * A finished (or put aside) training run, kept so runs can be compared: its hyper-parameters, the network's size and
 * speed, its loss curve and where it ended.
 */
export interface TrainingRun {
  /** Unique within the file. */
  id: string;
  /** What the learner calls it ("Run 2", "6 hidden layers"). */
  name: string;
  /** The training setup the run ended with. */
  setup: TrainingSetup;
  /** Trainable numbers in the network it trained. */
  parameters: number;
  /** Optimiser steps per second near the end (null: not measured). */
  stepsPerSecond: number | null;
  curve: TrainingHistory;
  final: { step: number; epoch: number; trainLoss: number | null; testLoss: number | null; accuracy: number | null };
}

export interface NetworkDocument {
  format: typeof DOCUMENT_FORMAT;
  version: typeof DOCUMENT_VERSION;
  name: string;
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  training: TrainingSetup;
  data: DataReference;
  /**
   * The next number `newId` (src/core/edit.ts) hands out, so an id is never reused even after its node is deleted.
   * Optional and backward-compatible: when absent, ids continue after the highest numbered id in the document.
   */
  nextId?: number;
  /** The training history (loss curve), if the file keeps one. Since version 2. */
  history?: TrainingHistory;
  /** Runs kept for comparison, oldest first. Since version 4. */
  runs?: TrainingRun[];
}

export const DEFAULT_TRAINING: TrainingSetup = {
  optimizer: 'sgd',
  learningRate: 0.03,
  schedule: { kind: 'constant' },
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  batchSize: 10,
  epochs: 100,
  l1: 0,
  l2: 0,
  initializer: 'glorotUniform',
  seed: 1,
};

export function emptyDocument(name = 'Untitled'): NetworkDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name,
    nodes: [],
    edges: [],
    training: { ...DEFAULT_TRAINING, schedule: { ...DEFAULT_TRAINING.schedule } },
    data: { kind: 'none' },
  };
}
