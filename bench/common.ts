/**
 * What every implementation in the benchmark shares: the scenarios, the seeded data and the initial weights.
 * Each implementation runs in its own process (bench/worker.ts) and receives exactly these arrays.
 */
import { createRng } from '../src/core/random';

export type ScenarioId = 'playground-small' | 'playground-deep' | 'mnist-train' | 'infer-b1' | 'infer-b256' | 'lenet-train';

/**
 * A layer of a convolutional scenario. Images are NHWC in every peer (Netwright's layout and tf.conv2d's default);
 * conv kernels are [kh, kw, c, filters] (Netwright's slot layout and tf.conv2d's filter layout), dense weights
 * [in, out]; Flatten reads the NHWC image row-major in both, so the same arrays mean the same network everywhere.
 */
export type CnnLayer =
  | { kind: 'conv'; filters: number; kernel: number; activation: 'relu' }
  | { kind: 'maxPool'; size: number }
  | { kind: 'flatten' }
  | { kind: 'dense'; units: number; activation: 'relu' | 'softmax' };

export interface CnnSpec {
  /** [h, w, c] of an input image. */
  image: [number, number, number];
  layers: CnnLayer[];
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** Layer sizes, input first. */
  sizes: number[];
  hidden: 'tanh' | 'relu';
  output: 'sigmoid' | 'softmax';
  batch: number;
  /** 'train': samples (or steps) per second of SGD training; 'infer': samples per second of forward passes. */
  mode: 'train' | 'infer';
  /** What one unit of throughput is. */
  unit: 'samples/s' | 'steps/s';
  samples: number;
  learningRate: number;
  /** A convolutional network (then `sizes` is [input size, classes] and `hidden` is unused). */
  cnn?: CnnSpec;
}

const MNIST = [784, 128, 64, 10];

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  'playground-small': { id: 'playground-small', title: 'Playground 2-4-2-1 tanh, batch 10, 500 spiral points', sizes: [2, 4, 2, 1], hidden: 'tanh', output: 'sigmoid', batch: 10, mode: 'train', unit: 'samples/s', samples: 500, learningRate: 0.03 },
  'playground-deep': { id: 'playground-deep', title: 'Playground 2-8-8-8-1 tanh, batch 10, 500 spiral points', sizes: [2, 8, 8, 8, 1], hidden: 'tanh', output: 'sigmoid', batch: 10, mode: 'train', unit: 'samples/s', samples: 500, learningRate: 0.03 },
  'mnist-train': { id: 'mnist-train', title: 'MNIST-sized 784-128-64-10 ReLU, softmax CE, batch 64 (synthetic data)', sizes: MNIST, hidden: 'relu', output: 'softmax', batch: 64, mode: 'train', unit: 'steps/s', samples: 2048, learningRate: 0.01 },
  'infer-b1': { id: 'infer-b1', title: 'Inference 784-128-64-10, batch 1', sizes: MNIST, hidden: 'relu', output: 'softmax', batch: 1, mode: 'infer', unit: 'samples/s', samples: 2048, learningRate: 0 },
  'infer-b256': { id: 'infer-b256', title: 'Inference 784-128-64-10, batch 256', sizes: MNIST, hidden: 'relu', output: 'softmax', batch: 256, mode: 'infer', unit: 'samples/s', samples: 2048, learningRate: 0 },
  'lenet-train': {
    id: 'lenet-train', title: 'LeNet-like CNN on 28×28: conv 6@5×5 → maxpool 2 → conv 16@5×5 → maxpool 2 → 120 → 84 → 10, softmax CE, batch 32 (synthetic data)',
    sizes: [784, 10], hidden: 'relu', output: 'softmax', batch: 32, mode: 'train', unit: 'steps/s', samples: 1024, learningRate: 0.01,
    cnn: {
      image: [28, 28, 1],
      layers: [
        { kind: 'conv', filters: 6, kernel: 5, activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'conv', filters: 16, kernel: 5, activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'flatten' },
        { kind: 'dense', units: 120, activation: 'relu' },
        { kind: 'dense', units: 84, activation: 'relu' },
        { kind: 'dense', units: 10, activation: 'softmax' },
      ],
    },
  },
};

/** A layer with its input and output shapes ([h, w, c] or [n]), in order. */
export interface ShapedLayer { layer: CnnLayer; input: number[]; output: number[] }

