/**
 * Add: a = Σ a_src, value by value; its inputs must all have the same shape, which is its shape.
 * Backward: da_src += da for each input. No parameters. ONNX: Add (two inputs), Sum (more), Identity (one).
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { addInto, allocatePlain, nodeLabel, problem, shapeText, type KindDef, type KindNode } from './kind';
import { exampleNetwork, onnxOp, origin } from './common';

const props = z.object({});
export type AddNode = KindNode<'add', z.infer<typeof props>>;

export const add: KindDef<'add', typeof props> = {
  type: 'add',
  idPrefix: 'add',
  label: 'Add',
  description: 'Adds its inputs value by value; they must all have the same size.',
  props,
  defaults: () => ({}),
  minInputs: 1,
  maxInputs: Infinity,
  hasOutput: true,
  infer({ node, inputs, edges, nodesById }) {
    if (inputs.length === 0 || inputs.some((s) => s === undefined)) return undefined;
    const texts = inputs.map((s) => shapeText(s));
    if (new Set(texts).size === 1) return { shape: inputs[0]! };
    const detail = edges.map((e, k) => `${nodeLabel(nodesById[e.source])} gives ${texts[k]}`).join(', ');
    return { problem: problem('error', 'add-size-mismatch', `${nodeLabel(node)} adds inputs of different sizes (${detail}): they must all have the same size.`,
      [node.id, ...edges.map((e) => e.source)], edges.map((e) => e.id)) };
  },
  slots: [],
  allocate: allocatePlain,
  forward(c, p, i) {
    const ws = c.ws;
    const out = ws.a[i]!;
    const n = ws.batch * p.size;
    out.set(ws.a[p.inputs[0]!]!);
    for (let k = 1; k < p.inputs.length; k++) {
      const src = ws.a[p.inputs[k]!]!;
      for (let e = 0; e < n; e++) out[e] += src[e]!;
    }
  },
  backward(c, p, i) {
    const n = c.ws.batch * p.size;
    for (const s of p.inputs) addInto(c.ws, s, c.ws.da[i]!, n);
  },
  onnx: {
    export(ctx) {
      const ins = [...ctx.inputs];
      ctx.add(ins.length === 2 ? 'Add' : ins.length === 1 ? 'Identity' : 'Sum', ctx.base, ins, [ctx.base]);
      return ctx.base;
    },
    import: {
      ops: { Add: onnxOp(1, [2, 2], [1, 1]), Sum: onnxOp(1, [1, 2_147_483_647], [1, 1]) },
      run(ctx) {
        const op = ctx.onnx.opType;
        const values = ctx.ins.map((t) => ctx.value(t));
        const constants = values.filter((v) => v.kind === 'const');
        if (constants.length > 0) {
          if (op !== 'Add' || values.length !== 2 || constants.length !== 1) throw ctx.fail(`${op} of constants is supported only as a bias right after Gemm or MatMul`);
          const other = values.find((v) => v.kind !== 'const')!;
          const dense = other.kind === 'node' ? ctx.node(other.nodeId) : undefined;
          const onlyReader = other.kind === 'node' && ctx.readers(ctx.ins[values.indexOf(other)]!) === 1;
          if (!dense || dense.type !== 'dense' || dense.activation !== 'linear' || !onlyReader) {
            throw ctx.fail('Add of a constant is supported only as a bias right after Gemm or MatMul');
          }
          const c = constants[0]!;
          if (c.kind !== 'const' || !c.tensor.floats) throw ctx.fail('its bias must be a constant float32 tensor');
          const { dims, floats } = c.tensor;
          const units = dense.units;
          const ok = (dims.length === 1 && dims[0] === units) || (dims.length === 2 && dims[0] === 1 && dims[1] === units);
          if (!ok && floats.length !== 1) throw ctx.fail(`its bias has the shape [${dims.join(', ')}], expected [${units}]`);
          const values2 = ok ? Array.from(floats) : new Array<number>(units).fill(floats[0]!);
          dense.bias = values2.map((v, j) => Math.fround((dense.bias?.[j] ?? 0) + v));
          dense.useBias = true;
          ctx.set(other);
          return;
        }
        if (values.length === 1) {
          ctx.set(values[0]!);
          return;
        }
        const sources = values.map((v) => ctx.sourceOf(v));
        const size = sources[0]!.size;
        if (sources.some((s) => s.size !== size)) throw ctx.fail(`${op} of values of different sizes (${sources.map((s) => s.size).join(', ')}) is not supported`);
        const id = ctx.addNode({ id: '', type: 'add', name: ctx.name, position: { ...origin } });
        for (const s of sources) ctx.connect(s.id, id);
        ctx.set({ kind: 'node', nodeId: id, size });
      },
    },
  },
  pytorch: (ctx) => ({ init: [], forward: [`${ctx.name} = ${ctx.inputs.join(' + ')}`], params: [] }),
  numpy: (ctx) => ({
    forward: [`${ctx.name} = ${ctx.inputs.length === 1 ? `${ctx.inputs[0]!}.copy()` : ctx.inputs.join(' + ')}`],
    backward: ctx.inputs.map((s) => `d_${s} += d_${ctx.name}`),
    params: [],
  }),
  reference: (_node, inputs) => inputs[0]!.map((_, k) => inputs.reduce((s, v) => s + v[k]!, 0)),
  examples: {
    networks: () => [
      exampleNetwork('a residual sum of three', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 2, activation: 'tanh', useBias: true },
        { id: 'g', type: 'dense', name: 'g', position: origin, units: 2, activation: 'sigmoid', useBias: true },
        { id: 's', type: 'add', name: 's', position: origin },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['a', 'g'], ['a', 's'], ['h', 's'], ['g', 's'], ['s', 'out']]),
    ],
    wrongArity: () => exampleNetwork('add with no input', [
      { id: 's', type: 'add', name: 's', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['s', 'out']]),
    wrongShape: () => exampleNetwork('add of sizes 2 and 3', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
      { id: 'b', type: 'input', name: 'b', position: origin, features: ['x1', 'x2', 'x3'] },
      { id: 's', type: 'add', name: 's', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
    ], [['a', 's'], ['b', 's'], ['s', 'out']]),
  },
};
