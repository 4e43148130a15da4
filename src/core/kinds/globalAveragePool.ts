/**
 * GlobalAveragePool: the mean of each channel of an image [h, w, c] over all its positions, giving a vector [c].
 * backward: each position gets dLoss/dout / (h·w). No parameters.
 * ONNX: GlobalAveragePool on NCHW, then Flatten to [N, c].
 */
import { z } from 'zod';
import { exampleNetwork, onnxOp, origin } from './common';
import { asImage, imageChainExample, imageInput, nchwSource, toNchw } from './image';
import { nodeLabel, problem, type KindDef, type KindNode, floats } from './kind';

const props = z.object({});
export type GlobalAveragePoolNode = KindNode<'globalAveragePool', z.infer<typeof props>>;

export const globalAveragePool: KindDef<'globalAveragePool', typeof props> = {
  type: 'globalAveragePool',
  idPrefix: 'gap',
  label: 'GlobalAveragePool',
  description: 'Averages each channel of an image over all its positions: one number per channel.',
  props,
  defaults: () => ({}),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: true,
  infer({ node, inputs, edges, nodesById }) {
    if (inputs.length !== 1 || inputs[0] === undefined) return undefined;
    const img = asImage(inputs[0]);
    if (!img) {
      return { problem: problem('error', 'shape-mismatch', `${nodeLabel(node)} averages the positions of an image [height×width×channels], but ${nodeLabel(nodesById[edges[0]!.source])} gives values of shape [${inputs[0].join('×')}].`, [node.id, edges[0]!.source], [edges[0]!.id]) };
    }
    return { shape: [img[2]] };
  },
  slots: [],
  allocate(ws, p, i) {
    const n = ws.batch * p.size;
    ws.a[i] = floats(ws, n);
    if (p.needsGrad) ws.da[i] = floats(ws, n);
  },
  forward(c, p, i) {
    const x = c.ws.a[p.inputs[0]!]!;
    const y = c.ws.a[i]!;
    const ch = p.size;
    const hw = c.nodes[p.inputs[0]!]!.size / ch;
    y.fill(0);
    for (let b = 0; b < c.ws.batch; b++) {
      for (let k = 0; k < hw; k++) for (let j = 0; j < ch; j++) y[b * ch + j] += x[(b * hw + k) * ch + j]!;
      for (let j = 0; j < ch; j++) y[b * ch + j] /= hw;
    }
  },
  backward(c, p, i) {
    const dx = c.ws.da[p.inputs[0]!];
    if (!dx) return;
    const dy = c.ws.da[i]!;
    const ch = p.size;
    const hw = c.nodes[p.inputs[0]!]!.size / ch;
    /** dLoss/dx = dLoss/dy / (h·w) at every position */
    for (let b = 0; b < c.ws.batch; b++) for (let k = 0; k < hw; k++) for (let j = 0; j < ch; j++) dx[(b * hw + k) * ch + j] += dy[b * ch + j]! / hw;
  },
  onnx: {
    export(ctx) {
      const xs = toNchw(ctx, ctx.inputs[0]!, asImage(ctx.inputShapes[0])!);
      const pooled = ctx.unique(`${ctx.base}/pool`);
      ctx.add('GlobalAveragePool', pooled, [xs], [pooled]);
      ctx.add('Flatten', ctx.base, [pooled], [ctx.base], [ctx.attrInt('axis', 1)]);
      return ctx.base;
    },
    import: {
      ops: { GlobalAveragePool: onnxOp(1, [1, 1], [1, 1]) },
      run(ctx) {
        const src = nchwSource(ctx);
        const id = ctx.addNode({ id: '', type: 'globalAveragePool', name: ctx.name, position: { ...origin } });
        ctx.connect(src.id, id);
        // A vector from here on (the Flatten that follows in an export passes it through).
        ctx.set({ kind: 'node', nodeId: id, size: src.shape[2] });
      },
    },
  },
  pytorch: (ctx) => {
    const [h, w, c] = asImage(ctx.inputShapes[0])!;
    return { init: [], forward: [`${ctx.name} = ${ctx.inputs[0]!}.reshape(-1, ${h * w}, ${c}).mean(dim=1)`], params: [] };
  },
  numpy: (ctx) => {
    const [h, w, c] = asImage(ctx.inputShapes[0])!;
    const x = ctx.inputs[0]!;
    return {
      forward: [`${ctx.name} = ${x}.reshape(-1, ${h * w}, ${c}).mean(axis=1)`],
      backward: [`d_${x} += np.broadcast_to((d_${ctx.name} / np.float32(${h * w}))[:, None, :], (len(${x}), ${h * w}, ${c})).reshape(len(${x}), -1)`],
      params: [],
    };
  },
  reference(_node, inputs, _params, _x, _names, shapes) {
    const [h, w, ch] = asImage(shapes[0])!;
    const x = inputs[0]!;
    return Array.from({ length: ch }, (_, j) => {
      let s = 0;
      for (let k = 0; k < h * w; k++) s += x[k * ch + j]!;
      return s / (h * w);
    });
  },
  examples: {
    networks: () => [
      imageChainExample('conv, then global average pool into a dense layer', [4, 3, 2], [
        { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 3, kernelSize: [2, 2], strides: [1, 1], padding: 'same', activation: 'tanh', useBias: true },
        { id: 'g', type: 'globalAveragePool', name: 'g', position: origin },
      ], 2),
    ],
    wrongArity: () => exampleNetwork('global pool with two inputs', [
      imageInput('a', [2, 2, 1]),
      imageInput('b', [2, 2, 1], 5),
      { id: 'g', type: 'globalAveragePool', name: 'g', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'g'], ['b', 'g'], ['g', 'out']]),
    wrongShape: () => exampleNetwork('global pool of a vector', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
      { id: 'g', type: 'globalAveragePool', name: 'g', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
    ], [['a', 'g'], ['g', 'out']]),
  },
};
