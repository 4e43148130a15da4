/**
 * Activation: applies a function to each value of its one input (softmax: over the last axis), with no weights.
 * z = a_src (the same buffer), a = f(z); backward: da_src += da·f'(z). Shape: its input's.
 * ONNX: Relu, LeakyRelu(0.01), Elu(1), Sigmoid, Tanh, Sin, Softmax(-1), Identity, Gelu (opset 20, or composed at 17);
 * imported from those operators (folded into a preceding linear Gemm/Dense when nothing else reads its output).
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { addInto, type KindDef, type KindNode, floats } from './kind';
import { activationField, checkActivationAttributes, exampleNetwork, ONNX_ACTIVATION_OF, ONNX_ACTIVATION_SCHEMAS, origin, referenceActivation } from './common';

const props = z.object({ activation: activationField() });
export type ActivationNode = KindNode<'activation', z.infer<typeof props>>;

export const activation: KindDef<'activation', typeof props> = {
  type: 'activation',
  idPrefix: 'act',
  label: 'Activation',
  description: 'Applies a function (ReLU, tanh, sigmoid, …) to each value of its input, with no weights.',
  props,
  defaults: () => ({ activation: 'relu' }),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: true,
  infer: ({ inputs }) => (inputs.length === 1 && inputs[0] !== undefined ? { shape: inputs[0] } : undefined),
  activation: (node) => node.activation,
  slots: [],
  allocate(ws, p, i) {
    const n = ws.batch * p.size;
    ws.z[i] = ws.a[p.inputs[0]!]!;
    ws.a[i] = p.activation!.name === 'linear' ? ws.z[i]! : floats(ws, n);
    if (p.needsGrad) {
      ws.da[i] = floats(ws, n);
      ws.dz[i] = floats(ws, n);
    }
  },
  forward(c, p, i) {
    p.activation!.apply(c.ws.z[i]!, c.ws.a[i]!, c.ws.batch, p.size);
  },
  backward(c, p, i) {
    const ws = c.ws;
    const dz = ws.dz[i]!;
    if (c.fusedIndex !== i) p.activation!.backprop(ws.z[i]!, ws.a[i]!, ws.da[i]!, dz, ws.batch, p.size);
    addInto(ws, p.inputs[0]!, dz, ws.batch * p.size);
  },
  explain: (ctx) => Array.from(ctx.a, (a, unit) => ({
    nodeId: ctx.id, unit, kind: 'activation' as const, terms: [], bias: null, z: ctx.z![unit]!, activation: ctx.node.activation, a,
  })),
  onnx: {
    export(ctx) {
      ctx.activation(ctx.node.activation, ctx.base, ctx.inputs[0]!, ctx.base);
      return ctx.base;
    },
    import: {
      ops: ONNX_ACTIVATION_SCHEMAS,
      run(ctx) {
        const act = ONNX_ACTIVATION_OF[ctx.onnx.opType]!;
        checkActivationAttributes(ctx, act);
        const value = ctx.value(ctx.ins[0] ?? '');
        const from = ctx.sourceOf(value);
        // An image stays an image (in the same layout) through an activation.
        const image = value.kind === 'node' && value.image ? { image: value.image } : {};
        const producer = ctx.node(from.id);
        if (producer && (producer.type === 'dense' || producer.type === 'neuron' || producer.type === 'conv2d') && producer.activation === 'linear' && ctx.readers(ctx.ins[0]!) === 1) {
          producer.activation = act;
          producer.name = ctx.name;
          ctx.set({ kind: 'node', nodeId: producer.id, size: from.size, ...image });
          return;
        }
        const id = ctx.addNode({ id: '', type: 'activation', name: ctx.name, position: { ...origin }, activation: act });
        ctx.connect(from.id, id);
        ctx.set({ kind: 'node', nodeId: id, size: from.size, ...image });
      },
    },
  },
  pytorch: (ctx) => ({
    init: [],
    forward: [`${ctx.name} = ${ctx.activation(ctx.node.activation, ctx.inputs[0]!)}`],
    preactivation: ctx.inputs[0]!,
    params: [],
  }),
  numpy: (ctx) => ({
    forward: [`${ctx.name} = ${ctx.activation(ctx.node.activation, ctx.inputs[0]!)}`],
    backward: [`d_${ctx.inputs[0]!} += ${ctx.activationGrad(ctx.node.activation, ctx.inputs[0]!, ctx.name, `d_${ctx.name}`)}`],
    params: [],
  }),
  reference: (node, inputs) => referenceActivation(node.activation, inputs[0]!),
  examples: {
    networks: () => ['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'gelu', 'sine', 'linear'].map((act) =>
      exampleNetwork(`${act} activation after a layer`, [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'linear', useBias: true },
        { id: 'f', type: 'activation', name: 'f', position: origin, activation: act as 'relu' },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2', 'y3'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['h', 'f'], ['f', 'out']])),
    wrongArity: () => exampleNetwork('activation with two inputs', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1'] },
      { id: 'b', type: 'input', name: 'b', position: origin, features: ['x2'] },
      { id: 'f', type: 'activation', name: 'f', position: origin, activation: 'relu' },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'f'], ['b', 'f'], ['f', 'out']]),
    wrongShape: () => ({ none: 'an Activation applies to values of any shape' }),
  },
};
