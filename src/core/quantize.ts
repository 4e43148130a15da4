/**
 * Quantization: a trained network's weights stored in fewer bits, and what that costs in loss and accuracy.
 *
 * What is quantized: the weight matrix of each Neuron and Dense node, W [fan-in × units] (its incoming edges' blocks
 * stacked, as ONNX export's Gemm holds it). Biases and other node parameters (LayerNorm's gamma and beta) stay
 * float32, as is usual (they are few, and small errors in them shift every output).
 *
 *   fp16   each weight rounded to the nearest IEEE half-precision number (round half to even); 2 bytes a weight.
 *   int8   symmetric: q = clamp(round(w / s), −127, 127), w ≈ q · s, zero point 0. The scale s = max|w| / 127 over
 *          the whole matrix (`per: 'tensor'`) or over each output unit's column (`per: 'unit'`, one scale per unit;
 *          better when units' weights differ in size). A column or matrix of zeros gets s = 1. 1 byte a weight plus
 *          4 bytes a scale and 1 byte a zero point.
 *
 * The quantized network is the same network with each weight replaced by its dequantized value, float32(q · s) (or
 * the half-precision value), and evaluated by the core's own forward pass: exactly what ONNX's DequantizeLinear
 * followed by the float Gemm computes, so the ONNX export of the quantized model agrees with it.
 */
import { loadDataset, type DataSplit } from './data';
import type { NetworkDocument } from './document';
import { compilePlan } from './network/compile';
import { compileNetwork, type Network } from './network';
import { parameterBytes, type WeightMatrix } from './parameterBytes';

export type QuantFormat = 'fp16' | 'int8';
export type QuantGranularity = 'tensor' | 'unit';

export interface QuantOptions {
  format: QuantFormat;
  /** int8 only: one scale for the whole matrix, or one per output unit. Default 'unit'. */
  per?: QuantGranularity;
}

/** One node's quantized weight matrix. */
export interface QuantizedMatrix {
  nodeId: string;
  rows: number;
  cols: number;
  /** int8: the stored integers, row-major [rows × cols]. */
  q?: Int8Array;
  /** int8: the scales (1, or one per column). */
  scales?: Float32Array;
  /** fp16: the half-precision bit patterns, row-major. */
  half?: Uint16Array;
  /** The dequantized values, row-major (what the network computes with). */
  values: Float32Array;
}

export interface QuantizedParameters {
  options: Required<QuantOptions>;
  /** Every parameter of the network, weights replaced by their dequantized values (the network's layout). */
  params: Float32Array;
  matrices: QuantizedMatrix[];
  /** Bytes to store the parameters as float32, and quantized (weights, scales and zero points, float32 rest). */
  bytes: { fp32: number; quantized: number };
  /** Largest |w − dequantized w| over all weights. */
  maxError: number;
}

export type QuantizeResult = { ok: true; value: QuantizedParameters } | { ok: false; message: string };

// ---- half precision ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The nearest half-precision number to a float32 (round half to even; beyond 65504 → ±Infinity), as its bit pattern. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf or NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit bit, round half to even.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  const rounded = half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0);
  e = rounded >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : rounded);
}

/** The value of a half-precision bit pattern. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? Number.NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

// ---- quantizing ----

/** Quantize the weights of `params` (a network's parameters in its layout; default the document's). Never throws. */
export function quantizeParameters(doc: NetworkDocument, options: QuantOptions, params?: Float32Array): QuantizeResult {
  const compiled = compilePlan(doc);
  if (!compiled.ok) return { ok: false, message: `Cannot quantize: ${compiled.problems[0]!.message}` };
  const { plan, layout } = compiled.value;
  const source = params ?? compiled.value.params;
  if (source.length !== layout.size) return { ok: false, message: `Cannot quantize: ${source.length} parameters were given but the network has ${layout.size}` };
  for (let i = 0; i < source.length; i++) {
    if (!Number.isFinite(source[i])) return { ok: false, message: `Cannot quantize: parameter ${i} is ${source[i]}; train again or reset the weights` };
  }
  const opts: Required<QuantOptions> = { format: options.format, per: options.per ?? 'unit' };
  const out = Float32Array.from(source);
  const matrices: QuantizedMatrix[] = [];
  const shapes: WeightMatrix[] = [];
  let maxError = 0;
  for (const p of plan.nodes) {
    if (p.blocks.length === 0) continue;
    const rows = p.blocks.reduce((s, b) => s + b.rows, 0);
    const cols = p.size;
    const w = new Float32Array(rows * cols);
    let r = 0;
    for (const b of p.blocks) {
      w.set(source.subarray(b.offset, b.offset + b.rows * b.cols), r * cols);
      r += b.rows;
    }
    const m = quantizeMatrix(p.id, w, rows, cols, opts);
    matrices.push(m);
    shapes.push({ rows, cols });
    r = 0;
    for (const b of p.blocks) {
      out.set(m.values.subarray(r * cols, (r + b.rows) * cols), b.offset);
      r += b.rows;
    }
    for (let i = 0; i < w.length; i++) maxError = Math.max(maxError, Math.abs(w[i]! - m.values[i]!));
  }
  const quantized = parameterBytes(layout.size, shapes, opts.format === 'int8' ? { format: 'int8', per: opts.per } : { format: 'fp16' });
  return { ok: true, value: { options: opts, params: out, matrices, bytes: { fp32: layout.size * 4, quantized }, maxError } };
}

