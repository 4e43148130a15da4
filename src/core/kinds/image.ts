/**
 * What the image kinds (Conv2D, MaxPool2D, AveragePool2D, GlobalAveragePool, BatchNorm on images, Flatten) share.
 *
 * Layout: an image value is [h, w, c], stored like every value as a flat row-major float32 row per example, so
 * channels last (NHWC): value (y, x, ch) of example b is at b·h·w·c + (y·w + x)·c + ch. A convolution is then one
 * matrix product over im2col patches: patches [B·oh·ow, kh·kw·c] · kernel [kh·kw·c, filters] = z [B·oh·ow, filters],
 * which is already NHWC.
 *
 * Geometry as in Keras/TensorFlow: padding 'valid' uses only windows inside the image, oh = ⌊(h − kh)/sh⌋ + 1;
 * 'same' gives oh = ⌈h/sh⌉ and pads with pad = max((oh − 1)·sh + kh − h, 0) split top ⌊pad/2⌋, bottom the rest
 * (likewise for the width). Padded cells are zeros for a convolution, ignored by max pooling, and not counted by
 * average pooling.
 *
 * ONNX: between Netwright nodes every tensor is [N, size] (channels last, row-major), as for vectors. An image kind
 * reshapes to [N, h, w, c], transposes to NCHW, applies its operator, and transposes and reshapes back. The import
 * reads Reshape/Transpose as layout changes of the same value (`ImportValue.image`), not as nodes.
 */
import type { NetworkDocument, NetworkNode } from '../document';
import { exampleNetwork, origin } from './common';
import { AttributeType, type OnnxAttribute } from '../onnx/onnx';
import { nodeLabel, problem, shapeSize, type InferContext, type InferResult, type OnnxExportContext, type OnnxImportContext, type Shape } from './kind';

export type Padding = 'valid' | 'same';
export const PADDINGS = ['valid', 'same'] as const;

/** [h, w, c] of an image shape, or null for anything else. */
export const asImage = (s: Shape | undefined): [number, number, number] | null => (s !== undefined && s.length === 3 ? [s[0]!, s[1]!, s[2]!] : null);

export interface Window {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padding: Padding;
}

export interface Geometry extends Window {
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  /** Padding before the first row and column. */
  top: number;
  left: number;
  /** Padding after the last (ONNX's pads end). */
  bottom: number;
  right: number;
}

/** The output geometry of a window over an image, or why it does not fit, in words. */
export function geometry(input: readonly [number, number, number], win: Window, what: string): Geometry | string {
  const [h, w, c] = input;
  const { kh, kw, sh, sw, padding } = win;
  if (padding === 'valid' && (kh > h || kw > w)) {
    return `a ${kh}×${kw} ${what} does not fit a ${h}×${w} input; use padding same or a smaller ${what}`;
  }
  const oh = padding === 'same' ? Math.ceil(h / sh) : Math.floor((h - kh) / sh) + 1;
  const ow = padding === 'same' ? Math.ceil(w / sw) : Math.floor((w - kw) / sw) + 1;
  const padH = padding === 'same' ? Math.max((oh - 1) * sh + kh - h, 0) : 0;
  const padW = padding === 'same' ? Math.max((ow - 1) * sw + kw - w, 0) : 0;
  const top = Math.floor(padH / 2);
  const left = Math.floor(padW / 2);
  return { h, w, c, kh, kw, sh, sw, padding, oh, ow, top, left, bottom: padH - top, right: padW - left };
}

/** Shape inference of a windowed kind: one image input, the window fits; `channels` of the output (null: the input's). */
export function inferWindowed<N extends { id: string; name?: unknown }>(ctx: InferContext<N>, win: Window | string, what: string, channels: number | null, kindWords: string): InferResult {
  const { node, inputs, edges, nodesById } = ctx;
  if (inputs.length !== 1 || inputs[0] === undefined) return undefined;
  if (typeof win === 'string') return { problem: problem('error', 'shape-mismatch', `${nodeLabel(node)}: ${win}.`, [node.id]) };
  const img = asImage(inputs[0]);
  if (!img) {
    return { problem: problem('error', 'shape-mismatch',
      `${nodeLabel(node)} ${kindWords} images [height×width×channels], but ${nodeLabel(nodesById[edges[0]!.source])} gives values of shape ${inputs[0].length === 1 ? `${inputs[0][0]} (a vector)` : `[${inputs[0].join('×')}]`}: give the Input an image shape such as [28, 28, 1].`,
      [node.id, edges[0]!.source], [edges[0]!.id]) };
  }
  const g = geometry(img, win, what);
  if (typeof g === 'string') return { problem: problem('error', 'shape-mismatch', `${nodeLabel(node)}: ${g}.`, [node.id, edges[0]!.source], [edges[0]!.id]) };
  return { shape: [g.oh, g.ow, channels ?? img[2]] };
}

