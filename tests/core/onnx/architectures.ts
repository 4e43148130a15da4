/** Networks of several shapes for the ONNX tests: neuron-level, Dense stacks, Add and Concat skips, every activation. */
import { ACTIVATION_NAMES, type ActivationName, type NetworkDocument } from '../../../src/core/document';
import { findTemplate } from '../../../src/core/templates';
import { build, node } from '../helpers/build';

export interface Architecture {
  title: string;
  doc: NetworkDocument;
}

/** Two features → Dense(3, act) → Dense(2 or 1) → Output. */
function denseStack(act: ActivationName): NetworkDocument {
  const softmax = act === 'softmax';
  return build([
    node('input', 'x', { features: ['a', 'b'] }),
    node('dense', 'h', { units: 3, activation: act }),
    node('dense', 'o', { units: softmax ? 1 : 2, activation: 'linear' }),
    node('output', 'out', { loss: 'mse', targets: softmax ? ['t'] : ['t1', 't2'] }),
  ], [['x', 'h'], ['h', 'o'], ['o', 'out']]);
}

/** Each activation as a standalone Activation node after a Dense. */
function activationNode(act: ActivationName): NetworkDocument {
  return build([
    node('input', 'x', { features: ['a', 'b', 'c'] }),
    node('dense', 'h', { units: 4, activation: 'linear' }),
    node('activation', 'f', { activation: act }),
    node('output', 'out', { loss: 'mse', targets: ['p', 'q', 'r', 's'] }),
  ], [['x', 'h'], ['h', 'f'], ['f', 'out']]);
}

function skips(): NetworkDocument {
  return build([
    node('input', 'x1', { features: ['a'] }),
    node('input', 'x2', { features: ['b', 'c'] }),
    node('dense', 'h1', { units: 3, activation: 'tanh' }),
    node('dense', 'h2', { units: 3, activation: 'relu' }),
    node('add', 'sum'),
    node('concat', 'cat'),
    node('dropout', 'drop', { rate: 0.5 }),
    node('dense', 'o', { units: 2, activation: 'softmax' }),
    node('output', 'out', { loss: 'softmaxCrossEntropy', targets: ['k0', 'k1'] }),
  ], [
    ['x1', 'h1'], ['x2', 'h1'], ['h1', 'h2'], ['h1', 'sum'], ['h2', 'sum'],
    ['x2', 'cat', { order: 0 }], ['sum', 'cat', { order: 1 }], ['x1', 'cat', { order: 2 }],
    ['cat', 'drop'], ['drop', 'o'], ['o', 'out'],
  ]);
}

function neuronLevel(): NetworkDocument {
  return build([
    node('input', 'x1', { features: ['a'] }),
    node('input', 'x2', { features: ['b'] }),
    node('neuron', 'n1', { activation: 'relu', bias: 0.1 }),
    node('neuron', 'n2', { activation: 'sigmoid', bias: -0.2 }),
    node('neuron', 'n3', { activation: 'tanh', bias: 0.3 }),
    node('neuron', 'y', { activation: 'sigmoid', bias: 0 }),
    node('output', 'out', { loss: 'binaryCrossEntropy', targets: ['label'] }),
  ], [
    ['x1', 'n1'], ['x2', 'n1'], ['x1', 'n2'], ['x2', 'n2'], ['x2', 'n3'],
    ['n1', 'y'], ['n2', 'y'], ['n3', 'y'], ['y', 'out'],
  ]);
}

/** Three-way Add (exported as Sum) and a Dense stack with a sum of edges from three sources. */
function wideSum(): NetworkDocument {
  return build([
    node('input', 'x', { features: ['a', 'b', 'c', 'd'] }),
    node('dense', 'p', { units: 2, activation: 'elu' }),
    node('dense', 'q', { units: 2, activation: 'leakyRelu' }),
    node('dense', 'r', { units: 2, activation: 'gelu' }),
    node('add', 's'),
    node('dense', 'o', { units: 1, activation: 'linear', useBias: false }),
    node('output', 'out', { loss: 'mse', targets: ['v'] }),
  ], [['x', 'p'], ['x', 'q'], ['x', 'r'], ['p', 's'], ['q', 's'], ['r', 's'], ['s', 'o'], ['p', 'o'], ['q', 'o'], ['o', 'out']]);
}

export function architectures(): Architecture[] {
  return [
    { title: 'the worked example (neuron level, given weights)', doc: findTemplate('worked-example')!.build() },
    { title: 'a neuron-level net with shared inputs', doc: neuronLevel() },
    ...ACTIVATION_NAMES.filter((a) => a !== 'softmax').map((a) => ({ title: `a Dense stack with ${a}`, doc: denseStack(a) })),
    ...ACTIVATION_NAMES.map((a) => ({ title: `an Activation node of ${a}`, doc: activationNode(a) })),
    { title: 'Add and Concat skips with dropout and softmax', doc: skips() },
    { title: 'a three-way Add and a Dense fed by three edges, no bias', doc: wideSum() },
    { title: 'the Iris template', doc: findTemplate('iris')!.build() },
    { title: 'the spiral template', doc: findTemplate('spiral')!.build() },
  ];
}
