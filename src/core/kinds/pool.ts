/**
 * MaxPool2D and AveragePool2D: a window of poolSize slid over each channel of an image [h, w, c] by `strides`
 * (padding valid/same, image.ts), giving [oh, ow, c]. No parameters.
 *   max:     a = max of the window's cells inside the image; backward: the gradient goes to that cell (the first
 *            maximum in row-major order when several are equal);
 *   average: a = mean of the window's cells inside the image (padding not counted); backward: shared equally.
 * ONNX: MaxPool / AveragePool (count_include_pad 0) on NCHW with explicit pads.
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { exampleNetwork, onnxOp, origin, positiveInt } from './common';
import { asImage, attrInts, fromNchw, geometry, imageInput, inferWindowed, intsAttr, nchwSource, PADDINGS, padsOf, paddingFromPads, toNchw, windowOf, type Geometry, codeGeometry, numpyCol2im, numpyWindows, torchFlat, torchNchw } from './image';
import type { KindDef, KindNode, PlanNode } from './kind';
import { floats } from './kind';

const pair = () => z.tuple([positiveInt(), positiveInt()]);
const props = z.object({
  /** Window height and width. */
  kernelSize: pair(),
  strides: pair(),
  padding: z.enum(PADDINGS),
});
type PoolProps = z.infer<typeof props>;
export type MaxPool2DNode = KindNode<'maxPool2d', PoolProps>;
export type AveragePool2DNode = KindNode<'averagePool2d', PoolProps>;

const geometries = new WeakMap<PlanNode, Geometry>();
function geo(nodes: readonly PlanNode[], p: PlanNode): Geometry {
  let g = geometries.get(p);
  if (!g) geometries.set(p, (g = geometry(asImage(nodes[p.inputs[0]!]!.shape)!, windowOf(p.node as MaxPool2DNode, 'pool') as Exclude<ReturnType<typeof windowOf>, string>, 'pool window') as Geometry));
  return g;
}

/** Visit each output cell with the input cells of its window inside the image. */
function eachWindow(g: Geometry, batch: number, visit: (out: number, cells: number[]) => void): void {
  const cells: number[] = [];
  let out = 0;
  for (let b = 0; b < batch; b++) {
    const xb = b * g.h * g.w * g.c;
    for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) for (let ch = 0; ch < g.c; ch++) {
      cells.length = 0;
      for (let ky = 0; ky < g.kh; ky++) {
        const iy = oy * g.sh + ky - g.top;
        if (iy < 0 || iy >= g.h) continue;
        for (let kx = 0; kx < g.kw; kx++) {
          const ix = ox * g.sw + kx - g.left;
          if (ix >= 0 && ix < g.w) cells.push(xb + (iy * g.w + ix) * g.c + ch);
        }
      }
      visit(out++, cells);
    }
  }
}

/** Max pooling without the general window walk (the hot path of a CNN): y = window max, arg = its input index. */
function maxPoolForward(g: Geometry, batch: number, x: Float32Array, y: Float32Array, arg: Float32Array): void {
  const { h, w, c, kh, kw, sh, sw, oh, ow, top, left } = g;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xb = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(h, oy * sh - top + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(w, ox * sw - left + kw);
        for (let ch = 0; ch < c; ch++) {
          let best = xb + (y0 * w + x0) * c + ch;
          let bestValue = x[best]!;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const k = xb + (iy * w + ix) * c + ch;
              if (x[k]! > bestValue) {
                bestValue = x[k]!;
                best = k;
              }
            }
          }
          y[o] = bestValue;
          arg[o++] = best;
        }
      }
    }
  }
}

function referencePool(mode: 'max' | 'average', node: PoolProps, x: readonly number[], shape: readonly number[]): number[] {
  const g = geometry(asImage(shape)!, windowOf(node, 'pool') as Exclude<ReturnType<typeof windowOf>, string>, 'pool window') as Geometry;
  const out: number[] = [];
  eachWindow(g, 1, (_o, cells) => {
    const v = cells.map((k) => x[k]!);
    out.push(mode === 'max' ? Math.max(...v) : v.reduce((a, b) => a + b, 0) / v.length);
  });
  return out;
}

