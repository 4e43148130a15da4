/**
 * Netwright's own core: the scenario's network as a document (Dense layers; for a CNN, Conv2D, MaxPool2D, Flatten
 * and Dense nodes), trained by a TrainingSession.
 */
import { emptyDocument, type NetworkDocument, type NetworkEdge, type NetworkNode } from '../../src/core/document';
import { createTrainingSession, type TrainingSession } from '../../src/core/train';
import type { Dataset } from '../../src/core/data/types';
import { gemmNN, gemmNT, gemmTN } from '../../src/core/kernels';
import { conv2d } from '../../src/core/kinds/conv2d';
import { startGemmThreads, threadLabel } from '../../src/trainer/threads';
import type { BenchData, BenchImpl, PeerConfig, Scenario } from '../common';
import { cnnShapes, forwardProducts, largestProduct, timePerCall } from '../common';

function cnnDocument(s: Scenario, data: BenchData): NetworkDocument {
  const doc = emptyDocument(s.title);
  const spec = s.cnn!;
  const features = Array.from({ length: s.sizes[0]! }, (_, i) => `p${i}`);
  const targets = Array.from({ length: s.sizes[s.sizes.length - 1]! }, (_, i) => `t${i}`);
  const nodes: NetworkNode[] = [{ type: 'input', id: 'in', name: 'in', position: { x: 0, y: 0 }, features, shape: [...spec.image] }];
  const edges: NetworkEdge[] = [];
  let prev = 'in';
  let l = 0;
  cnnShapes(spec).forEach(({ layer }, k) => {
    const id = `${layer.kind}${k + 1}`;
    const position = { x: 200 * (k + 1), y: 0 };
    let weights: number[] | undefined;
    if (layer.kind === 'conv') {
      nodes.push({ type: 'conv2d', id, name: id, position, filters: layer.filters, kernelSize: [layer.kernel, layer.kernel], strides: [1, 1], padding: 'valid', activation: layer.activation, useBias: true, kernel: Array.from(data.weights[l]!), bias: Array.from(data.biases[l]!) });
      l++;
    } else if (layer.kind === 'maxPool') {
      nodes.push({ type: 'maxPool2d', id, name: id, position, kernelSize: [layer.size, layer.size], strides: [layer.size, layer.size], padding: 'valid' });
    } else if (layer.kind === 'flatten') {
      nodes.push({ type: 'flatten', id, name: id, position });
    } else {
      nodes.push({ type: 'dense', id, name: id, position, units: layer.units, activation: layer.activation, useBias: true, bias: Array.from(data.biases[l]!) });
      weights = Array.from(data.weights[l]!);
      l++;
    }
    edges.push({ id: `e${k + 1}`, source: prev, target: id, ...(weights ? { weights } : {}) });
    prev = id;
  });
  nodes.push({ type: 'output', id: 'out', name: 'out', position: { x: 200 * (spec.layers.length + 1), y: 0 }, loss: 'softmaxCrossEntropy', targets });
  edges.push({ id: 'eo', source: prev, target: 'out' });
  return { ...doc, nodes, edges, training: { ...doc.training, optimizer: 'sgd', learningRate: s.learningRate, batchSize: s.batch, initializer: 'document' } };
}

function mlpDocument(s: Scenario, data: BenchData): NetworkDocument {
  const doc = emptyDocument(s.title);
  const features = Array.from({ length: s.sizes[0] }, (_, i) => `f${i}`);
  const targets = Array.from({ length: s.sizes[s.sizes.length - 1] }, (_, i) => `t${i}`);
  const nodes: NetworkNode[] = [{ type: 'input', id: 'in', name: 'in', position: { x: 0, y: 0 }, features }];
  const edges: NetworkEdge[] = [];
  for (let l = 1; l < s.sizes.length; l++) {
    const last = l === s.sizes.length - 1;
    nodes.push({
      type: 'dense', id: `d${l}`, name: `d${l}`, position: { x: 200 * l, y: 0 }, units: s.sizes[l],
      activation: last ? s.output : s.hidden, useBias: true, bias: Array.from(data.biases[l - 1]),
    });
    edges.push({ id: `e${l}`, source: l === 1 ? 'in' : `d${l - 1}`, target: `d${l}`, weights: Array.from(data.weights[l - 1]) });
  }
  const loss = s.output === 'sigmoid' ? 'binaryCrossEntropy' : 'softmaxCrossEntropy';
  nodes.push({ type: 'output', id: 'out', name: 'out', position: { x: 200 * s.sizes.length, y: 0 }, loss, targets });
  edges.push({ id: 'eo', source: `d${s.sizes.length - 1}`, target: 'out' });
  return {
    ...doc,
    nodes,
    edges,
    training: { ...doc.training, optimizer: 'sgd', learningRate: s.learningRate, batchSize: s.batch, initializer: 'document' },
  };
}

