/**
 * Ready-made networks for the Templates menu. Laid out left to right: one column per layer, 220 px apart,
 * neurons of a column 110 px apart and centred on the same line. Only the worked example ships with weights;
 * the others get theirs at training time from the initialiser.
 *
 * Feature and target names are the data sets' own (src/core/data): 2-D sets give 'x', 'y' and a target 'label'
 * (0/1) or 'value'; Iris gives sepalLength, sepalWidth, petalLength, petalWidth and one target per class.
 */
import {
  DEFAULT_TRAINING, emptyDocument,
  type DataReference, type NetworkDocument, type NetworkEdge, type NetworkNode, type Position, type TrainingSetup,
} from './document';
import { DIGIT_CLASSES, DIGIT_FEATURES, DIGIT_SHAPE } from './data/digits';
import { createNode, type NodeOverrides } from './nodes';
import type { NodeType } from './document';

export interface Template {
  id: string;
  title: string;
  description: string;
  build(): NetworkDocument;
}

export const COLUMN_STEP = 280;
export const ROW_STEP = 160;

/** Position of row `row` of `rows` in column `column`, rows centred on y = 0. */
function at(column: number, row = 0, rows = 1): Position {
  return { x: column * COLUMN_STEP, y: (row - (rows - 1) / 2) * ROW_STEP };
}

/** A small builder: nodes named after their ids, edges numbered e1, e2, … in the order they are added. */
class Builder {
  readonly nodes: NetworkNode[] = [];
  readonly edges: NetworkEdge[] = [];

  node<T extends NodeType>(type: T, id: string, position: Position, overrides?: NodeOverrides<T>): this {
    this.nodes.push(createNode(type, id, position, overrides));
    return this;
  }

  edge(source: string, target: string, weights?: number[]): this {
    const edge: NetworkEdge = { id: `e${this.edges.length + 1}`, source, target };
    if (weights !== undefined) edge.weights = weights;
    this.edges.push(edge);
    return this;
  }

  doc(name: string, training: Partial<TrainingSetup>, data: DataReference): NetworkDocument {
    const base = emptyDocument(name);
    const doc: NetworkDocument = {
      ...base,
      nodes: this.nodes,
      edges: this.edges,
      training: { ...DEFAULT_TRAINING, schedule: { ...DEFAULT_TRAINING.schedule }, ...training },
      data,
    };
    return { ...doc, nextId: this.nodes.length + this.edges.length + 1 };
  }
}

const plane = (name: 'xor' | 'spiral' | 'sine', noise: number, samples: number): DataReference =>
  ({ kind: 'builtin', name, noise, trainRatio: 0.8, seed: 1, samples, features: ['x', 'y'] });

/** The textbook's one training example, x = (1, 2) with target 1, embedded so Step and explain mode have data. */
const WORKED_EXAMPLE_DATA: DataReference = {
  kind: 'csv',
  fileName: 'worked-example.csv',
  text: 'x1,x2,y\n1,2,1\n',
  roles: { x1: 'feature', x2: 'feature', y: 'target' },
  standardize: false,
  trainRatio: 1,
  seed: 1,
};

function workedExample(): NetworkDocument {
  return new Builder()
    .node('input', 'x1', at(0, 0, 2))
    .node('input', 'x2', at(0, 1, 2))
    .node('neuron', 'h1', at(1, 0, 2), { activation: 'relu', bias: 0.3 })
    .node('neuron', 'h2', at(1, 1, 2), { activation: 'relu', bias: -0.1 })
    .node('neuron', 'out', at(2), { activation: 'sigmoid', bias: 0.5 })
    .node('output', 'output', at(3), { loss: 'mse', targets: ['y'] })
    .edge('x1', 'h1', [0.5])
    .edge('x2', 'h1', [-0.3])
    .edge('x1', 'h2', [0.2])
    .edge('x2', 'h2', [0.4])
    .edge('h1', 'out', [1.0])
    .edge('h2', 'out', [-1.0])
    .edge('out', 'output')
    .doc('Worked example', { optimizer: 'sgd', learningRate: 0.1, batchSize: 1, initializer: 'document' }, WORKED_EXAMPLE_DATA);
}

function xor(): NetworkDocument {
  const b = new Builder().node('input', 'x', at(0, 0, 2), { features: ['x'] }).node('input', 'y', at(0, 1, 2), { features: ['y'] });
  for (let i = 1; i <= 4; i++) {
    b.node('neuron', `h${i}`, at(1, i - 1, 4), { activation: 'tanh' });
  }
  b.node('neuron', 'out', at(2), { activation: 'sigmoid' }).node('output', 'output', at(3), { loss: 'binaryCrossEntropy', targets: ['label'] });
  for (let i = 1; i <= 4; i++) b.edge('x', `h${i}`).edge('y', `h${i}`);
  for (let i = 1; i <= 4; i++) b.edge(`h${i}`, 'out');
  b.edge('out', 'output');
  return b.doc('XOR', { optimizer: 'adam', learningRate: 0.03, batchSize: 10, epochs: 200 }, plane('xor', 0, 400));
}

function spiral(): NetworkDocument {
  return new Builder()
    .node('input', 'x', at(0, 0, 2), { features: ['x'] })
    .node('input', 'y', at(0, 1, 2), { features: ['y'] })
    .node('dense', 'hidden1', at(1), { units: 8, activation: 'tanh' })
    .node('dense', 'hidden2', at(2), { units: 8, activation: 'tanh' })
    .node('dense', 'last', at(3), { units: 1, activation: 'sigmoid' })
    .node('output', 'output', at(4), { loss: 'binaryCrossEntropy', targets: ['label'] })
    .edge('x', 'hidden1')
    .edge('y', 'hidden1')
    .edge('hidden1', 'hidden2')
    .edge('hidden2', 'last')
    .edge('last', 'output')
    .doc('Spiral', { optimizer: 'adam', learningRate: 0.01, batchSize: 10, epochs: 500 }, plane('spiral', 0, 500));
}