function makePool<T extends 'maxPool2d' | 'averagePool2d'>(type: T, mode: 'max' | 'average'): KindDef<T, typeof props> {
  const op = mode === 'max' ? 'MaxPool' : 'AveragePool';
  return {
    type,
    idPrefix: mode === 'max' ? 'maxpool' : 'avgpool',
    label: mode === 'max' ? 'MaxPool2D' : 'AveragePool2D',
    description: mode === 'max'
      ? 'Shrinks an image by keeping the largest value of each small window, channel by channel.'
      : 'Shrinks an image by averaging each small window, channel by channel.',
    props,
    defaults: () => ({ kernelSize: [2, 2], strides: [2, 2], padding: 'valid' }),
    minInputs: 1,
    maxInputs: 1,
    hasOutput: true,
    infer: (ctx) => inferWindowed(ctx, windowOf(ctx.node, 'pool'), 'pool window', null, 'pools'),
    activationThrough: mode === 'max' ? 'single' : undefined,
    slots: [],
    allocate(ws, p, i) {
      const n = ws.batch * p.size;
      ws.a[i] = floats(ws, n);
      if (p.needsGrad) ws.da[i] = floats(ws, n);
      // Max: the input index of each output's maximum (exact in float32 below 2^24 values).
      if (mode === 'max') ws.scratch[i] = floats(ws, n);
    },
    forward(c, p, i) {
      const x = c.ws.a[p.inputs[0]!]!;
      const y = c.ws.a[i]!;
      const g = geo(c.nodes, p);
      const arg = c.ws.scratch[i];
      if (mode === 'max') {
        maxPoolForward(g, c.ws.batch, x, y, arg!);
        return;
      }
      eachWindow(g, c.ws.batch, (o, cells) => {
        let s = 0;
        for (const k of cells) s += x[k]!;
        y[o] = s / cells.length;
      });
    },
    backward(c, p, i) {
      const dx = c.ws.da[p.inputs[0]!];
      if (!dx) return;
      const dy = c.ws.da[i]!;
      if (mode === 'max') {
        /** dLoss/dx at each window's maximum += dLoss/dy */
        const arg = c.ws.scratch[i]!;
        const n = c.ws.batch * p.size;
        for (let o = 0; o < n; o++) dx[arg[o]!] += dy[o]!;
        return;
      }
      /** dLoss/dx of each cell += dLoss/dy / (cells in the window) */
      eachWindow(geo(c.nodes, p), c.ws.batch, (o, cells) => {
        const share = dy[o]! / cells.length;
        for (const k of cells) dx[k] += share;
      });
    },
    onnx: {
      export(ctx) {
        const g = geometry(asImage(ctx.inputShapes[0])!, windowOf(ctx.node, 'pool') as Exclude<ReturnType<typeof windowOf>, string>, 'pool window') as Geometry;
        const xs = toNchw(ctx, ctx.inputs[0]!, asImage(ctx.inputShapes[0])!);
        const pooled = ctx.unique(`${ctx.base}/pool`);
        ctx.add(op, pooled, [xs], [pooled], [attrInts('kernel_shape', [g.kh, g.kw]), attrInts('strides', [g.sh, g.sw]), attrInts('pads', padsOf(g))]);
        return fromNchw(ctx, pooled, ctx.plan.shape, ctx.base);
      },
      import: {
        ops: { [op]: mode === 'max' ? onnxOp(1, [1, 1], [1, 2], { auto_pad: 'string', ceil_mode: 'int', dilations: 'ints', kernel_shape: 'ints', pads: 'ints', strides: 'ints', storage_order: 'int' }, ['kernel_shape']) : onnxOp(1, [1, 1], [1, 1], { auto_pad: 'string', ceil_mode: 'int', dilations: 'ints', kernel_shape: 'ints', pads: 'ints', strides: 'ints', count_include_pad: 'int' }, ['kernel_shape']) },
        run(ctx) {
          const src = nchwSource(ctx);
          const kernel = intsAttr(ctx, 'kernel_shape', 2, []) as [number, number];
          if (kernel.length !== 2) throw ctx.fail(`${op} needs kernel_shape`);
          if (mode === 'max' && ctx.onnx.outputs.filter((o) => o !== '').length > 1) throw ctx.fail('MaxPool with an Indices output is not supported');
          if (mode === 'average' && ctx.intAttr('count_include_pad', 0) !== 0) throw ctx.fail('AveragePool with count_include_pad 1 is not supported');
          if (ctx.intAttr('ceil_mode', 0) !== 0) throw ctx.fail('ceil_mode 1 is not supported');
          if (intsAttr(ctx, 'dilations', 2, [1, 1]).some((d) => d !== 1)) throw ctx.fail('dilations other than 1 are not supported');
          const strides = intsAttr(ctx, 'strides', 2, [1, 1]) as [number, number];
          const padding = paddingFromPads(ctx, src.shape, kernel, strides);
          const id = ctx.addNode({ id: '', type, name: ctx.name, position: { ...origin }, kernelSize: kernel, strides, padding } as unknown as NetworkNode);
          ctx.connect(src.id, id);
          const g = geometry(src.shape, { kh: kernel[0], kw: kernel[1], sh: strides[0], sw: strides[1], padding }, 'pool window') as Geometry;
          ctx.set({ kind: 'node', nodeId: id, size: g.oh * g.ow * g.c, image: { shape: [g.oh, g.ow, g.c], layout: 'nchw' } });
        },
      },
    },
    pytorch(ctx) {
      const { name, plan: p } = ctx;
      const g = codeGeometry(ctx.inputShapes[0], ctx.node, 'pool');
      const win = `(${g.kh}, ${g.kw}), stride=(${g.sh}, ${g.sw})`;
      if (mode === 'max') {
        // Padded cells are -inf, so a window's maximum is that of its cells inside the image.
        return { init: [], forward: [`${name} = ${torchFlat(`F.max_pool2d(${torchNchw(ctx.inputs[0]!, g, '-float("inf")')}, ${win})`, p.size)}`], params: [] };
      }
      const padded = g.top + g.bottom + g.left + g.right > 0;
      if (!padded) return { init: [], forward: [`${name} = ${torchFlat(`F.avg_pool2d(${torchNchw(ctx.inputs[0]!, g, '0')}, ${win})`, p.size)}`], params: [] };
      // Padded cells are not counted: the window sum over zero padding divided by the window's count of image cells.
      const ones = `F.pad(torch.ones(1, 1, ${g.h}, ${g.w}, dtype=${ctx.inputs[0]!}.dtype, device=${ctx.inputs[0]!}.device), (${g.left}, ${g.right}, ${g.top}, ${g.bottom}))`;
      return {
        init: [],
        forward: [`${name} = ${torchFlat(`(F.avg_pool2d(${torchNchw(ctx.inputs[0]!, g, '0')}, ${win}, divisor_override=1) / F.avg_pool2d(${ones}, ${win}, divisor_override=1))`, p.size)}`],
        params: [],
      };
    },
    numpy(ctx) {
      const { name, plan: p } = ctx;
      const x = ctx.inputs[0]!;
      const g = codeGeometry(ctx.inputShapes[0], ctx.node, 'pool');
      const cells = g.kh * g.kw;
      if (mode === 'max') {
        return {
          forward: [
            ...numpyWindows(name, x, g, '-np.inf'),
            `${name}_arg = ${name}_cols.argmax(axis=3)  # the first maximum of each window, in row-major order`,
            `${name} = ${name}_cols.max(axis=3).reshape(len(${x}), ${p.size})`,
          ],
          backward: [
            `${name}_dcols = (np.arange(${cells}).reshape(1, 1, 1, ${cells}, 1) == ${name}_arg[:, :, :, None, :]) * d_${name}.reshape(-1, ${g.oh}, ${g.ow}, 1, ${g.c})`,
            ...numpyCol2im(name, x, g, `${name}_dcols`),
          ],
          params: [],
        };
      }
      return {
        forward: [
          ...numpyWindows(name, x, g, '0'),
          '# Padded cells are not counted: each window\'s number of cells inside the image.',
          `${name}_count = np.pad(np.ones((1, ${g.h}, ${g.w}, 1), dtype=np.float32), ((0, 0), (${g.top}, ${g.bottom}), (${g.left}, ${g.right}), (0, 0)))`,
          `${name}_count = np.stack([${name}_count[:, ky:ky + ${(g.oh - 1) * g.sh + 1}:${g.sh}, kx:kx + ${(g.ow - 1) * g.sw + 1}:${g.sw}, :] for ky in range(${g.kh}) for kx in range(${g.kw})], axis=3).sum(axis=3)`,
          `${name} = (${name}_cols.sum(axis=3) / ${name}_count).reshape(len(${x}), ${p.size})`,
        ],
        backward: [
          `${name}_dcols = np.broadcast_to((d_${name}.reshape(-1, ${g.oh}, ${g.ow}, ${g.c}) / ${name}_count)[:, :, :, None, :], (len(${x}), ${g.oh}, ${g.ow}, ${cells}, ${g.c}))`,
          ...numpyCol2im(name, x, g, `${name}_dcols`),
        ],
        params: [],
      };
    },
    reference: (node, inputs, _params, _x, _names, shapes) => referencePool(mode, node, inputs[0]!, shapes[0]!),
    examples: {
      networks: () => [
        exampleNetwork(`conv, then ${mode} pool 2×2 valid, into a dense layer`, [
          imageInput('a', [5, 5, 1]),
          { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 2, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', activation: 'tanh', useBias: true },
          { id: 'p', type, name: 'p', position: origin, kernelSize: [2, 2], strides: [2, 2], padding: 'valid' } as unknown as NetworkNode,
          { id: 'f', type: 'flatten', name: 'f', position: origin },
          { id: 'h', type: 'dense', name: 'h', position: origin, units: 2, activation: 'linear', useBias: true },
          { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
        ] satisfies NetworkNode[], [['a', 'c'], ['c', 'p'], ['p', 'f'], ['f', 'h'], ['h', 'out']]),
        exampleNetwork(`conv, then ${mode} pool 3×2 same with strides 2×1`, [
          imageInput('a', [4, 5, 2]),
          { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true },
          { id: 'p', type, name: 'p', position: origin, kernelSize: [3, 2], strides: [2, 1], padding: 'same' } as unknown as NetworkNode,
          { id: 'f', type: 'flatten', name: 'f', position: origin },
          { id: 'h', type: 'dense', name: 'h', position: origin, units: 2, activation: 'linear', useBias: false },
          { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
        ] satisfies NetworkNode[], [['a', 'c'], ['c', 'p'], ['p', 'f'], ['f', 'h'], ['h', 'out']]),
      ],
      wrongArity: () => exampleNetwork('pool with no input', [
        imageInput('a', [2, 2, 1]),
        { id: 'p', type, name: 'p', position: origin, kernelSize: [2, 2], strides: [2, 2], padding: 'valid' } as unknown as NetworkNode,
        { id: 'f', type: 'flatten', name: 'f', position: origin },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
      ], [['a', 'f'], ['p', 'f'], ['f', 'out']]),
      wrongShape: () => exampleNetwork('pool of a vector', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2', 'x3', 'x4'] },
        { id: 'p', type, name: 'p', position: origin, kernelSize: [2, 2], strides: [2, 2], padding: 'valid' } as unknown as NetworkNode,
        { id: 'f', type: 'flatten', name: 'f', position: origin },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
      ], [['a', 'p'], ['p', 'f'], ['f', 'out']]),
    },
  };
}

export const maxPool2d = makePool('maxPool2d', 'max');
export const averagePool2d = makePool('averagePool2d', 'average');