/** The shapes through a convolutional scenario (convolutions 'valid', stride 1; pooling stride = size). */
export function cnnShapes(spec: CnnSpec): ShapedLayer[] {
  let shape: number[] = [...spec.image];
  return spec.layers.map((layer) => {
    const input = shape;
    if (layer.kind === 'conv') shape = [input[0]! - layer.kernel + 1, input[1]! - layer.kernel + 1, layer.filters];
    else if (layer.kind === 'maxPool') shape = [Math.floor(input[0]! / layer.size), Math.floor(input[1]! / layer.size), input[2]!];
    else if (layer.kind === 'flatten') shape = [input.reduce((a, b) => a * b, 1)];
    else shape = [layer.units];
    return { layer, input, output: shape };
  });
}

/**
 * A matrix product of a forward pass: [M × K] · [K × N]. A dense layer: M = batch, K = inputs, N = units; a
 * convolution over im2col patches: M = batch·oh·ow, K = kh·kw·c, N = filters. `first`: its input is the data (no
 * input gradient in training).
 */
export interface Product { what: string; M: number; K: number; N: number; first: boolean }

export function forwardProducts(s: Scenario): Product[] {
  if (!s.cnn) {
    return s.sizes.slice(1).map((n, l) => ({ what: `dense ${s.sizes[l]}→${n}`, M: s.batch, K: s.sizes[l]!, N: n, first: l === 0 }));
  }
  const out: Product[] = [];
  for (const { layer, input, output } of cnnShapes(s.cnn)) {
    const first = out.length === 0;
    if (layer.kind === 'conv') out.push({ what: `conv ${layer.filters}@${layer.kernel}×${layer.kernel} on ${input.join('×')}`, M: s.batch * output[0]! * output[1]!, K: layer.kernel * layer.kernel * input[2]!, N: layer.filters, first });
    else if (layer.kind === 'dense') out.push({ what: `dense ${input[0]}→${layer.units}`, M: s.batch, K: input[0]!, N: layer.units, first });
  }
  return out;
}

/** The forward product with the most multiply-adds: the yardstick of the sanity check. */
export function largestProduct(s: Scenario): Product {
  return forwardProducts(s).reduce((a, b) => (b.M * b.K * b.N > a.M * a.K * a.N ? b : a));
}

export interface BenchData {
  /** samples × sizes[0], row-major. */
  x: Float32Array;
  /** samples × sizes[last], row-major (0/1 labels or one-hot). */
  y: Float32Array;
  /** Per layer l: sizes[l] × sizes[l+1] row-major (input unit i → unit j at i·n + j); for a CNN, per conv or dense layer in order (conv [kh, kw, c, filters]). */
  weights: Float32Array[];
  biases: Float32Array[];
}

/** The same bits for every implementation: spiral points for the Playground scenarios, Gaussian noise for MNIST-sized. */
export function makeData(s: Scenario, seed = 42): BenchData {
  const rng = createRng(seed);
  const nIn = s.sizes[0];
  const nOut = s.sizes[s.sizes.length - 1];
  const x = new Float32Array(s.samples * nIn);
  const y = new Float32Array(s.samples * nOut);
  for (let i = 0; i < s.samples; i++) {
    if (nIn === 2) {
      // Two interleaved spirals, as in TensorFlow Playground.
      const label = i % 2;
      const r = ((i >> 1) / (s.samples / 2)) * 5;
      const t = 1.75 * ((i >> 1) / (s.samples / 2)) * 2 * Math.PI + label * Math.PI;
      x[i * 2] = r * Math.sin(t) + rng.uniform(-0.1, 0.1);
      x[i * 2 + 1] = r * Math.cos(t) + rng.uniform(-0.1, 0.1);
      y[i] = label;
    } else {
      for (let k = 0; k < nIn; k++) x[i * nIn + k] = rng.normal();
      y[i * nOut + rng.int(nOut)] = 1;
    }
  }
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  if (s.cnn) {
    // Glorot-uniform kernels (fans as Keras counts them: kh·kw·c in, kh·kw·filters out) and dense weights, zero biases.
    for (const { layer, input } of cnnShapes(s.cnn)) {
      if (layer.kind !== 'conv' && layer.kind !== 'dense') continue;
      const [size, fanIn, fanOut, n] = layer.kind === 'conv'
        ? [layer.kernel * layer.kernel * input[2]! * layer.filters, layer.kernel * layer.kernel * input[2]!, layer.kernel * layer.kernel * layer.filters, layer.filters]
        : [input[0]! * layer.units, input[0]!, layer.units, layer.units];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float32Array(size);
      for (let k = 0; k < w.length; k++) w[k] = rng.uniform(-limit, limit);
      weights.push(w);
      biases.push(new Float32Array(n));
    }
    return { x, y, weights, biases };
  }
  for (let l = 0; l + 1 < s.sizes.length; l++) {
    const m = s.sizes[l];
    const n = s.sizes[l + 1];
    const limit = Math.sqrt(6 / (m + n));
    const w = new Float32Array(m * n);
    for (let k = 0; k < w.length; k++) w[k] = rng.uniform(-limit, limit);
    weights.push(w);
    biases.push(new Float32Array(n));
  }
  return { x, y, weights, biases };
}

