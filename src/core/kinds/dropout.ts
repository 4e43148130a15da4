/**
 * Dropout: while training, a = a_src·mask with mask 0 (probability `rate`) or 1/(1−rate) (inverted dropout);
 * otherwise a = a_src. Backward: da_src += da·mask. Shape: its input's. No parameters.
 * ONNX: Identity (inference); an ONNX Dropout imports as a pass-through.
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { DROPOUT_RATE } from '../limits';
import { addInto, nodeLabel, problem, type KindDef, type KindNode, floats } from './kind';
import { exampleNetwork, finite, onnxOp, origin } from './common';

const props = z.object({
  /** Fraction of units dropped while training, in [0, 1). */
  rate: finite().min(DROPOUT_RATE.min, { error: `expected ${DROPOUT_RATE.words}` }).lt(DROPOUT_RATE.max, { error: `expected ${DROPOUT_RATE.words}` }),
});
export type DropoutNode = KindNode<'dropout', z.infer<typeof props>>;

export const dropout: KindDef<'dropout', typeof props> = {
  type: 'dropout',
  idPrefix: 'drop',
  label: 'Dropout',
  description: 'While training, sets a random fraction of its input values to zero so the network cannot rely on any one.',
  props,
  defaults: () => ({ rate: 0.2 }),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: true,
  infer: ({ inputs }) => (inputs.length === 1 && inputs[0] !== undefined ? { shape: inputs[0] } : undefined),
  validate({ node }) {
    if (typeof node.rate !== 'number' || !Number.isFinite(node.rate) || node.rate < 0 || node.rate >= 1) {
      return [problem('error', 'invalid-dropout-rate',
        `${nodeLabel(node)} drops a fraction of ${String(node.rate)}: the rate must be at least 0 and below 1 (e.g. 0.2 drops one value in five).`,
        [node.id], [], 'rate')];
    }
    return [];
  },
  activationThrough: 'single',
  slots: [],
  allocate(ws, p, i) {
    const n = ws.batch * p.size;
    ws.scratch[i] = floats(ws, n);
    ws.a[i] = floats(ws, n);
    if (p.needsGrad) ws.da[i] = floats(ws, n);
  },
  forward(c, p, i) {
    const ws = c.ws;
    const out = ws.a[i]!;
    const src = ws.a[p.inputs[0]!]!;
    const rate = (p.node as DropoutNode).rate;
    const n = ws.batch * p.size;
    if (ws.training && rate > 0) {
      const mask = ws.scratch[i]!;
      const keep = 1 / (1 - rate);
      const rng = c.rng;
      for (let k = 0; k < n; k++) {
        const m = rng.next() < rate ? 0 : keep;
        mask[k] = m;
        out[k] = src[k]! * m;
      }
    } else out.set(src);
  },
  backward(c, p, i) {
    const ws = c.ws;
    const s = p.inputs[0]!;
    const dsrc = ws.da[s];
    if (!dsrc) return;
    const da = ws.da[i]!;
    const n = ws.batch * p.size;
    if (ws.training && (p.node as DropoutNode).rate > 0) {
      const mask = ws.scratch[i]!;
      for (let e = 0; e < n; e++) dsrc[e] += da[e]! * mask[e]!;
    } else addInto(ws, s, da, n);
  },
  onnx: {
    export(ctx) {
      ctx.add('Identity', ctx.base, [ctx.inputs[0]!], [ctx.base]);
      return ctx.base;
    },
    import: {
      ops: { Dropout: onnxOp(12, [1, 3], [1, 2], { seed: 'int' }) },
      run(ctx) {
        // Dropout(data, ratio, training_mode): with training_mode absent it passes its data through (inference).
        if (ctx.onnx.inputs[2] !== undefined && ctx.onnx.inputs[2] !== '') throw ctx.fail('Dropout with a training_mode input is not supported (Netwright imports models for inference)');
        ctx.set(ctx.value(ctx.ins[0] ?? ''));
      },
    },
  },
  pytorch: (ctx) => ({
    init: [`self.${ctx.name} = nn.Dropout(p=${String(ctx.node.rate)})`],
    forward: [`${ctx.name} = self.${ctx.name}(${ctx.inputs[0]!})`],
    params: [],
  }),
  numpy: (ctx) => ({
    // The script runs the network as at inference (and its step without dropout), so Dropout passes values on.
    forward: [`${ctx.name} = ${ctx.inputs[0]!}  # dropout (rate ${String(ctx.node.rate)}) is off outside training`],
    backward: [`d_${ctx.inputs[0]!} += d_${ctx.name}`],
    params: [],
  }),
  reference: (_node, inputs) => [...inputs[0]!],
  examples: {
    networks: () => [
      exampleNetwork('dropout after a layer (inference)', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'tanh', useBias: true },
        { id: 'd', type: 'dropout', name: 'd', position: origin, rate: 0.5 },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2', 'y3'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['h', 'd'], ['d', 'out']]),
    ],
    wrongArity: () => exampleNetwork('dropout with two inputs', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1'] },
      { id: 'b', type: 'input', name: 'b', position: origin, features: ['x2'] },
      { id: 'd', type: 'dropout', name: 'd', position: origin, rate: 0.2 },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'd'], ['b', 'd'], ['d', 'out']]),
    wrongShape: () => ({ none: 'Dropout applies to values of any shape' }),
  },
};