/** A window's fields checked, or why not (the schema checks files; this checks documents being edited). */
export function windowOf(node: { kernelSize?: unknown; strides?: unknown; padding?: unknown }, word: string): Window | string {
  const pair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d >= 1) ? (v as [number, number]) : null;
  const k = pair(node.kernelSize);
  const s = pair(node.strides);
  if (!k) return `its ${word} size must be two whole numbers of at least 1 (height, width)`;
  if (!s) return 'its strides must be two whole numbers of at least 1 (down, across)';
  if (node.padding !== 'valid' && node.padding !== 'same') return 'its padding must be valid or same';
  return { kh: k[0], kw: k[1], sh: s[0], sw: s[1], padding: node.padding };
}

// ---------------------------------------------------------------------------------------------------------------
// im2col

/**
 * The one walk over im2col's windows, both ways: `gather` copies the image into the patches (padded cells 0),
 * otherwise the patches' gradients are added back into the image's (padded cells dropped).
 *   patches[(b·oh·ow + oy·ow + ox)·K + (ky·kw + kx)·c + ch] ↔ image at (b, oy·sh + ky − top, ox·sw + kx − left, ch).
 * For a fixed window row ky, the cells kx = 0…kw−1, ch = 0…c−1 inside the image are one contiguous run of the NHWC
 * row, so each window row moves as one run of at most kw·c values.
 */
function windowRows(g: Geometry, batch: number, image: Float32Array, patches: Float32Array, gather: boolean): void {
  const { h, w, c, kh, kw, sh, sw, oh, ow, top, left } = g;
  const rowLength = kw * c;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const xb = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - left;
        // The window's cells inside the image along a row: q from q0 to q1 (exclusive), q = kx·c + ch.
        const q0 = Math.max(0, -ix0) * c;
        const q1 = Math.max(q0, Math.min(kw, w - ix0) * c);
        for (let ky = 0; ky < kh; ky++, o += rowLength) {
          const iy = oy * sh + ky - top;
          const inside = iy >= 0 && iy < h;
          const at = xb + (iy * w + ix0) * c;
          if (gather) {
            const from = inside ? q0 : rowLength;
            const to = inside ? q1 : rowLength;
            for (let q = 0; q < from; q++) patches[o + q] = 0;
            for (let q = from; q < to; q++) patches[o + q] = image[at + q]!;
            for (let q = to; q < rowLength; q++) patches[o + q] = 0;
          } else if (inside) {
            for (let q = q0; q < q1; q++) image[at + q] += patches[o + q]!;
          }
        }
      }
    }
  }
}

/** patches[(b·oh·ow + oy·ow + ox)·K + (ky·kw + kx)·c + ch] = x at (b, oy·sh + ky − top, ox·sw + kx − left, ch), or 0. */
export const im2col = (g: Geometry, batch: number, x: Float32Array, patches: Float32Array): void => windowRows(g, batch, x, patches, true);

/** The reverse of im2col for gradients: dx += each patch value back where it came from (padded cells dropped). */
export const col2im = (g: Geometry, batch: number, dpatches: Float32Array, dx: Float32Array): void => windowRows(g, batch, dx, dpatches, false);

/** Each of the `rows` rows of `out` (row-major, `width` wide) = `row` (width values of `src` from `offset`). */
export function fillRows(out: Float32Array, rows: number, width: number, src: Float32Array, offset: number): void {
  if (rows === 0) return;
  for (let f = 0; f < width; f++) out[f] = src[offset + f]!;
  // Double the filled prefix each time: a few memory copies instead of rows·width stores.
  const n = rows * width;
  for (let filled = width; filled < n; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, n - filled));
}

/** sums[offset + f] += Σ over rows of m[row·width + f] (a column sum, accumulated in float64 per column). */
export function addColumnSums(m: Float32Array, rows: number, width: number, sums: Float32Array, offset: number, acc: Float64Array): void {
  acc.fill(0, 0, width);
  for (let r = 0, k = 0; r < rows; r++) for (let f = 0; f < width; f++) acc[f] += m[k++]!;
  for (let f = 0; f < width; f++) sums[offset + f] += acc[f]!;
}