/** How a peer runs, as the bench prints it: `mode` in words, plus whatever flags it has (tfjs version, SIMD, threads). */
export interface PeerConfig {
  mode?: string;
  [key: string]: string | number | boolean | undefined;
}

/** One implementation under test, created fresh in its own process. */
export interface BenchImpl {
  name: string;
  /** Prepare for a scenario: build the model with the given weights, and every batch it will be given (not timed). */
  setup(s: Scenario, data: BenchData): Promise<void>;
  /** Run `count` units of work (training steps of one batch, or forward passes of one batch); returns the last loss or output checksum. */
  run(count: number): Promise<number>;
  /** Whether this implementation takes part in the scenario. */
  supports(s: Scenario): boolean;
  /** How it runs (after setup). */
  config?(): PeerConfig;
  /**
   * The sanity check's yardstick, measured in the same process after the timed run: the time of this peer's own
   * matrix product for the scenario's largest layer at the batch's shape (`batch × m` · `m × n`), in ms.
   */
  largestMatmulMs?(): Promise<number>;
  /** Peers without a matrix product of their own (brain.js) give their own yardstick instead, with its name. */
  reference?(): Promise<{ ms: number; what: string }>;
}


/**
 * The matrix products of one step, in units of the largest one (by multiply-adds): a forward pass has one per
 * layer; a training step adds, per layer, the weight gradient and (except the first layer, whose input needs none)
 * the input gradient. MNIST-sized inference: 1.09; training: 2.26.
 */
export function productsPerStep(s: Scenario): number {
  const big = largestProduct(s);
  let macs = 0;
  for (const p of forwardProducts(s)) {
    const w = p.M * p.K * p.N;
    macs += s.mode === 'infer' ? w : p.first ? 2 * w : 3 * w;
  }
  return macs / (big.M * big.K * big.N);
}

/** Whether the largest product is big enough to judge by (JUDGED_FROM_WEIGHTS multiply-adds per example). */
export function judgedByArithmetic(s: Scenario): boolean {
  const p = largestProduct(s);
  return (p.M * p.K * p.N) / s.batch >= JUDGED_FROM_WEIGHTS;
}

/**
 * A step slower than this many times its matrix products (timed as the peer's own largest one, scaled by
 * multiply-adds) is "suspect": the time goes somewhere other than arithmetic (data handling, copies, a misused
 * API). Calibrated on tfjs-wasm (issue 16): with batches prepared once its steps sit at 1–1.5× (inference, batch
 * 256), 4–7× (batch 1) and 8–10× (training: many small ops around the products; a standalone tfjs script trains no
 * faster); slicing each batch out of one tensor, as the bench used to, put it at 14×, ~1,800× and 38×. The verdict
 * is on the median over the rounds.
 */
export const SUSPECT_RATIO: Record<Scenario['mode'], number> = { infer: 12, train: 20 };

/**
 * Only layers this large (multiply-adds per example of the largest product: weights, for a dense layer) make the arithmetic a yardstick: in the Playground nets (at most 8 × 8 weights) every
 * product is a few dozen multiply-adds and per-operation overhead, not arithmetic, sets the pace of every peer.
 */
export const JUDGED_FROM_WEIGHTS = 10_000;

/** Median time of one call in ms, over chunks of calls filling about `budgetMs` (after a short warm-up). */
export async function timePerCall(call: () => unknown, budgetMs = 300): Promise<number> {
  for (let i = 0; i < 3; i++) await call();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await call();
    if (performance.now() - t0 >= 10 || reps >= 1 << 20) break;
    reps *= 2;
  }
  const per: number[] = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || per.length < 3) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await call();
    per.push((performance.now() - t0) / reps);
  }
  per.sort((a, b) => a - b);
  return per[per.length >> 1];
}
