/** Builders and checks shared by the NN engine tests. */
import type { ActivationName, LossName, NetworkDocument, NetworkEdge, NetworkNode } from '../../src/core/document';
import { emptyDocument } from '../../src/core/document';
import { compileNetwork, type Network } from '../../src/core/network';
import { createRng } from '../../src/core/random';
import type { Dataset } from '../../src/core/data/types';

const at = { x: 0, y: 0 };

export const input = (id: string, features: string[]): NetworkNode => ({ type: 'input', id, name: id, position: at, features });
export const neuron = (id: string, activation: ActivationName, bias = 0): NetworkNode => ({ type: 'neuron', id, name: id, position: at, activation, bias });
export const dense = (id: string, units: number, activation: ActivationName, extra: { useBias?: boolean; bias?: number[] } = {}): NetworkNode => ({
  type: 'dense', id, name: id, position: at, units, activation, useBias: extra.useBias ?? true, ...(extra.bias ? { bias: extra.bias } : {}),
});
export const activationNode = (id: string, activation: ActivationName): NetworkNode => ({ type: 'activation', id, name: id, position: at, activation });
export const dropout = (id: string, rate: number): NetworkNode => ({ type: 'dropout', id, name: id, position: at, rate });
export const add = (id: string): NetworkNode => ({ type: 'add', id, name: id, position: at });
export const concat = (id: string): NetworkNode => ({ type: 'concat', id, name: id, position: at });
export const output = (id: string, loss: LossName, targets: string[]): NetworkNode => ({ type: 'output', id, name: id, position: at, loss, targets });
export const edge = (source: string, target: string, weights?: number[], order?: number): NetworkEdge => ({
  id: `${source}->${target}`, source, target, ...(weights ? { weights } : {}), ...(order !== undefined ? { order } : {}),
});

export function doc(nodes: NetworkNode[], edges: NetworkEdge[], seed = 1): NetworkDocument {
  const d = emptyDocument('test');
  d.nodes = nodes;
  d.edges = edges;
  d.training.seed = seed;
  return d;
}

export const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** in (vector of `inputs`) → dense layers → output. */
export function mlp(inputs: number, layers: { units: number; activation: ActivationName }[], loss: LossName, seed = 1): NetworkDocument {
  const nodes: NetworkNode[] = [input('in', names('f', inputs))];
  const edges: NetworkEdge[] = [];
  let prev = 'in';
  layers.forEach((l, k) => {
    const id = `d${k + 1}`;
    nodes.push(dense(id, l.units, l.activation));
    edges.push(edge(prev, id));
    prev = id;
  });
  nodes.push(output('out', loss, names('t', layers[layers.length - 1]!.units)));
  edges.push(edge(prev, 'out'));
  return doc(nodes, edges, seed);
}

export function compileOrThrow(d: NetworkDocument, options?: Parameters<typeof compileNetwork>[1]): Network {
  const r = compileNetwork(d, options);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.net;
}

/** Random inputs and targets that suit the loss: one-hot for softmax CE, 0/1 for BCE, real numbers for mse. */
export function randomBatch(net: Network, batch: number, loss: LossName, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(batch * net.inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1.5, 1.5);
  const k = net.targetNames.length;
  const y = new Float32Array(batch * k);
  for (let r = 0; r < batch; r++) {
    if (loss === 'softmaxCrossEntropy') y[r * k + rng.int(k)] = 1;
    else for (let j = 0; j < k; j++) y[r * k + j] = loss === 'binaryCrossEntropy' ? rng.int(2) : rng.uniform(-1, 1);
  }
  return { x, y };
}

export interface GradCheck {
  /** Largest |analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|)): ≤ 1 passes. */
  worst: number;
  worstIndex: number;
  analytic: number;
  numeric: number;
}

/**
 * Central differences in float64 on the float32 network: for every parameter, L(w + h) and L(w − h) with h = eps·max(1, |w|),
 * divided by the step actually taken after float32 rounding.
 */
export function gradCheck(net: Network, x: Float32Array, y: Float32Array, batch: number, eps: number, atol: number, rtol: number, dropoutSeed?: number): GradCheck {
  const lossAt = (): number => {
    const options = dropoutSeed === undefined ? {} : { training: true, rng: createRng(dropoutSeed) };
    net.forward(x, batch, options);
    return net.loss(y, batch);
  };
  lossAt();
  net.zeroGrads();
  net.backward(y, batch);
  const analytic = net.grads.slice();
  const p = net.params;
  let worst = 0;
  let worstIndex = -1;
  let wa = 0;
  let wn = 0;
  for (let k = 0; k < p.length; k++) {
    const w = p[k]!;
    const h = eps * Math.max(1, Math.abs(w));
    p[k] = w + h;
    const up = p[k]!;
    const lUp = lossAt();
    p[k] = w - h;
    const down = p[k]!;
    const lDown = lossAt();
    p[k] = w;
    const numeric = (lUp - lDown) / (up - down);
    const err = Math.abs(analytic[k]! - numeric) / (atol + rtol * Math.max(Math.abs(analytic[k]!), Math.abs(numeric)));
    if (err > worst) {
      worst = err;
      worstIndex = k;
      wa = analytic[k]!;
      wn = numeric;
    }
  }
  return { worst, worstIndex, analytic: wa, numeric: wn };
}

/** A data set from plain arrays (rows of features, rows of targets). */
export function dataset(task: Dataset['task'], featureNames: string[], targetNames: string[], xs: number[][], ys: number[][], testXs: number[][] = [], testYs: number[][] = []): Dataset {
  const split = (a: number[][], b: number[][]) => ({ n: a.length, x: Float32Array.from(a.flat()), y: Float32Array.from(b.flat()) });
  return { name: 'test', task, featureNames, targetNames, train: split(xs, ys), test: split(testXs, testYs) };
}
