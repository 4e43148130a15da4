/**
 * BatchNorm in training mode (batch statistics), which the table tests (inference mode) do not reach: the gradient of
 * every parameter against central finite differences of the float32 network and of a float64 reference, for vectors
 * (statistics per feature) and for images (per channel over batch·height·width); the running statistics move by the
 * documented momentum, running ← momentum·running + (1 − momentum)·batch (variance: the biased batch variance), and
 * are saved in the file and loaded back.
 *
 * The networks: a pointwise linear layer (a Dense for vectors, a 1×1 Conv2D for images: z = x·W + b at every pixel),
 * then BatchNorm, into an MSE Output, so the check covers dγ, dβ and the gradient BatchNorm passes to its input
 * (through W and b).
 */
import { describe, expect, it } from 'vitest';
import type { NetworkDocument, NetworkNode } from '../../../src/core/document';
import { exampleNetwork, origin } from '../../../src/core/kinds/common';
import { imageInput } from '../../../src/core/kinds/image';
import { writeWeights, type Network } from '../../../src/core/network';
import { createRng } from '../../../src/core/random';
import { parseDocument, serializeDocument } from '../../../src/core/serialize';
import { compileOrThrow, gradCheck } from '../nn-helpers';

interface Case { title: string; pixels: number; inChannels: number; channels: number; doc: () => NetworkDocument }

const MOMENTUM = 0.8;
const EPSILON = 1e-3;
const bn = (): NetworkNode => ({ id: 'bn', type: 'batchNorm', name: 'bn', position: origin, momentum: MOMENTUM, epsilon: EPSILON });
const targets = (n: number) => Array.from({ length: n }, (_, k) => `y${k + 1}`);

const CASES: Case[] = [
  {
    title: 'vectors: 3 features → dense 4 → batch norm per feature', pixels: 1, inChannels: 3, channels: 4,
    doc: () => exampleNetwork('bn vectors', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2', 'x3'] },
      { id: 'l', type: 'dense', name: 'l', position: origin, units: 4, activation: 'linear', useBias: true },
      bn(),
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: targets(4) },
    ], [['a', 'l'], ['l', 'bn'], ['bn', 'out']]),
  },
  {
    title: 'images: 3×2×2 → conv 1×1 to 3 channels → batch norm per channel', pixels: 6, inChannels: 2, channels: 3,
    doc: () => exampleNetwork('bn images', [
      imageInput('a', [3, 2, 2]),
      { id: 'l', type: 'conv2d', name: 'l', position: origin, filters: 3, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true },
      bn(),
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: targets(18) },
    ], [['a', 'l'], ['l', 'bn'], ['bn', 'f'], ['f', 'out']]),
  },
];

const BATCH = 4;

function data(net: Network, seed: number) {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: BATCH * net.inputSize }, () => rng.uniform(-2, 2));
  const y = Float32Array.from({ length: BATCH * net.outputSize }, () => rng.uniform(-1, 1));
  return { x, y };
}

/** The slots of the network, read from its layout. */
function slots(net: Network) {
  const w = Object.values(net.layout.edges)[0] ?? net.layout.nodes.l!.kernel!;
  const get = (id: string, name: string) => net.layout.nodes[id]![name]!;
  return { w: { offset: w.offset }, b: get('l', 'bias'), gamma: get('bn', 'gamma'), beta: get('bn', 'beta'), mean: get('bn', 'mean'), variance: get('bn', 'variance') };
}

/**
 * Float64 reference of a training-mode forward and its loss: z = x·W + b per pixel, batch statistics per channel
 * over every row (example × pixel), y = γ·(z − μ)/√(σ² + ε) + β; loss = mean over examples of Σ (y − t)².
 * Returns the loss and the batch statistics.
 */
function reference(c: Case, p: Float64Array, s: ReturnType<typeof slots>, x: Float32Array, t: Float32Array) {
  const rows = BATCH * c.pixels;
  const C = c.channels;
  const z = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) for (let f = 0; f < C; f++) {
    let v = p[s.b.offset + f]!;
    for (let k = 0; k < c.inChannels; k++) v += x[r * c.inChannels + k]! * p[s.w.offset + k * C + f]!;
    z[r * C + f] = v;
  }
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  for (let r = 0; r < rows; r++) for (let f = 0; f < C; f++) mean[f] += z[r * C + f]! / rows;
  for (let r = 0; r < rows; r++) for (let f = 0; f < C; f++) variance[f] += (z[r * C + f]! - mean[f]!) ** 2 / rows;
  let loss = 0;
  for (let r = 0; r < rows; r++) for (let f = 0; f < C; f++) {
    const y = p[s.gamma.offset + f]! * (z[r * C + f]! - mean[f]!) / Math.sqrt(variance[f]! + EPSILON) + p[s.beta.offset + f]!;
    loss += (y - t[r * C + f]!) ** 2;
  }
  return { loss: loss / BATCH, mean, variance };
}

