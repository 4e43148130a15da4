/**
 * Dense layer: `units` units, each connected to every input value. z = Σ_e a_src·W_e + b, a = f(z); shape [units].
 * Slots: `weights` on each incoming edge (rows = the source's size, cols = units, row-major: source value i → unit j
 * at i·units + j), `bias` on the node ([units], only with useBias).
 * ONNX: Gemm(A, W, b) + activation (A = Concat of the sources when there are several); imported from Gemm or MatMul
 * (a following Add of a constant becomes its bias; a following activation read by nothing else is folded in).
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { describeNumber, nodeLabel, plural, problem, type KindDef, type KindNode } from './kind';
import { UNITS } from '../limits';
import {
  activationField, allocateWeighted, backwardWeighted, exampleNetwork, explainWeighted, exportWeighted, finite, forwardWeighted, numpyWeighted, origin,
  onnxOp, positiveInt, pytorchWeighted, referenceWeighted,
} from './common';

const props = z.object({
  units: positiveInt().max(UNITS.max, { error: `expected at most ${UNITS.max} units` }),
  activation: activationField(),
  useBias: z.boolean(),
  /** One bias per unit, or absent before the first initialisation. */
  bias: z.array(finite()).optional(),
});
export type DenseNode = KindNode<'dense', z.infer<typeof props>>;