function quantizeMatrix(nodeId: string, w: Float32Array, rows: number, cols: number, opts: Required<QuantOptions>): QuantizedMatrix {
  const values = new Float32Array(w.length);
  if (opts.format === 'fp16') {
    const half = new Uint16Array(w.length);
    for (let i = 0; i < w.length; i++) {
      half[i] = toHalfBits(w[i]!);
      values[i] = fromHalfBits(half[i]!);
    }
    return { nodeId, rows, cols, half, values };
  }
  const nScales = opts.per === 'unit' ? cols : 1;
  const scales = new Float32Array(nScales);
  for (let j = 0; j < nScales; j++) {
    let max = 0;
    for (let i = 0; i < rows; i++) {
      if (opts.per === 'unit') max = Math.max(max, Math.abs(w[i * cols + j]!));
      else for (let k = 0; k < cols; k++) max = Math.max(max, Math.abs(w[i * cols + k]!));
    }
    scales[j] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(w.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const s = scales[opts.per === 'unit' ? j : 0]!;
      const k = i * cols + j;
      const v = Math.max(-127, Math.min(127, Math.round(w[k]! / s)));
      q[k] = v;
      values[k] = Math.fround(v * s);
    }
  }
  return { nodeId, rows, cols, q, scales, values };
}

// ---- evaluating ----

export interface SplitMetrics {
  loss: number;
  /** Fraction correct (classification only). */
  accuracy: number | null;
}

export interface QuantizationReport {
  options: Required<QuantOptions>;
  /** Which split was measured: the test split, or the training split when there is no test split. */
  split: 'test' | 'train';
  rows: number;
  before: SplitMetrics;
  after: SplitMetrics;
  bytes: { fp32: number; quantized: number };
  maxError: number;
  quantized: QuantizedParameters;
}

/**
 * Quantize the network (with `params`, e.g. a trained snapshot's, else the document's weights) and evaluate the test
 * split with the float32 and the quantized weights, through the core's forward pass. Never throws.
 */
export function evaluateQuantization(doc: NetworkDocument, options: QuantOptions, params?: Float32Array): { ok: true; report: QuantizationReport } | { ok: false; message: string } {
  try {
    if (doc.data.kind === 'none') return { ok: false, message: 'Choose a data set first: quantization is measured on its test split.' };
    const made = loadDataset(doc.data);
    if (!made.ok) return { ok: false, message: `The data could not be loaded: ${made.message}` };
    const { dataset } = made;
    const compiled = compileNetwork(doc, { featureNames: dataset.featureNames, targetNames: dataset.targetNames });
    if (!compiled.ok) return { ok: false, message: `Cannot quantize: ${compiled.problems[0]!.message}` };
    const net = compiled.net;
    const original = Float32Array.from(params ?? net.params);
    const q = quantizeParameters(doc, options, original);
    if (!q.ok) return q;
    const split = dataset.test.n > 0 ? dataset.test : dataset.train;
    const classes = dataset.task === 'multiclass' || dataset.task === 'binary';
    const measure = (values: Float32Array): SplitMetrics => {
      net.setParams(values);
      return measureSplit(net, split, dataset.task === 'binary' ? 'binary' : classes ? 'multiclass' : 'regression');
    };
    const before = measure(original);
    const after = measure(q.value.params);
    return {
      ok: true,
      report: {
        options: q.value.options, split: dataset.test.n > 0 ? 'test' : 'train', rows: split.n, before, after,
        bytes: q.value.bytes, maxError: q.value.maxError, quantized: q.value,
      },
    };
  } catch (error) {
    return { ok: false, message: `Cannot quantize: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Mean loss and accuracy over a split, as training measures them (train.ts). */
function measureSplit(net: Network, split: DataSplit, task: 'binary' | 'multiclass' | 'regression'): SplitMetrics {
  const inW = net.inputSize;
  const outW = net.targetNames.length;
  const cols = net.targetColumns;
  const k = net.outputSize;
  let lossSum = 0;
  let correct = 0;
  const CHUNK = 256;
  for (let r0 = 0; r0 < split.n; r0 += CHUNK) {
    const rows = Math.min(CHUNK, split.n - r0);
    const p = net.forward(split.x.subarray(r0 * inW, (r0 + rows) * inW), rows);
    const y = split.y.subarray(r0 * outW, (r0 + rows) * outW);
    lossSum += net.loss(y, rows) * rows;
    if (task === 'regression') continue;
    for (let r = 0; r < rows; r++) {
      let truth = 0;
      let guess = 0;
      if (task === 'binary') {
        truth = y[r * outW + cols[0]!]! >= 0.5 ? 1 : 0;
        guess = p[r * k]! >= 0.5 ? 1 : 0;
      } else {
        for (let j = 1; j < k; j++) {
          if (y[r * outW + cols[j]!]! > y[r * outW + cols[truth]!]!) truth = j;
          if (p[r * k + j]! > p[r * k + guess]!) guess = j;
        }
      }
      if (truth === guess) correct++;
    }
  }
  return { loss: split.n > 0 ? lossSum / split.n : Number.NaN, accuracy: task === 'regression' || split.n === 0 ? null : correct / split.n };
}
