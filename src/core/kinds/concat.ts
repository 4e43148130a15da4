/**
 * Concat: a = [a_src1 | a_src2 | …], its inputs end to end in the order of their edges' `order` (then file order), so
 * the order is stable and visible. Shape [Σ sizes]; its inputs must be vectors. Backward: each source gets its own
 * columns of da. No parameters. ONNX: Concat(axis=1) in the same order (Identity for one input).
 */
import { z } from 'zod';
import type { NetworkEdge, NetworkNode } from '../document';
import { nodeLabel, problem, allocatePlain, type KindDef, type KindNode } from './kind';
import { exampleNetwork, onnxOp, origin } from './common';

const props = z.object({});
export type ConcatNode = KindNode<'concat', z.infer<typeof props>>;

/** Concat inputs: ascending `order` (absent last); ties keep file order (the sort is stable; since version 3). */
function compareConcatEdges(a: NetworkEdge, b: NetworkEdge): number {
  const ao = typeof a.order === 'number' && Number.isFinite(a.order) ? a.order : Infinity;
  const bo = typeof b.order === 'number' && Number.isFinite(b.order) ? b.order : Infinity;
  return ao === bo ? 0 : ao < bo ? -1 : 1;
}

export const concat: KindDef<'concat', typeof props> = {
  type: 'concat',
  idPrefix: 'concat',
  label: 'Concat',
  description: 'Joins its inputs end to end into one longer vector, in the order of their connections.',
  props,
  defaults: () => ({}),
  minInputs: 1,
  maxInputs: Infinity,
  hasOutput: true,
  sortInputs: (edges) => edges.sort(compareConcatEdges),
  newEdge(existing) {
    const orders = existing.map((e) => e.order).filter((o): o is number => typeof o === 'number' && Number.isFinite(o));
    return { order: orders.length === 0 ? existing.length : Math.max(Math.max(...orders) + 1, existing.length) };
  },
  infer({ node, inputs, edges, nodesById }) {
    if (inputs.length === 0 || inputs.some((s) => s === undefined)) return undefined;
    const bad = inputs.findIndex((s) => s!.length !== 1);
    if (bad >= 0) {
      return { problem: problem('error', 'shape-mismatch', `${nodeLabel(node)} joins vectors, but ${nodeLabel(nodesById[edges[bad]!.source])} gives values of shape [${inputs[bad]!.join('×')}].`,
        [node.id, edges[bad]!.source], [edges[bad]!.id]) };
    }
    return { shape: [inputs.reduce((t, s) => t + s![0]!, 0)] };
  },
  activationThrough: 'all',
  slots: [],
  allocate: allocatePlain,
  forward(c, p, i) {
    const ws = c.ws;
    const out = ws.a[i]!;
    const size = p.size;
    const B = ws.batch;
    let offset = 0;
    for (const s of p.inputs) {
      const src = ws.a[s]!;
      const m = c.nodes[s]!.size;
      for (let r = 0; r < B; r++) for (let k = 0; k < m; k++) out[r * size + offset + k] = src[r * m + k]!;
      offset += m;
    }
  },
  backward(c, p, i) {
    const ws = c.ws;
    const da = ws.da[i]!;
    const size = p.size;
    const B = ws.batch;
    let offset = 0;
    for (const s of p.inputs) {
      const m = c.nodes[s]!.size;
      const dsrc = ws.da[s];
      if (dsrc) for (let r = 0; r < B; r++) for (let k = 0; k < m; k++) dsrc[r * m + k] += da[r * size + offset + k]!;
      offset += m;
    }
  },
  onnx: {
    export(ctx) {
      if (ctx.inputs.length === 1) ctx.add('Identity', ctx.base, [...ctx.inputs], [ctx.base]);
      else ctx.add('Concat', ctx.base, [...ctx.inputs], [ctx.base], [ctx.attrInt('axis', 1)]);
      return ctx.base;
    },
    import: {
      ops: { Concat: onnxOp(1, [1, 2_147_483_647], [1, 1], { axis: 'int' }, ['axis']) },
      run(ctx) {
        const axis = ctx.intAttr('axis', 1);
        if (axis !== 1 && axis !== -1) throw ctx.fail(`Concat along axis ${axis} is not supported (only axis 1, the features)`);
        const sources = ctx.ins.map((t) => ctx.sourceOf(ctx.value(t)));
        if (sources.length === 1) {
          ctx.set({ kind: 'node', nodeId: sources[0]!.id, size: sources[0]!.size });
          return;
        }
        const id = ctx.addNode({ id: '', type: 'concat', name: ctx.name, position: { ...origin } });
        sources.forEach((s, k) => ctx.connect(s.id, id, { order: k }));
        ctx.set({ kind: 'node', nodeId: id, size: sources.reduce((t, s) => t + s.size, 0) });
      },
    },
  },
  pytorch: (ctx) => ({
    init: [],
    forward: [`${ctx.name} = ${ctx.inputs.length === 1 ? ctx.inputs[0]! : `torch.cat([${ctx.inputs.join(', ')}], dim=1)`}`],
    params: [],
  }),
  numpy: (ctx) => {
    let offset = 0;
    const backward = ctx.inputs.map((s, k) => {
      const line = `d_${s} += d_${ctx.name}[:, ${offset}:${offset + ctx.inputSizes[k]!}]`;
      offset += ctx.inputSizes[k]!;
      return line;
    });
    return { forward: [`${ctx.name} = np.concatenate([${ctx.inputs.join(', ')}], axis=1)`], backward, params: [] };
  },
  reference: (_node, inputs) => inputs.flat(),
  examples: {
    networks: () => [
      exampleNetwork('concat of a layer and an input, in edge order', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'tanh', useBias: true },
        { id: 'c', type: 'concat', name: 'c', position: origin },
        { id: 'g', type: 'dense', name: 'g', position: origin, units: 2, activation: 'linear', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['a', 'c', { order: 1 }], ['h', 'c', { order: 0 }], ['c', 'g'], ['g', 'out']]),
    ],
    wrongArity: () => exampleNetwork('concat with no input', [
      { id: 'c', type: 'concat', name: 'c', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['c', 'out']]),
    wrongShape: () => ({ none: 'every kind gives vectors today; a Concat refuses other shapes once a kind gives them' }),
  },
};
