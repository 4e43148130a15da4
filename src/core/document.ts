/**
 * The network document: what a .netwright file holds and what the editor edits.
 * The core owns the graph; the renderer owns how it looks (positions are stored here only so a file keeps its layout).
 *
 * Semantics (so neuron-level and layer-level parts mix in one graph):
 * - Every node outputs a vector. A Neuron, or an Input of one feature, outputs a vector of size 1.
 * - A weighted node (Neuron, Dense) sums over its incoming edges. An edge from a source of size m into a node of
 *   n units carries an m×n weight block, stored row-major in `edge.weights` (index i·n + j: source unit i → unit j).
 *   An edge from a scalar into a Neuron carries exactly one weight: `edge.weights[0]`.
 * - Activation and Dropout take one input; Add takes inputs of equal size; Concat concatenates its inputs in the
 *   order of their edges' `order` (absent last), ties in file order (the order of the edge list), so the order is
 *   stable and visible.
 * - Output takes one input and marks it as the network's prediction, with a loss against its target columns.
 */

export const DOCUMENT_FORMAT = 'netwright';
/** Version 2 added the optional training history (AddTrainingHistory); 3 orders Concat inputs by file order (ConcatInFileOrder). */
export const DOCUMENT_VERSION = 3;

/** Names saved in files. These strings are the file format: never rename one. */
export const ACTIVATION_NAMES = ['linear', 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'gelu', 'sine', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

export const LOSS_NAMES = ['mse', 'binaryCrossEntropy', 'softmaxCrossEntropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export const INITIALIZER_NAMES = ['glorotUniform', 'glorotNormal', 'he', 'zeros', 'constant', 'document'] as const;
export type InitializerName = (typeof INITIALIZER_NAMES)[number];

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface Position {
  x: number;
  y: number;
}

interface NodeBase {
  /** Stable id: never reused within a document, kept through save/load, edits and expand/collapse. */
  id: string;
  /** What the user calls it ("x1", "h1", "hidden 1"); shown on the canvas. */
  name: string;
  position: Position;
}

export interface InputNode extends NodeBase {
  type: 'input';
  /** The feature names this input feeds: one name for a scalar input, k names for a feature vector. */
  features: string[];
}

export interface NeuronNode extends NodeBase {
  type: 'neuron';
  activation: ActivationName;
  bias: number;
}

export interface DenseNode extends NodeBase {
  type: 'dense';
  units: number;
  activation: ActivationName;
  useBias: boolean;
  /** One bias per unit, or absent before the first initialisation. */
  bias?: number[];
}

export interface ActivationNode extends NodeBase {
  type: 'activation';
  activation: ActivationName;
}

export interface DropoutNode extends NodeBase {
  type: 'dropout';
  /** Fraction of units dropped while training, in [0, 1). */
  rate: number;
}

export interface AddNode extends NodeBase {
  type: 'add';
}

export interface ConcatNode extends NodeBase {
  type: 'concat';
}

export interface OutputNode extends NodeBase {
  type: 'output';
  loss: LossName;
  /** The target column names this output is compared with: one per output unit. */
  targets: string[];
}

export type NetworkNode = InputNode | NeuronNode | DenseNode | ActivationNode | DropoutNode | AddNode | ConcatNode | OutputNode;
export type NodeType = NetworkNode['type'];

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
  | 'circle' | 'xor' | 'gaussians' | 'spiral' | 'moons' | 'plane' | 'sine' | 'iris' | 'cars';

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
