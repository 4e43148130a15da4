/**
 * Neuron: one unit. z = Σ_e w_e·a_src + b, a = f(z); shape [1].
 * Slots: `weights` on each incoming edge (a rows × 1 block: one weight per source value), `bias` on the node (a
 * number in the file). Forward/backward are the weighted sum shared with Dense (shared.ts).
 * ONNX: exported as a 1-unit Gemm; never imported as a Neuron (a Gemm imports as a Dense layer).
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { nodeLabel, problem, type KindDef, type KindNode } from './kind';
import {
  activationField, allocateWeighted, backwardWeighted, exampleNetwork, explainWeighted, exportWeighted, finite, forwardWeighted, numpyWeighted, origin, pytorchWeighted,
  referenceWeighted,
} from './common';

const props = z.object({ activation: activationField(), bias: finite() });
export type NeuronNode = KindNode<'neuron', z.infer<typeof props>>;

export const neuron: KindDef<'neuron', typeof props> = {
  type: 'neuron',
  idPrefix: 'n',
  label: 'Neuron',
  description: 'One unit: multiplies each input by its weight, adds a bias, and applies an activation.',
  props,
  defaults: () => ({ activation: 'relu', bias: 0 }),
  minInputs: 1,
  maxInputs: Infinity,
  hasOutput: true,
  infer: () => ({ shape: [1] }),
  validate({ node }) {
    if (typeof node.bias !== 'number' || !Number.isFinite(node.bias)) {
      return [problem('error', 'bias-not-finite', `${nodeLabel(node)} has a bias of ${String(node.bias)}: a bias must be a finite number.`, [node.id], [], 'bias')];
    }
    return [];
  },
  activation: (node) => node.activation,
  slots: [
    { name: 'weights', on: 'edge', shape: (_node, output, input) => (input ? [input[0]!, output[0]!] : null), init: 'fan', regularized: true },
    {
      name: 'bias', on: 'node', shape: () => [1], init: 'zeros', regularized: false,
      read: (node) => (typeof node.bias === 'number' ? [node.bias] : undefined),
      write: (node, values) => ({ ...node, bias: values[0]! }),
    },
  ],
  allocate: allocateWeighted,
  forward: forwardWeighted,
  backward: backwardWeighted,
  explain: explainWeighted,
  onnx: { export: exportWeighted, import: null },
  pytorch: pytorchWeighted,
  numpy: numpyWeighted,
  reference: (node, inputs, params) => referenceWeighted(node.activation, inputs, params.edges, params.node.bias, 1),
  examples: {
    networks: () => [
      exampleNetwork('two inputs into a tanh neuron', [
        { id: 'x1', type: 'input', name: 'x1', position: origin, features: ['x1'] },
        { id: 'x2', type: 'input', name: 'x2', position: origin, features: ['x2'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 2, activation: 'linear', useBias: true },
        { id: 'n', type: 'neuron', name: 'n', position: origin, activation: 'tanh', bias: 0.3 },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
      ] satisfies NetworkNode[], [['x1', 'n'], ['x2', 'h'], ['h', 'n'], ['n', 'out']]),
    ],
    wrongArity: () => exampleNetwork('neuron with no input', [
      { id: 'n', type: 'neuron', name: 'n', position: origin, activation: 'tanh', bias: 0 },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['n', 'out']]),
    wrongShape: () => ({ none: 'a Neuron weighs every input value, whatever the size of its inputs' }),
  },
};