export function netwrightImpl(): BenchImpl & { extra(): Record<string, number> | Promise<Record<string, number>>; config(): PeerConfig } {
  const threads = startGemmThreads(Number(process.env.NETWRIGHT_BENCH_THREADS) || undefined);
  let s: Scenario;
  let session: TrainingSession;
  let x: Float32Array;
  let dataset: Dataset;
  /** The initial weights (the timed session trains its own copy). */
  let initial: BenchData;
  let cursor = 0;
  return {
    name: 'netwright',
    supports: () => true,
    // Training gathers each batch from the shuffled rows inside its step (that is part of what a step costs here);
    // inference reads each batch in place (a subarray view).
    // Threads as the trainer starts them (one per core; NETWRIGHT_BENCH_THREADS=1 forces one).
    config: () => ({ mode: `Netwright core: TypeScript + WebAssembly SIMD kernels, ${threadLabel(threads)}` }),
    /** The core's own kernel for the largest product of a step (a dense layer, or a convolution's im2col product). */
    async largestMatmulMs() {
      const { M, K, N } = largestProduct(s);
      return gemmMs('NN', M, K, N);
    },
    async setup(scenario: Scenario, data: BenchData) {
      s = scenario;
      initial = data;
      x = data.x;
      const doc = s.cnn ? cnnDocument(s, data) : mlpDocument(s, data);
      dataset = {
        name: s.id,
        task: s.output === 'sigmoid' ? 'binary' : 'multiclass',
        featureNames: (doc.nodes[0] as { features: string[] }).features,
        // (the Input's shape, for a CNN, comes from the document)
        targetNames: (doc.nodes[doc.nodes.length - 1] as { targets: string[] }).targets,
        train: { n: s.samples, x: data.x, y: data.y },
        test: { n: 0, x: new Float32Array(0), y: new Float32Array(0) },
      };
      const made = createTrainingSession(doc, dataset);
      if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('; '));
      session = made.session;
    },
    async run(count: number) {
      if (s.mode === 'train') {
        const result = session.stepBatches(count);
        if (result.kind !== 'ok') throw new Error(result.message);
        return result.loss;
      }
      const inW = s.sizes[0];
      let last = 0;
      for (let i = 0; i < count; i++) {
        if (cursor + s.batch > s.samples) cursor = 0;
        const out = session.net.forward(x.subarray(cursor * inW, (cursor + s.batch) * inW), s.batch);
        last = out[0];
        cursor += s.batch;
      }
      return last;
    },
    /**
     * What reading out every weight and gradient costs, as a fraction of one training step (train scenarios); for a
     * CNN, the GFLOP/s of each Conv2D instead (see convGflops).
     */
    extra(): Record<string, number> | Promise<Record<string, number>> {
      if (s.mode !== 'train') return {};
      if (s.cnn) return convGflops(s, initial, dataset);
      const reps = 200;
      let t0 = performance.now();
      session.stepBatches(reps);
      const stepMs = (performance.now() - t0) / reps;
      const { params, grads } = session.net;
      t0 = performance.now();
      let sink = 0;
      for (let i = 0; i < reps; i++) {
        // A snapshot as the trainer sends it: both arrays copied, then structured-cloned by the port.
        const snap = structuredClone({ params: params.slice(), grads: grads.slice() });
        sink += snap.params.length;
      }
      const readMs = (performance.now() - t0) / reps;
      // The trainer reads out at the display rate (≤ 60 snapshots/s), not every step: the share of each second of
      // training that 60 readouts cost.
      return { readoutOverStep: readMs / stepMs, readoutShareAt60Hz: (readMs * 60) / 1000, readoutMs: readMs, stepMs, params: sink / reps };
    },
  };
}