/** Gamma and beta away from 1 and 0, so every term of the gradient is exercised. */
function perturbed(net: Network, seed: number): Network {
  const rng = createRng(seed);
  const s = slots(net);
  for (let f = 0; f < s.gamma.length; f++) {
    net.params[s.gamma.offset + f] = rng.uniform(0.5, 1.5);
    net.params[s.beta.offset + f] = rng.uniform(-0.5, 0.5);
  }
  return net;
}

describe('BatchNorm in training mode', () => {
  for (const c of CASES) {
    describe(c.title, () => {
      it('gives every parameter the gradient central finite differences of the float32 network give', () => {
        const net = perturbed(compileOrThrow(c.doc()), 3);
        const { x, y } = data(net, 11);
        // training: true (batch statistics); the seed only feeds dropout, which these networks do not have.
        const check = gradCheck(net, x, y, BATCH, 3e-3, 2e-3, 2e-2, 1);
        expect(check.worst, `worst at ${check.worstIndex}: ${check.analytic} vs ${check.numeric}`).toBeLessThanOrEqual(1);
      });

      it('gives every parameter the gradient central finite differences of a float64 reference give', () => {
        const net = perturbed(compileOrThrow(c.doc()), 4);
        const { x, y } = data(net, 12);
        const s = slots(net);
        net.forward(x, BATCH, { training: true, rng: createRng(1) });
        // The training forward's loss is the reference's.
        const p64 = Float64Array.from(net.params);
        expect(net.loss(y, BATCH)).toBeCloseTo(reference(c, p64, s, x, y).loss, 4);
        net.zeroGrads();
        net.backward(y, BATCH);
        const learned = [
          ...Array.from({ length: c.inChannels * c.channels }, (_, k) => s.w.offset + k),
          ...[s.b, s.gamma, s.beta].flatMap((b) => Array.from({ length: b.length }, (_, k) => b.offset + k)),
        ];
        for (const k of learned) {
          const h = 1e-6;
          const up = Float64Array.from(p64);
          up[k] += h;
          const down = Float64Array.from(p64);
          down[k] -= h;
          const numeric = (reference(c, up, s, x, y).loss - reference(c, down, s, x, y).loss) / (2 * h);
          expect(Math.abs(net.grads[k]! - numeric), `param ${k}: ${net.grads[k]} vs ${numeric}`).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(numeric));
        }
        // The running statistics do not shape a training-mode output: no gradient.
        for (const b of [s.mean, s.variance]) for (let k = 0; k < b.length; k++) expect(net.grads[b.offset + k]).toBe(0);
      });

      it('moves the running statistics by the documented momentum, and saves and loads them', () => {
        const doc = c.doc();
        const net = perturbed(compileOrThrow(doc), 5);
        const s = slots(net);
        const { x } = data(net, 13);
        const p64 = Float64Array.from(net.params);
        const before = { mean: net.params.slice(s.mean.offset, s.mean.offset + s.mean.length), variance: net.params.slice(s.variance.offset, s.variance.offset + s.variance.length) };
        const batch = reference(c, p64, s, x, new Float32Array(BATCH * net.outputSize));
        net.forward(x, BATCH, { training: true, rng: createRng(1) });
        for (let f = 0; f < c.channels; f++) {
          expect(net.params[s.mean.offset + f]).toBeCloseTo(MOMENTUM * before.mean[f]! + (1 - MOMENTUM) * batch.mean[f]!, 5);
          expect(net.params[s.variance.offset + f]).toBeCloseTo(MOMENTUM * before.variance[f]! + (1 - MOMENTUM) * batch.variance[f]!, 5);
        }
        // They moved (the batch statistics are not the initial 0 and 1).
        expect(Array.from(net.params.slice(s.mean.offset, s.mean.offset + s.mean.length))).not.toEqual(Array.from(before.mean));
        // An inference forward leaves them alone.
        const after = net.params.slice();
        net.forward(x, BATCH);
        expect(Array.from(net.params)).toEqual(Array.from(after));

        const saved = writeWeights(doc, net);
        const node = saved.nodes.find((n) => n.id === 'bn') as Extract<NetworkNode, { type: 'batchNorm' }>;
        expect(node.mean).toEqual(Array.from(after.slice(s.mean.offset, s.mean.offset + s.mean.length)));
        expect(node.variance).toEqual(Array.from(after.slice(s.variance.offset, s.variance.offset + s.variance.length)));
        const loaded = parseDocument(serializeDocument(saved));
        if (!loaded.ok) throw new Error(loaded.message);
        const reloaded = compileOrThrow(loaded.doc);
        expect(Array.from(reloaded.params)).toEqual(Array.from(after));
        // And the loaded network's inference output is the saved one's.
        expect(Array.from(reloaded.forward(x, BATCH))).toEqual(Array.from(net.forward(x, BATCH)));
      });
    });
  }
});