// ---------------------------------------------------------------------------------------------------------------
// ONNX

export const attrInts = (name: string, ints: number[]): OnnxAttribute => ({ name, type: AttributeType.INTS, ints });

/** [N, h·w·c] → [N, c, h, w]. */
export function toNchw(ctx: OnnxExportContext<unknown>, input: string, shape: readonly [number, number, number]): string {
  const [h, w, c] = shape;
  const nhwc = ctx.unique(`${ctx.base}/nhwc`);
  ctx.add('Reshape', nhwc, [input, ctx.intConstant(ctx.unique(`${ctx.base}/nhwc_shape`), [4], [-1, h, w, c])], [nhwc]);
  const nchw = ctx.unique(`${ctx.base}/nchw`);
  ctx.add('Transpose', nchw, [nhwc], [nchw], [attrInts('perm', [0, 3, 1, 2])]);
  return nchw;
}

/** [N, c, h, w] → [N, h·w·c] into `output`. */
export function fromNchw(ctx: OnnxExportContext<unknown>, input: string, shape: readonly number[], output: string): string {
  const back = ctx.unique(`${ctx.base}/back`);
  ctx.add('Transpose', back, [input], [back], [attrInts('perm', [0, 2, 3, 1])]);
  ctx.add('Reshape', output, [back, ctx.intConstant(ctx.unique(`${ctx.base}/flat_shape`), [2], [-1, shapeSize(shape)])], [output]);
  return output;
}

/** Import: the value a windowed operator reads, which must be an image in NCHW; its node and shape. */
export function nchwSource(ctx: OnnxImportContext): { id: string; shape: [number, number, number] } {
  const v = ctx.value(ctx.ins[0] ?? '');
  if (v.kind !== 'node' || !v.image || v.image.layout !== 'nchw') {
    throw ctx.fail(`${ctx.onnx.opType} is supported only on an image value in NCHW layout (as Netwright exports it: Reshape to [N, h, w, c], then Transpose to NCHW)`);
  }
  return { id: v.nodeId, shape: asImage(v.image.shape)! };
}

/** Import: the ints attribute `name` (or the fallback), checked to have `count` values. */
export function intsAttr(ctx: OnnxImportContext, name: string, count: number, fallback: number[]): number[] {
  const a = ctx.attr(name);
  if (a === undefined) return fallback;
  if (a.type !== AttributeType.INTS || !a.ints || a.ints.length !== count) throw ctx.fail(`attribute ${name} should be ${count} integers`);
  return a.ints.map(Number);
}

/** Import: the padding mode that explicit ONNX pads [top, left, bottom, right] correspond to, or a refusal. */
export function paddingFromPads(ctx: OnnxImportContext, input: readonly [number, number, number], kernel: [number, number], strides: [number, number]): Padding {
  const autoPad = ctx.attr('auto_pad')?.s ?? 'NOTSET';
  if (autoPad === 'VALID') return 'valid';
  if (autoPad === 'SAME_UPPER') return 'same';
  if (autoPad !== 'NOTSET') throw ctx.fail(`auto_pad ${autoPad} is not supported`);
  const pads = intsAttr(ctx, 'pads', 4, [0, 0, 0, 0]);
  if (pads.every((p) => p === 0)) {
    const g = geometry(input, { kh: kernel[0], kw: kernel[1], sh: strides[0], sw: strides[1], padding: 'same' }, 'window');
    if (typeof g !== 'string' && g.top + g.bottom + g.left + g.right === 0) return 'same';
    return 'valid';
  }
  const g = geometry(input, { kh: kernel[0], kw: kernel[1], sh: strides[0], sw: strides[1], padding: 'same' }, 'window');
  if (typeof g !== 'string' && pads[0] === g.top && pads[1] === g.left && pads[2] === g.bottom && pads[3] === g.right) return 'same';
  throw ctx.fail(`pads [${pads.join(', ')}] are not supported (only none, or the padding 'same' gives: [${typeof g === 'string' ? '' : [g.top, g.left, g.bottom, g.right].join(', ')}])`);
}

/** Export: ONNX pads [top, left, bottom, right] of a geometry. */
export const padsOf = (g: Geometry): number[] => [g.top, g.left, g.bottom, g.right];