/** Median ms of one call of the core's GEMM: C[M×N] (+)= A·B with A [M×K], B [K×N], in the given transposition. */
function gemmMs(kind: 'NN' | 'TN' | 'NT', M: number, K: number, N: number): Promise<number> {
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
  const c = new Float32Array(M * N);
  return timePerCall(() => {
    c.fill(0);
    if (kind === 'NN') gemmNN(M, N, K, a, 0, b, 0, c, 0);
    else if (kind === 'TN') gemmTN(M, N, K, a, 0, b, 0, c, 0);
    else gemmNT(M, N, K, a, 0, b, 0, c, 0);
  });
}

/**
 * Each Conv2D's GFLOP/s in training, forward and backward, next to the GEMM's GFLOP/s at the same shapes (in this
 * same process). FLOPs counted are those of its im2col products only (2 per multiply-add): forward z = patches · K
 * (M×K·K×N, M = batch·oh·ow, K = kh·kw·c, N = filters); backward dK = patchesᵀ · dz and, unless its input is the data,
 * dpatches = dz · Kᵀ. The time counted is all of the node's forward (im2col, bias, activation) or backward
 * (activation derivative, bias gradient, col2im): what the kind costs, against what its products alone would.
 * Measured on a second session whose Conv2D forward/backward are wrapped with a clock (the timed run is not).
 */
async function convGflops(s: Scenario, initial: BenchData, dataset: Dataset): Promise<Record<string, number>> {
  const spent = new Map<string, { fwd: number; bwd: number }>();
  const { forward, backward } = conv2d;
  const clock = (which: 'fwd' | 'bwd', run: typeof forward): typeof forward => (c, p, i) => {
    const t0 = performance.now();
    run(c, p, i);
    const e = spent.get(p.id) ?? { fwd: 0, bwd: 0 };
    e[which] += performance.now() - t0;
    spent.set(p.id, e);
  };
  conv2d.forward = clock('fwd', forward);
  conv2d.backward = clock('bwd', backward);
  let session: TrainingSession;
  try {
    const made = createTrainingSession(cnnDocument(s, initial), dataset);
    if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('; '));
    session = made.session;
  } finally {
    conv2d.forward = forward;
    conv2d.backward = backward;
  }
  session.stepBatches(20);
  spent.clear();
  const steps = 200;
  session.stepBatches(steps);
  const out: Record<string, number> = {};
  const convs = forwardProducts(s).filter((p) => p.what.startsWith('conv'));
  const ids = [...spent.keys()];
  for (let k = 0; k < convs.length; k++) {
    const { M, K, N, first } = convs[k]!;
    const t = spent.get(ids[k]!)!;
    const flop = 2 * M * K * N;
    const name = `conv${k + 1} ${M}×${K}·${K}×${N}`;
    out[`${name} forward GFLOP/s`] = (flop / ((t.fwd / steps) * 1e-3)) / 1e9;
    out[`${name} backward GFLOP/s`] = ((first ? 1 : 2) * flop / ((t.bwd / steps) * 1e-3)) / 1e9;
    const nn = await gemmMs('NN', M, K, N);
    const tn = await gemmMs('TN', K, M, N);
    const nt = first ? 0 : await gemmMs('NT', M, N, K);
    out[`${name} gemmNN GFLOP/s (forward's product)`] = flop / (nn * 1e-3) / 1e9;
    out[`${name} gemmTN+NT GFLOP/s (backward's products)`] = ((first ? 1 : 2) * flop) / ((tn + nt) * 1e-3) / 1e9;
    out[`${name} forward ms`] = t.fwd / steps;
    out[`${name} backward ms`] = t.bwd / steps;
  }
  return out;
}