function iris(): NetworkDocument {
  return new Builder()
    .node('input', 'measurements', at(0), { features: ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'] })
    .node('dense', 'hidden', at(1), { units: 8, activation: 'relu' })
    .node('dense', 'classes', at(2), { units: 3, activation: 'softmax' })
    .node('output', 'species', at(3), { loss: 'softmaxCrossEntropy', targets: ['setosa', 'versicolor', 'virginica'] })
    .edge('measurements', 'hidden')
    .edge('hidden', 'classes')
    .edge('classes', 'species')
    .doc('Iris classifier', { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 200 },
      { kind: 'builtin', name: 'iris', noise: 0, trainRatio: 0.8, seed: 1 });
}

function regression(): NetworkDocument {
  return new Builder()
    .node('input', 'x', at(0, 0, 2), { features: ['x'] })
    .node('input', 'y', at(0, 1, 2), { features: ['y'] })
    .node('dense', 'hidden', at(1), { units: 8, activation: 'tanh' })
    .node('dense', 'last', at(2), { units: 1, activation: 'linear' })
    .node('output', 'output', at(3), { loss: 'mse', targets: ['value'] })
    .edge('x', 'hidden')
    .edge('y', 'hidden')
    .edge('hidden', 'last')
    .edge('last', 'output')
    .doc('Sine regression', { optimizer: 'adam', learningRate: 0.01, batchSize: 10, epochs: 200 }, plane('sine', 0.05, 500));
}

const digits: DataReference = { kind: 'builtin', name: 'digits', noise: 0, trainRatio: 0.8, seed: 1 };

/** 784 pixels → 128 ReLU units → 10 softmax classes. */
function digitsMlp(): NetworkDocument {
  return new Builder()
    .node('input', 'pixels', at(0), { features: [...DIGIT_FEATURES] })
    .node('dense', 'hidden', at(1), { units: 128, activation: 'relu' })
    .node('dense', 'digit', at(2), { units: 10, activation: 'softmax' })
    .node('output', 'output', at(3), { loss: 'softmaxCrossEntropy', targets: [...DIGIT_CLASSES] })
    .edge('pixels', 'hidden')
    .edge('hidden', 'digit')
    .edge('digit', 'output')
    .doc('Digits: MLP', { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 10, initializer: 'he' }, digits);
}

/** [28×28×1] → Conv 8@3×3 → MaxPool 2×2 → Conv 16@3×3 → MaxPool 2×2 → Flatten → Dense 10 softmax. */
function digitsCnn(): NetworkDocument {
  return new Builder()
    .node('input', 'image', at(0), { features: [...DIGIT_FEATURES], shape: [...DIGIT_SHAPE] })
    .node('conv2d', 'conv1', at(1), { filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu' })
    .node('maxPool2d', 'pool1', at(2), { kernelSize: [2, 2], strides: [2, 2], padding: 'valid' })
    .node('conv2d', 'conv2', at(3), { filters: 16, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu' })
    .node('maxPool2d', 'pool2', at(4), { kernelSize: [2, 2], strides: [2, 2], padding: 'valid' })
    .node('flatten', 'flatten', at(5))
    .node('dense', 'digit', at(6), { units: 10, activation: 'softmax' })
    .node('output', 'output', at(7), { loss: 'softmaxCrossEntropy', targets: [...DIGIT_CLASSES] })
    .edge('image', 'conv1')
    .edge('conv1', 'pool1')
    .edge('pool1', 'conv2')
    .edge('conv2', 'pool2')
    .edge('pool2', 'flatten')
    .edge('flatten', 'digit')
    .edge('digit', 'output')
    .doc('Digits: small CNN', { optimizer: 'adam', learningRate: 0.002, batchSize: 32, epochs: 5, initializer: 'he' }, digits);
}

export const TEMPLATES: readonly Template[] = [
  {
    id: 'worked-example',
    title: 'Worked example (2 → 2 → 1)',
    description: 'The textbook network with every weight given: with x1 = 1 and x2 = 2 it outputs 0.45. Change a weight and watch the output move.',
    build: workedExample,
  },
  {
    id: 'xor',
    title: 'XOR',
    description: 'Four tanh neurons learn the XOR pattern, which no single neuron can: a first taste of why hidden layers matter.',
    build: xor,
  },
  {
    id: 'spiral',
    title: 'Spiral (deep net)',
    description: 'Two hidden layers of 8 tanh units untangle two interleaved spirals.',
    build: spiral,
  },
  {
    id: 'iris',
    title: 'Iris classifier',
    description: 'Four flower measurements in, three species out: a small softmax classifier on a real data set.',
    build: iris,
  },
  {
    id: 'regression',
    title: 'Regression (sine)',
    description: 'A hidden tanh layer and a linear output fit a smooth surface with mean squared error.',
    build: regression,
  },
  {
    id: 'digits-mlp',
    title: 'Digits: MLP',
    description: 'Real handwritten digits (MNIST): 784 pixels → 128 ReLU units → 10 classes.',
    build: digitsMlp,
  },
  {
    id: 'digits-cnn',
    title: 'Digits: small CNN',
    description: 'Two convolutions and two max-pools read 28×28 digits; watch the filters form as it learns.',
    build: digitsCnn,
  },
];

export function findTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