// ---------------------------------------------------------------------------------------------------------------
// Examples for the table-driven tests

/** An Input of an image shape reading features x{from}…, row-major (the tests name features x1…xk). */
export function imageInput(id: string, shape: [number, number, number], from = 1): NetworkNode {
  const n = shape[0] * shape[1] * shape[2];
  return { id, type: 'input', name: id, position: { x: 0, y: 0 }, features: Array.from({ length: n }, (_, k) => `x${from + k}`), shape: [...shape] };
}

/**
 * An example network that is one chain: an image Input of `shape`, the `middle` nodes in order, then a linear Dense
 * of `units` into an MSE Output (the shape the Conv2D and GlobalAveragePool examples share).
 */
export function imageChainExample(title: string, shape: [number, number, number], middle: NetworkNode[], units: number): NetworkDocument {
  const head: NetworkNode = { id: 'h', type: 'dense', name: 'h', position: origin, units, activation: 'linear', useBias: true };
  const out: NetworkNode = { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: Array.from({ length: units }, (_, k) => `y${k + 1}`) };
  const nodes = [imageInput('a', shape), ...middle, head, out];
  return exampleNetwork(title, nodes, nodes.slice(1).map((n, k) => [nodes[k]!.id, n.id]));
}


// ---------------------------------------------------------------------------------------------------------------
// Code emitters (PyTorch model.py, NumPy script): shared lines

/** The geometry of a code context's windowed node (its one input is an image). */
export function codeGeometry(inputShape: Shape | undefined, node: { kernelSize?: unknown; strides?: unknown; padding?: unknown }, word: string): Geometry {
  return geometry(asImage(inputShape)!, windowOf(node, word) as Window, word) as Geometry;
}

/** PyTorch: the flat NHWC rows `x` as NCHW, padded as the geometry says with `fill` ('0' or '-float("inf")'). */
export function torchNchw(x: string, g: Geometry, fill: string): string {
  const nchw = `${x}.reshape(-1, ${g.h}, ${g.w}, ${g.c}).permute(0, 3, 1, 2)`;
  if (g.top + g.bottom + g.left + g.right === 0) return nchw;
  return `F.pad(${nchw}, (${g.left}, ${g.right}, ${g.top}, ${g.bottom})${fill === '0' ? '' : `, value=${fill}`})`;
}

/** PyTorch: an NCHW result back to flat NHWC rows. */
export const torchFlat = (e: string, size: number): string => `${e}.permute(0, 2, 3, 1).reshape(-1, ${size})`;

/**
 * NumPy: `<name>_x` = the input padded (NHWC, with `fill`), `<name>_cols` = its windows [B, oh, ow, kh·kw, c]
 * (window cells in row-major order, as im2col).
 */
export function numpyWindows(name: string, x: string, g: Geometry, fill: string): string[] {
  return [
    `${name}_x = np.pad(${x}.reshape(-1, ${g.h}, ${g.w}, ${g.c}), ((0, 0), (${g.top}, ${g.bottom}), (${g.left}, ${g.right}), (0, 0))${fill === '0' ? '' : `, constant_values=${fill}`})`,
    `${name}_cols = np.stack([${name}_x[:, ky:ky + ${(g.oh - 1) * g.sh + 1}:${g.sh}, kx:kx + ${(g.ow - 1) * g.sw + 1}:${g.sw}, :] for ky in range(${g.kh}) for kx in range(${g.kw})], axis=3)`,
  ];
}

/** NumPy: the gradient of the windows `dcols` [B, oh, ow, kh·kw, c] added back into `d_<x>` (col2im). */
export function numpyCol2im(name: string, x: string, g: Geometry, dcols: string): string[] {
  return [
    `${name}_dx = np.zeros_like(${name}_x)`,
    `for ky in range(${g.kh}):`,
    `    for kx in range(${g.kw}):`,
    `        ${name}_dx[:, ky:ky + ${(g.oh - 1) * g.sh + 1}:${g.sh}, kx:kx + ${(g.ow - 1) * g.sw + 1}:${g.sw}, :] += ${dcols}[:, :, :, ky * ${g.kw} + kx, :]`,
    `d_${x} += ${name}_dx[:, ${g.top}:${g.top + g.h}, ${g.left}:${g.left + g.w}, :].reshape(len(${x}), -1)`,
  ];
}
