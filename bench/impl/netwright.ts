/** Netwright's own core: the scenario's MLP as a network document of Dense layers, trained by a TrainingSession. */
import { emptyDocument, type NetworkDocument, type NetworkEdge, type NetworkNode } from '../../src/core/document';
import { createTrainingSession, type TrainingSession } from '../../src/core/train';
import type { Dataset } from '../../src/core/data/types';
import { gemmNN } from '../../src/core/kernels';
import { startGemmThreads, threadLabel } from '../../src/trainer/threads';
import type { BenchData, BenchImpl, PeerConfig, Scenario } from '../common';
import { largestLayer, timePerCall } from '../common';

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

export function netwrightImpl(): BenchImpl & { extra(): Record<string, number>; config(): PeerConfig } {
  const threads = startGemmThreads(Number(process.env.NETWRIGHT_BENCH_THREADS) || undefined);
  let s: Scenario;
  let session: TrainingSession;
  let x: Float32Array;
  let cursor = 0;
  return {
    name: 'netwright',
    supports: () => true,
    // Training gathers each batch from the shuffled rows inside its step (that is part of what a step costs here);
    // inference reads each batch in place (a subarray view).
    // Threads as the trainer starts them (one per core; NETWRIGHT_BENCH_THREADS=1 forces one).
    config: () => ({ mode: `Netwright core: TypeScript + WebAssembly SIMD kernels, ${threadLabel(threads)}` }),
    /** The core's own kernel for the largest layer at the batch's shape. */
    async largestMatmulMs() {
      const { m, n } = largestLayer(s);
      const a = Float32Array.from({ length: s.batch * m }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: m * n }, (_, i) => Math.cos(i));
      const c = new Float32Array(s.batch * n);
      return timePerCall(() => {
        c.fill(0);
        gemmNN(s.batch, n, m, a, 0, b, 0, c, 0);
      });
    },
    async setup(scenario: Scenario, data: BenchData) {
      s = scenario;
      x = data.x;
      const doc = mlpDocument(s, data);
      const dataset: Dataset = {
        name: s.id,
        task: s.output === 'sigmoid' ? 'binary' : 'multiclass',
        featureNames: (doc.nodes[0] as { features: string[] }).features,
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
    /** What reading out every weight and gradient costs, as a fraction of one training step (train scenarios). */
    extra(): Record<string, number> {
      if (s.mode !== 'train') return {};
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
