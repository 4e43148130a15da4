/**
 * Input: feeds one feature (or a vector of features) of each example into the network.
 * Shape [k] for k feature names, or the optional `shape` it declares (an image: [height, width, channels], the
 * features being its values in row-major order, channels last), whose values must number as many as its features. It reads its columns of the data row; it learns nothing and takes no input.
 * ONNX: Gather(input, its columns, axis=1); imported from the same Gather (or the whole model input).
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { allocatePlain, nodeLabel, problem, type KindDef, type KindNode } from './kind';
import { exampleNetwork, onnxOp, origin } from './common';
import { featureColumn } from '../data/features';

const props = z.object({
  /** The feature names this input feeds: one name for a scalar input, k names for a feature vector. */
  features: z.array(z.string()).min(1, { error: 'expected at least one feature name' }),
  /** The shape its features form, e.g. [28, 28, 1] for a grey image; absent: a vector of its features. */
  shape: z.array(z.number().int({ error: 'expected whole numbers' }).min(1, { error: 'expected sizes of at least 1' })).min(1, { error: 'expected at least one axis' }).max(3, { error: 'expected at most 3 axes (height, width, channels)' }).optional(),
});
export type InputNode = KindNode<'input', z.infer<typeof props>>;

export const input: KindDef<'input', typeof props> = {
  type: 'input',
  idPrefix: 'x',
  label: 'Input',
  description: 'Feeds one feature (or a vector of features) of each example into the network.',
  props,
  defaults: (id) => ({ features: [id] }),
  minInputs: 0,
  maxInputs: 0,
  hasOutput: true,
  role: 'input',
  features: (node) => node.features,
  infer({ node }) {
    if (Array.isArray(node.features) && node.features.length > 0 && node.shape !== undefined) {
      const shape = node.shape;
      const ok = Array.isArray(shape) && shape.length >= 1 && shape.length <= 3 && shape.every((d) => Number.isInteger(d) && d >= 1);
      const n = ok ? shape.reduce((a, b) => a * b, 1) : NaN;
      if (ok && n === node.features.length) return { shape: [...shape] };
      return {
        problem: problem('error', 'shape-mismatch', ok
          ? `${nodeLabel(node)} is declared as [${shape.join('×')}], which holds ${n} values, but it feeds ${node.features.length} features: make the shape hold exactly one value per feature.`
          : `${nodeLabel(node)} has the shape ${JSON.stringify(shape)}: a shape is 1 to 3 whole numbers of at least 1, like [28, 28, 1].`,
        [node.id], [], 'shape'),
      };
    }
    if (Array.isArray(node.features) && node.features.length > 0) return { shape: [node.features.length] };
    return { problem: problem('error', 'input-no-features', `${nodeLabel(node)} feeds no feature: give it at least one feature name.`, [node.id], [], 'features') };
  },
  slots: [],
  allocate: allocatePlain,
  forward(c, p, i) {
    const out = c.ws.a[i]!;
    const cols = p.columns!;
    const w = c.inputWidth;
    const size = p.size;
    const x = c.x;
    for (let r = 0; r < c.ws.batch; r++) for (let k = 0; k < size; k++) out[r * size + k] = x[r * w + cols[k]!]!;
  },
  backward() {},
  onnx: {
    export(ctx) {
      const idx = ctx.intConstant(ctx.unique(`${ctx.base}/columns`), [ctx.plan.columns!.length], Array.from(ctx.plan.columns!));
      ctx.add('Gather', ctx.base, [ctx.modelInput, idx], [ctx.base], [ctx.attrInt('axis', 1)]);
      return ctx.base;
    },
    import: {
      ops: { Gather: onnxOp(1, [2, 2], [1, 1], { axis: 'int' }) },
      run(ctx) {
        const data = ctx.value(ctx.ins[0] ?? '');
        const indices = ctx.value(ctx.ins[1] ?? '');
        const axis = ctx.intAttr('axis', 0);
        if (data.kind !== 'input' || indices.kind !== 'const' || (axis !== 1 && axis !== -1) || indices.tensor.dims.length !== 1 || !indices.tensor.ints) {
          throw ctx.fail('Gather is supported only to pick columns of the model\'s input (axis 1, a constant list of int64 indices)');
        }
        const features = indices.tensor.ints.map((k) => {
          const col = k < 0 ? k + data.size : k;
          if (col < 0 || col >= data.size) throw ctx.fail(`column ${k} is outside the input's ${data.size} columns`);
          return ctx.featureNames[col]!;
        });
        if (features.length === 0) throw ctx.fail('picks no columns');
        const id = ctx.addNode({ id: '', type: 'input', name: ctx.name, position: { ...origin }, features });
        ctx.set({ kind: 'node', nodeId: id, size: features.length });
      },
    },
  },
  pytorch: (ctx) => ({ init: [], forward: [`${ctx.name} = ${ctx.modelInput}[:, [${Array.from(ctx.plan.columns!).join(', ')}]]`], params: [] }),
  numpy: (ctx) => ({
    forward: [`${ctx.name} = ${ctx.modelInput}[:, [${Array.from(ctx.plan.columns!).join(', ')}]]  # ${ctx.node.features.join(', ')}`],
    backward: [],
    params: [],
  }),
  reference: (node, _inputs, _params, x, featureNames) => node.features.map((f) => x[featureColumn(featureNames, f)]!),
  examples: {
    networks: () => [
      exampleNetwork('input of two features, columns swapped', [
        { id: 'x', type: 'input', name: 'x', position: origin, features: ['x2', 'x1'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 2, activation: 'tanh', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['x', 'h'], ['h', 'out']]),
    ],
    wrongArity: () => exampleNetwork('input with an input', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1'] },
      { id: 'x', type: 'input', name: 'x', position: origin, features: ['x2'] },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'x'], ['x', 'out']]),
    wrongShape: () => ({ none: 'an Input takes no inputs, so no input shape can be wrong' }),
  },
};
