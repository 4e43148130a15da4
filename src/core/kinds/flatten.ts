/**
 * Flatten: an image [h, w, c] (or any shape) as a vector [h·w·c] of the same values in the same (row-major, channels
 * last) order, so a Dense layer can follow. Forward copies; backward passes the gradient straight back. No parameters.
 * ONNX: Flatten(axis 1) of the flat [N, size] tensor (a no-op there, kept so the import knows where it was).
 * Its importer also reads the layout operators of image exports (Reshape, Transpose) as changes of layout of the same
 * value (image.ts), not as nodes.
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { asImage, imageInput } from './image';
import { addInto, shapeSize, type ImportValue, type KindDef, type KindNode, type OnnxImportContext, floats } from './kind';
import { exampleNetwork, onnxOp, origin } from './common';

const props = z.object({});
export type FlattenNode = KindNode<'flatten', z.infer<typeof props>>;

type NodeValue = Extract<ImportValue, { kind: 'node' }>;

function importReshape(ctx: OnnxImportContext): void {
  const v = ctx.value(ctx.ins[0] ?? '');
  const s = ctx.value(ctx.ins[1] ?? '');
  if (s.kind !== 'const' || !s.tensor.ints) throw ctx.fail('Reshape is supported only with a constant int64 shape');
  const dims = s.tensor.ints.map(Number);
  const from = ctx.sourceOf(v);
  const image = v.kind === 'node' ? v.image : undefined;
  if (dims.length === 4 && (dims[0] === -1 || dims[0] === 0)) {
    const shape = [dims[1]!, dims[2]!, dims[3]!];
    if (shape.some((d) => d < 1) || shapeSize(shape) !== from.size) throw ctx.fail(`Reshape to [${dims.join(', ')}] does not fit ${from.size} values`);
    if (image && image.layout === 'flat' && image.shape.join() === shape.join()) {
      ctx.set({ ...(v as NodeValue), image: { shape, layout: 'nhwc' } });
      return;
    }
    if (image && image.layout !== 'flat') throw ctx.fail(`Reshape of an image in ${image.layout.toUpperCase()} layout is not supported`);
    // The model input becomes an Input of that shape; any other value is taken to be an image of that shape (the
    // network's validation says so if the node before does not give one).
    const node = ctx.node(from.id);
    if (node?.type === 'input') (node as { shape?: number[] }).shape = shape;
    ctx.set({ kind: 'node', nodeId: from.id, size: from.size, image: { shape, layout: 'nhwc' } });
    return;
  }
  if (dims.length === 2 && (dims[0] === -1 || dims[0] === 0) && (dims[1] === from.size || dims[1] === -1)) {
    const img = image ? asImage(image.shape) : null;
    if (image && image.layout === 'flat' && v.kind === 'node') {
      // A Netwright Flatten: an image value, already flat, reshaped to a vector.
      const id = ctx.addNode({ id: '', type: 'flatten', name: ctx.name, position: { ...origin } });
      ctx.connect(v.nodeId, id);
      ctx.set({ kind: 'node', nodeId: id, size: v.size });
      return;
    }
    if (!image || image.layout === 'nhwc' || (img && (img[2] === 1 || img[0] * img[1] === 1))) {
      ctx.set(image ? { ...(v as NodeValue), image: { shape: image.shape, layout: 'flat' } } : v);
      return;
    }
  }
  throw ctx.fail(`Reshape to [${dims.join(', ')}] is not supported here (only the layout changes of an image export)`);
}

function importTranspose(ctx: OnnxImportContext): void {
  const v = ctx.value(ctx.ins[0] ?? '');
  const perm = ctx.attr('perm')?.ints?.map(Number).join() ?? '';
  if (v.kind === 'node' && v.image?.layout === 'nhwc' && perm === '0,3,1,2') return ctx.set({ ...v, image: { shape: v.image.shape, layout: 'nchw' } });
  if (v.kind === 'node' && v.image?.layout === 'nchw' && perm === '0,2,3,1') return ctx.set({ ...v, image: { shape: v.image.shape, layout: 'nhwc' } });
  throw ctx.fail(`Transpose [${perm}] is supported only between the NHWC and NCHW layouts of an image`);
}

export const flatten: KindDef<'flatten', typeof props> = {
  type: 'flatten',
  idPrefix: 'flat',
  label: 'Flatten',
  description: 'Lays an image out as one long list of values, row by row, so a Dense layer can take it.',
  props,
  defaults: () => ({}),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: true,
  infer: ({ inputs }) => (inputs.length === 1 && inputs[0] !== undefined ? { shape: [shapeSize(inputs[0])] } : undefined),
  activationThrough: 'single',
  slots: [],
  allocate(ws, p, i) {
    const n = ws.batch * p.size;
    ws.a[i] = floats(ws, n);
    if (p.needsGrad) ws.da[i] = floats(ws, n);
  },
  forward(c, p, i) {
    c.ws.a[i]!.set(c.ws.a[p.inputs[0]!]!);
  },
  backward(c, p, i) {
    addInto(c.ws, p.inputs[0]!, c.ws.da[i]!, c.ws.batch * p.size);
  },
  onnx: {
    export(ctx) {
      // Reshape to [N, size]: a no-op on the flat tensor, kept so the import knows a Flatten was here.
      ctx.add('Reshape', ctx.base, [ctx.inputs[0]!, ctx.intConstant(ctx.unique(`${ctx.base}/shape`), [2], [-1, ctx.plan.size])], [ctx.base]);
      return ctx.base;
    },
    import: {
      ops: {
        Reshape: onnxOp(5, [2, 2], [1, 1], { allowzero: 'int' }),
        Transpose: onnxOp(1, [1, 1], [1, 1], { perm: 'ints' }),
      },
      run(ctx) {
        if (ctx.onnx.opType === 'Reshape') return importReshape(ctx);
        if (ctx.onnx.opType === 'Transpose') return importTranspose(ctx);
        if (ctx.intAttr('axis', 1) !== 1) throw ctx.fail('Flatten is supported only with axis 1');
        const v = ctx.value(ctx.ins[0] ?? '');
        if (v.kind !== 'node') {
          ctx.set(v);
          return;
        }
        const img = v.image ? asImage(v.image.shape) : null;
        if (v.image?.layout === 'nchw' && img && img[2] !== 1 && img[0] * img[1] !== 1) throw ctx.fail('Flatten of an NCHW image would change the order of its values; Netwright flattens channels last');
        const id = ctx.addNode({ id: '', type: 'flatten', name: ctx.name, position: { ...origin } });
        ctx.connect(v.nodeId, id);
        ctx.set({ kind: 'node', nodeId: id, size: v.size });
      },
    },
  },
  // Between nodes every value is already a flat row (channels last): Flatten is the same values.
  pytorch: (ctx) => ({ init: [], forward: [`${ctx.name} = ${ctx.inputs[0]!}`], params: [] }),
  numpy: (ctx) => ({ forward: [`${ctx.name} = ${ctx.inputs[0]!}`], backward: [`d_${ctx.inputs[0]!} += d_${ctx.name}`], params: [] }),
  reference: (_node, inputs) => [...inputs[0]!],
  examples: {
    networks: () => [
      exampleNetwork('flatten a 2×3×2 image into a dense layer', [
        imageInput('a', [2, 3, 2]),
        { id: 'f', type: 'flatten', name: 'f', position: origin },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 2, activation: 'tanh', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'f'], ['f', 'h'], ['h', 'out']]),
    ],
    wrongArity: () => exampleNetwork('flatten with two inputs', [
      imageInput('a', [2, 2, 1]),
      imageInput('b', [2, 2, 1], 5),
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'f'], ['b', 'f'], ['f', 'out']]),
    wrongShape: () => ({ none: 'Flatten lays out values of any shape as a vector' }),
  },
};