export const dense: KindDef<'dense', typeof props> = {
  type: 'dense',
  idPrefix: 'dense',
  label: 'Dense layer',
  description: 'A layer of units, each connected to every input value, with its own weights, bias and activation.',
  props,
  defaults: () => ({ units: 4, activation: 'relu', useBias: true }),
  minInputs: 1,
  maxInputs: Infinity,
  hasOutput: true,
  infer({ node, inputs, edges, nodesById }) {
    if (!(typeof node.units === 'number' && Number.isInteger(node.units) && node.units > 0)) {
      return { problem: problem('error', 'invalid-units', `${nodeLabel(node)} has ${describeNumber(node.units)} units: a Dense layer needs a whole number of units, at least 1.`, [node.id], [], 'units') };
    }
    const flat = inputs.findIndex((s) => s !== undefined && s.length !== 1);
    if (flat >= 0) {
      const source = nodesById[edges[flat]!.source];
      return { problem: problem('error', 'shape-mismatch', `${nodeLabel(node)} takes vectors, but ${nodeLabel(source)} gives values of shape [${inputs[flat]!.join('×')}]: put a Flatten between them.`, [node.id, edges[flat]!.source], [edges[flat]!.id]) };
    }
    return { shape: [node.units] };
  },
  validate({ node, shape }) {
    if (node.bias === undefined) return [];
    const units = shape?.[0];
    if (!Array.isArray(node.bias) || (units !== undefined && node.bias.length !== units)) {
      return [problem('error', 'bias-wrong-length',
        `${nodeLabel(node)} has ${Array.isArray(node.bias) ? plural(node.bias.length, 'bias', 'biases') : 'a bias that is not a list'}${units !== undefined ? ` but ${plural(units, 'unit')}: it needs one bias per unit` : ''}.`,
        [node.id], [], 'bias')];
    }
    const bad = node.bias.findIndex((b) => typeof b !== 'number' || !Number.isFinite(b));
    if (bad >= 0) return [problem('error', 'bias-not-finite', `${nodeLabel(node)} has a bias of ${String(node.bias[bad])} for unit ${bad + 1}: biases must be finite numbers.`, [node.id], [], 'bias')];
    return [];
  },
  activation: (node) => node.activation,
  slots: [
    { name: 'weights', on: 'edge', shape: (_node, output, input) => (input ? [input[0]!, output[0]!] : null), init: 'fan', regularized: true },
    {
      name: 'bias', on: 'node', shape: (node, output) => (node.useBias !== false ? output : null), init: 'zeros', regularized: false,
      read: (node) => node.bias,
      write: (node, values) => ({ ...node, bias: [...values] }),
      clear: ({ bias: _dropped, ...node }) => node,
    },
  ],
  allocate: allocateWeighted,
  forward: forwardWeighted,
  backward: backwardWeighted,
  explain: explainWeighted,
  onnx: {
    export: exportWeighted,
    import: {
      ops: {
        Gemm: onnxOp(1, [2, 3], [1, 1], { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' }),
        MatMul: onnxOp(1, [2, 2], [1, 1]),
      },
      run(ctx) {
        const op = ctx.onnx.opType;
        const a = ctx.sourceOf(ctx.value(ctx.ins[0] ?? ''));
        const b = ctx.value(ctx.ins[1] ?? '');
        if (b.kind !== 'const' || !b.tensor.floats || b.tensor.dims.length !== 2) {
          throw ctx.fail(`${op} is supported only with a constant float32 weight matrix as its second input`);
        }
        const gemm = op === 'Gemm';
        if (gemm && ctx.intAttr('transA', 0) !== 0) throw ctx.fail('Gemm with transA = 1 is not supported');
        const transB = gemm && ctx.intAttr('transB', 0) !== 0;
        const alpha = gemm ? ctx.floatAttr('alpha', 1) : 1;
        const beta = gemm ? ctx.floatAttr('beta', 1) : 1;
        const [d0, d1] = b.tensor.dims as [number, number];
        const rows = transB ? d1 : d0;
        const units = transB ? d0 : d1;
        if (rows !== a.size) throw ctx.fail(`its weight matrix has ${rows} rows but its input has ${a.size} values`);
        if (units < 1) throw ctx.fail('its weight matrix has no columns');
        const floats = b.tensor.floats;
        const weights = new Array<number>(rows * units);
        for (let i = 0; i < rows; i++) for (let j = 0; j < units; j++) weights[i * units + j] = Math.fround(alpha * floats[transB ? j * d1 + i : i * d1 + j]!);
        let bias: number[] | undefined;
        if (gemm && ctx.ins[2] !== undefined) {
          const c = ctx.value(ctx.ins[2]);
          if (c.kind !== 'const' || !c.tensor.floats) throw ctx.fail('its bias must be a constant float32 tensor');
          const { dims, floats: cf } = c.tensor;
          const ok = (dims.length === 1 && dims[0] === units) || (dims.length === 2 && dims[0] === 1 && dims[1] === units);
          if (!ok && cf.length !== 1) throw ctx.fail(`its bias has the shape [${dims.join(', ')}], expected [${units}]`);
          bias = (ok ? Array.from(cf) : new Array<number>(units).fill(cf[0]!)).map((v) => Math.fround(beta * v));
        }
        const id = ctx.addNode(bias
          ? { id: '', type: 'dense', name: ctx.name, position: { ...origin }, units, activation: 'linear', useBias: true, bias }
          : { id: '', type: 'dense', name: ctx.name, position: { ...origin }, units, activation: 'linear', useBias: false });
        ctx.connect(a.id, id, { weights });
        ctx.set({ kind: 'node', nodeId: id, size: units });
      },
    },
  },
  pytorch: pytorchWeighted,
  numpy: numpyWeighted,
  reference: (node, inputs, params) => referenceWeighted(node.activation, inputs, params.edges, node.useBias !== false ? params.node.bias : undefined, node.units),
  examples: {
    networks: () => [
      exampleNetwork('two inputs into a sigmoid layer, another without bias', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'b', type: 'input', name: 'b', position: origin, features: ['x3'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'sigmoid', useBias: true },
        { id: 'g', type: 'dense', name: 'g', position: origin, units: 2, activation: 'elu', useBias: false },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['b', 'h'], ['h', 'g'], ['g', 'out']]),
      exampleNetwork('softmax layer with softmax cross-entropy', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'softmax', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'softmaxCrossEntropy', targets: ['y1', 'y2', 'y3'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['h', 'out']]),
    ],
    wrongArity: () => exampleNetwork('dense with no input', [
      { id: 'h', type: 'dense', name: 'h', position: origin, units: 1, activation: 'linear', useBias: true },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['h', 'out']]),
    wrongShape: () => ({ none: 'a Dense layer takes vectors of any size; no kind gives anything else yet' }),
  },
};
