/**
 * Conv2D: `filters` learned kh×kw×c kernels slid over an image [h, w, c] (stride, padding valid/same, dilation 1):
 *   z[b, oy, ox, f] = Σ_{ky,kx,ch} x[b, oy·sh + ky − top, ox·sw + kx − left, ch] · K[ky, kx, ch, f] + bias[f],  a = f(z)
 * computed as one matrix product over im2col patches (image.ts) with the shared GEMM: z = patches · K.
 * backward: dz = da·f'(z);  dK += patchesᵀ · dz;  dbias += Σ dz;  dpatches = dz · Kᵀ, scattered back into dx (col2im).
 * Shape [oh, ow, filters]. Slots `kernel` [kh, kw, c, filters] (fans kh·kw·c in, kh·kw·filters out) and `bias`
 * [filters] on the node. ONNX: Conv on NCHW (kernel transposed to [filters, c, kh, kw]), explicit pads.
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { gemmNN, gemmNT, gemmTN } from '../kernels';
import { UNITS } from '../limits';
import { activationField, exampleNetwork, finite, onnxOp, origin, positiveInt, referenceActivation } from './common';
import { addColumnSums, asImage, attrInts, col2im, fillRows, imageChainExample, fromNchw, geometry, im2col, imageInput, inferWindowed, intsAttr, nchwSource, PADDINGS, padsOf, paddingFromPads, toNchw, windowOf, type Geometry, codeGeometry, numpyCol2im, numpyWindows, torchFlat, torchNchw } from './image';
import { type KindDef, type KindNode, type PlanNode, floats } from './kind';

const pair = () => z.tuple([positiveInt(), positiveInt()]);

const props = z.object({
  filters: positiveInt().max(UNITS.max, { error: `expected at most ${UNITS.max} filters` }),
  /** Kernel height and width. */
  kernelSize: pair(),
  /** Step down and across between windows. */
  strides: pair(),
  padding: z.enum(PADDINGS),
  activation: activationField(),
  useBias: z.boolean(),
  /** The learned kernels, [kh, kw, c, filters] row-major; absent before the first training. */
  kernel: z.array(finite()).optional(),
  bias: z.array(finite()).optional(),
});
export type Conv2DNode = KindNode<'conv2d', z.infer<typeof props>>;

/** The geometry of a compiled Conv2D node (its input's shape is the plan's). */
export function convGeometry(p: PlanNode, input: PlanNode): Geometry {
  const g = geometry(asImage(input.shape)!, windowOf(p.node as Conv2DNode, 'kernel') as Exclude<ReturnType<typeof windowOf>, string>, 'kernel');
  return g as Geometry;
}

const geometries = new WeakMap<PlanNode, Geometry>();
function geo(c: { nodes: readonly PlanNode[] }, p: PlanNode): Geometry {
  let g = geometries.get(p);
  if (!g) geometries.set(p, (g = convGeometry(p, c.nodes[p.inputs[0]!]!)));
  return g;
}

/**
 * Its workspace per example: the patches (oh·ow rows of kh·kw·c), and when a gradient flows through it a second
 * buffer of the same size for dpatches.
 */
const patchValues = (node: Conv2DNode, shape: readonly number[], channels: number, needsGrad: boolean): number =>
  shape[0]! * shape[1]! * node.kernelSize[0] * node.kernelSize[1] * channels * (needsGrad ? 2 : 1);

/** A float64 accumulator of at least n values, shared (single-threaded: no two nodes use it at once). */
let sums = new Float64Array(64);
const biasSums = (n: number): Float64Array => (sums.length >= n ? sums : (sums = new Float64Array(n)));

const isLinear = (p: PlanNode) => p.activation?.name === 'linear';

export const conv2d: KindDef<'conv2d', typeof props> = {
  type: 'conv2d',
  idPrefix: 'conv',
  label: 'Conv2D',
  description: 'Slides small learned filters over an image; each filter gives a map of where its pattern appears.',
  props,
  defaults: () => ({ filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', useBias: true }),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: true,
  infer(ctx) {
    const { node } = ctx;
    if (!(Number.isInteger(node.filters) && node.filters >= 1)) {
      return { problem: { severity: 'error', code: 'invalid-units', message: `"${node.name || node.id}" has ${String(node.filters)} filters: a Conv2D needs a whole number of filters, at least 1.`, nodeIds: [node.id], edgeIds: [], field: 'filters' } };
    }
    return inferWindowed(ctx, windowOf(node, 'kernel'), 'kernel', node.filters, 'convolves');
  },
  activation: (node) => node.activation,
  slots: [
    {
      name: 'kernel', on: 'node', init: 'fan', regularized: true,
      shape: (node, output, input) => (asImage(input) ? [node.kernelSize[0], node.kernelSize[1], input![2]!, output[2]!] : null),
      fan: (shape) => ({ in: shape[0]! * shape[1]! * shape[2]!, out: shape[0]! * shape[1]! * shape[3]! }),
      read: (node) => node.kernel,
      write: (node, values) => ({ ...node, kernel: [...values] }),
      clear: ({ kernel: _dropped, ...node }) => node,
    },
    {
      name: 'bias', on: 'node', init: 'zeros', regularized: false,
      shape: (node, output) => (node.useBias !== false ? [output[2]!] : null),
      read: (node) => node.bias,
      write: (node, values) => ({ ...node, bias: [...values] }),
      clear: ({ bias: _dropped, ...node }) => node,
    },
  ],
  workspace: (node, shape, input, needsGrad) => patchValues(node, shape, asImage(input)?.[2] ?? 0, needsGrad),
  allocate(ws, p, i) {
    const n = ws.batch * p.size;
    ws.z[i] = floats(ws, n);
    ws.a[i] = isLinear(p) ? ws.z[i]! : floats(ws, n);
    if (p.needsGrad) {
      ws.da[i] = floats(ws, n);
      ws.dz[i] = isLinear(p) ? ws.da[i] : floats(ws, n);
    }
    ws.scratch[i] = floats(ws, ws.batch * patchValues(p.node as Conv2DNode, p.shape, p.slots.kernel!.shape[2]!, p.needsGrad));
  },
  forward(c, p, i) {
    const { ws, params } = c;
    const g = geo(c, p);
    const F = p.shape[2]!;
    const M = ws.batch * g.oh * g.ow;
    const K = g.kh * g.kw * g.c;
    const patches = ws.scratch[i]!.subarray(0, M * K);
    im2col(g, ws.batch, ws.a[p.inputs[0]!]!, patches);
    const z = ws.z[i]!;
    if (p.bias) fillRows(z, M, F, params, p.bias.offset);
    else z.fill(0);
    /** z += patches · K */
    gemmNN(M, F, K, patches, 0, params, p.slots.kernel!.offset, z, 0);
    p.activation!.apply(z, ws.a[i]!, ws.batch, p.size);
  },
  backward(c, p, i) {
    const { ws, params, grads } = c;
    const g = geo(c, p);
    const F = p.shape[2]!;
    const M = ws.batch * g.oh * g.ow;
    const K = g.kh * g.kw * g.c;
    const dz = ws.dz[i]!;
    /** dLoss/dz = dLoss/da · f'(z), unless the loss gave dLoss/dz. */
    if (c.fusedIndex !== i) p.activation!.backprop(ws.z[i]!, ws.a[i]!, ws.da[i]!, dz, ws.batch, p.size);
    /** dLoss/dbias += Σ over every output pixel of dz */
    if (p.bias) addColumnSums(dz, M, F, grads, p.bias.offset, biasSums(F));
    const s = ws.scratch[i]!;
    const patches = s.subarray(0, M * K);
    const kOff = p.slots.kernel!.offset;
    /** dLoss/dK += patchesᵀ · dz */
    gemmTN(K, F, M, patches, 0, dz, 0, grads, kOff);
    const dx = ws.da[p.inputs[0]!];
    if (!dx) return;
    /** dLoss/dpatches = dz · Kᵀ, then each patch value goes back to its pixel. */
    const dpatches = s.subarray(M * K, 2 * M * K);
    dpatches.fill(0);
    gemmNT(M, K, F, dz, 0, params, kOff, dpatches, 0);
    col2im(g, ws.batch, dpatches, dx);
  },
  onnx: {
    export(ctx) {
      const { plan: p, params, base } = ctx;
      const k = p.slots.kernel!;
      const [kh, kw, cin, F] = k.shape as [number, number, number, number];
      const src = asImage(ctx.inputShapes[0])!;
      const g = geometry(src, windowOf(ctx.node, 'kernel') as Exclude<ReturnType<typeof windowOf>, string>, 'kernel') as Geometry;
      const w = new Float32Array(F * cin * kh * kw);
      for (let f = 0; f < F; f++) for (let ch = 0; ch < cin; ch++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        w[((f * cin + ch) * kh + ky) * kw + kx] = params[k.offset + ((ky * kw + kx) * cin + ch) * F + f]!;
      }
      const xs = toNchw(ctx, ctx.inputs[0]!, src);
      const inputs = [xs, ctx.constant(ctx.unique(`${base}/W`), [F, cin, kh, kw], w)];
      if (p.bias) inputs.push(ctx.constant(ctx.unique(`${base}/b`), [F], params.subarray(p.bias.offset, p.bias.offset + F)));
      const conv = ctx.unique(`${base}/conv`);
      ctx.add('Conv', conv, inputs, [conv], [attrInts('kernel_shape', [kh, kw]), attrInts('strides', [g.sh, g.sw]), attrInts('pads', padsOf(g)), attrInts('dilations', [1, 1])]);
      const act = ctx.node.activation;
      const zName = act === 'linear' ? base : ctx.unique(`${base}/z`);
      fromNchw(ctx, conv, p.shape, zName);
      if (act !== 'linear') ctx.activation(act, base, zName, base);
      return base;
    },
    import: {
      ops: { Conv: onnxOp(1, [2, 3], [1, 1], { auto_pad: 'string', dilations: 'ints', group: 'int', kernel_shape: 'ints', pads: 'ints', strides: 'ints' }) },
      run(ctx) {
        const src = nchwSource(ctx);
        const wv = ctx.value(ctx.ins[1] ?? '');
        if (wv.kind !== 'const' || !wv.tensor.floats || wv.tensor.dims.length !== 4) throw ctx.fail('Conv is supported only with a constant float32 kernel [filters, channels, kh, kw]');
        const [F, cin, kh, kw] = wv.tensor.dims as [number, number, number, number];
        if (cin !== src.shape[2]) throw ctx.fail(`its kernel has ${cin} channels but its input has ${src.shape[2]}`);
        if (ctx.intAttr('group', 1) !== 1) throw ctx.fail('grouped convolutions are not supported');
        const dil = intsAttr(ctx, 'dilations', 2, [1, 1]);
        if (dil.some((d) => d !== 1)) throw ctx.fail('dilations other than 1 are not supported');
        const strides = intsAttr(ctx, 'strides', 2, [1, 1]) as [number, number];
        const padding = paddingFromPads(ctx, src.shape, [kh, kw], strides);
        const floats = wv.tensor.floats;
        const kernel = new Array<number>(F * cin * kh * kw);
        for (let f = 0; f < F; f++) for (let ch = 0; ch < cin; ch++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
          kernel[((ky * kw + kx) * cin + ch) * F + f] = floats[((f * cin + ch) * kh + ky) * kw + kx]!;
        }
        let bias: number[] | undefined;
        if (ctx.ins[2] !== undefined) {
          const b = ctx.value(ctx.ins[2]);
          if (b.kind !== 'const' || !b.tensor.floats || b.tensor.floats.length !== F) throw ctx.fail(`its bias must be a constant float32 tensor of ${F} values`);
          bias = Array.from(b.tensor.floats);
        }
        const node: Conv2DNode = { id: '', type: 'conv2d', name: ctx.name, position: { ...origin }, filters: F, kernelSize: [kh, kw], strides, padding, activation: 'linear', useBias: bias !== undefined, kernel, ...(bias ? { bias } : {}) };
        const id = ctx.addNode(node);
        ctx.connect(src.id, id);
        const g = geometry(src.shape, { kh, kw, sh: strides[0], sw: strides[1], padding }, 'kernel') as Geometry;
        ctx.set({ kind: 'node', nodeId: id, size: g.oh * g.ow * F, image: { shape: [g.oh, g.ow, F], layout: 'nchw' } });
      },
    },
  },
  pytorch(ctx) {
    const { name, plan: p } = ctx;
    const g = codeGeometry(ctx.inputShapes[0], ctx.node, 'kernel');
    const F = p.shape[2]!;
    const act = ctx.node.activation;
    const z = act === 'linear' ? name : `${name}_z`;
    const bias = p.bias ? `self.${name}.bias` : 'None';
    // The kernel is kept in Netwright's layout [kh, kw, c, filters] (flat), permuted to torch's [filters, c, kh, kw].
    const forward = [
      `${z} = ${torchFlat(`F.conv2d(${torchNchw(ctx.inputs[0]!, g, '0')}, self.${name}.kernel.reshape(${g.kh}, ${g.kw}, ${g.c}, ${F}).permute(3, 2, 0, 1), ${bias}, stride=(${g.sh}, ${g.sw}))`, p.size)}`,
    ];
    if (act !== 'linear') forward.push(`${name} = ${ctx.activation(act, z)}`);
    return {
      init: [
        `self.${name} = nn.Module()`,
        `self.${name}.kernel = nn.Parameter(torch.zeros(${g.kh * g.kw * g.c * F}))`,
        ...(p.bias ? [`self.${name}.bias = nn.Parameter(torch.zeros(${F}))`] : []),
      ],
      forward,
      preactivation: z,
      params: [
        { path: `${name}.kernel`, parts: [{ slot: 'kernel' }], transpose: false, regularized: true },
        ...(p.bias ? [{ path: `${name}.bias`, parts: [{ slot: 'bias' }], transpose: false, regularized: false }] : []),
      ],
    };
  },
  numpy(ctx) {
    const { name, plan: p } = ctx;
    const x = ctx.inputs[0]!;
    const g = codeGeometry(ctx.inputShapes[0], ctx.node, 'kernel');
    const F = p.shape[2]!;
    const K = g.kh * g.kw * g.c;
    const act = ctx.node.activation;
    const kernel = { variable: `kernel_${name}`, part: { slot: 'kernel' }, shape: [K, F] };
    const bias = p.bias ? { variable: `b_${name}`, part: { slot: 'bias' }, shape: [F] } : null;
    return {
      forward: [
        ...numpyWindows(name, x, g, '0'),
        `${name}_patches = ${name}_cols.reshape(-1, ${K})`,
        `${name}_z = (${name}_patches @ ${kernel.variable}${bias ? ` + ${bias.variable}` : ''}).reshape(len(${x}), ${p.size})`,
        `${name} = ${ctx.activation(act, `${name}_z`)}`,
      ],
      backward: [
        `d_${name}_z = (${ctx.activationGrad(act, `${name}_z`, name, `d_${name}`)}).reshape(-1, ${F})`,
        `g_${kernel.variable} = ${name}_patches.T @ d_${name}_z`,
        ...(bias ? [`g_${bias.variable} = d_${name}_z.sum(axis=0)`] : []),
        `${name}_dcols = (d_${name}_z @ ${kernel.variable}.T).reshape(-1, ${g.oh}, ${g.ow}, ${g.kh * g.kw}, ${g.c})`,
        ...numpyCol2im(name, x, g, `${name}_dcols`),
      ],
      params: [kernel, ...(bias ? [bias] : [])],
    };
  },
  reference(node, inputs, params, _x, _names, shapes) {
    const x = inputs[0]!;
    const kernel = params.node.kernel!;
    const [kh, kw] = node.kernelSize;
    const F = node.filters;
    const [h, w, cin] = asImage(shapes[0])!;
    const g = geometry([h, w, cin], windowOf(node, 'kernel') as Exclude<ReturnType<typeof windowOf>, string>, 'kernel') as Geometry;
    const zs: number[] = [];
    for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) for (let f = 0; f < F; f++) {
      let s = node.useBias !== false ? params.node.bias![f]! : 0;
      for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        const iy = oy * g.sh + ky - g.top;
        const ix = ox * g.sw + kx - g.left;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
        for (let ch = 0; ch < cin; ch++) s += x[(iy * g.w + ix) * cin + ch]! * kernel[((ky * kw + kx) * cin + ch) * F + f]!;
      }
      zs.push(s);
    }
    return referenceActivation(node.activation, zs);
  },
  examples: {
    networks: () => [
      imageChainExample('conv 3×3 valid on a 5×4×2 image, then flatten into a dense layer', [5, 4, 2], [
        { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'tanh', useBias: true },
        { id: 'f', type: 'flatten', name: 'f', position: origin },
      ], 2),
      exampleNetwork('conv 2×3 same with stride 2, no bias, then another conv, into a softmax', [
        imageInput('a', [5, 5, 1]),
        { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 2, kernelSize: [2, 3], strides: [2, 2], padding: 'same', activation: 'relu', useBias: false },
        { id: 'd', type: 'conv2d', name: 'd', position: origin, filters: 2, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', activation: 'sigmoid', useBias: true },
        { id: 'f', type: 'flatten', name: 'f', position: origin },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'softmax', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'softmaxCrossEntropy', targets: ['y1', 'y2', 'y3'] },
      ] satisfies NetworkNode[], [['a', 'c'], ['c', 'd'], ['d', 'f'], ['f', 'h'], ['h', 'out']]),
    ],
    wrongArity: () => exampleNetwork('conv with two inputs', [
      imageInput('a', [3, 3, 1]),
      imageInput('b', [3, 3, 1], 10),
      { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 1, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true },
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'c'], ['b', 'c'], ['c', 'f'], ['f', 'out']]),
    wrongShape: () => exampleNetwork('a 5×5 kernel on a 4×4 image', [
      imageInput('a', [4, 4, 1]),
      { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 1, kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true },
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'c'], ['c', 'f'], ['f', 'out']]),
  },
};
