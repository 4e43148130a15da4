/**
 * Every node kind against TensorFlow.js (cpu backend), table-driven: each kind's example networks
 * (`kind.examples.networks()`, the same the finite-difference tests use) are rebuilt from tfjs' own ops (tf.conv2d,
 * tf.maxPool, tf.avgPool, tf.moments, tf.batchNorm, tf.matMul, …) with the compiled network's parameters, and must give
 * the same outputs (1e-5 relative), the same loss, and the same gradient of every parameter (tf.variableGrads, 1e-4
 * relative). The kinds come from the registry; a kind without a tfjs mapping must be named in NO_TFJS with the
 * reason, and the test fails for a kind that has neither.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivationName, NetworkDocument, NetworkNode } from '../../src/core/document';
import { KIND_LIST, type NodeKind } from '../../src/core/kinds';
import type { Network } from '../../src/core/network';
import { validateDocument } from '../../src/core/validate';
import { compileOrThrow, randomBatch } from './nn-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tfActivation(name: ActivationName, z: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'linear': return z;
    case 'relu': return tf.relu(z);
    case 'leakyRelu': return tf.leakyRelu(z, 0.01);
    case 'elu': return tf.elu(z);
    case 'sigmoid': return tf.sigmoid(z);
    case 'tanh': return tf.tanh(z);
    case 'sine': return tf.sin(z);
    // Over each example's whole value (Netwright's softmax is over the flat row).
    case 'softmax': return tf.reshape(tf.softmax(tf.reshape(z, [z.shape[0]!, -1])), z.shape);
    case 'gelu': {
      const c = Math.sqrt(2 / Math.PI);
      return tf.mul(tf.mul(z, 0.5), tf.add(1, tf.tanh(tf.mul(c, tf.add(z, tf.mul(0.044715, tf.pow(z, 3)))))));
    }
  }
}

/** What a node's tfjs op sees: its node, its inputs as [batch, ...shape] tensors (in the plan's input order), its parameters. */
interface OpContext {
  node: NetworkNode;
  inputs: tf.Tensor[];
  /** The weight block of the edge from `source` into this node, [rows, cols]. */
  edge(source: string): tf.Tensor2D;
  /** A node slot as a tensor of its shape. */
  slot(name: string): tf.Tensor;
  /** The data batch [batch, columns] and the network's columns. */
  x: tf.Tensor2D;
  featureNames: readonly string[];
  shape: readonly number[];
  sources: string[];
}

type Op = (c: OpContext) => tf.Tensor;
const node = <T extends NodeKind>(c: OpContext) => c.node as Extract<NetworkNode, { type: T }>;
const weighted = (c: OpContext): tf.Tensor => {
  const batch = c.x.shape[0];
  let z: tf.Tensor = tf.zeros([batch, c.shape.reduce((a, b) => a * b, 1)]);
  c.inputs.forEach((t, k) => { z = tf.add(z, tf.matMul(tf.reshape(t, [batch, -1]) as tf.Tensor2D, c.edge(c.sources[k]!))); });
  const n = c.node as { useBias?: boolean };
  return n.useBias === false ? z : tf.add(z, c.slot('bias'));
};
const pair = (v: readonly number[]) => [v[0]!, v[1]!] as [number, number];

/** The kinds tfjs maps, each as tfjs' own ops. */
const TFJS: Partial<Record<NodeKind, Op>> = {
  input: (c) => {
    const cols = node<'input'>(c).features.map((f) => c.featureNames.indexOf(f));
    return tf.reshape(tf.gather(c.x, cols, 1), [c.x.shape[0], ...c.shape]);
  },
  neuron: (c) => tfActivation(node<'neuron'>(c).activation, weighted(c)),
  dense: (c) => tfActivation(node<'dense'>(c).activation, weighted(c)),
  activation: (c) => tfActivation(node<'activation'>(c).activation, c.inputs[0]!),
  // The examples run inference: dropout passes its input through.
  dropout: (c) => c.inputs[0]!,
  layerNorm: (c) => {
    const x = c.inputs[0]!;
    const axis = x.shape.length - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, node<'layerNorm'>(c).epsilon))), c.slot('gamma')), c.slot('beta'));
  },
  conv2d: (c) => {
    const n = node<'conv2d'>(c);
    const z = tf.conv2d(c.inputs[0]! as tf.Tensor4D, c.slot('kernel') as tf.Tensor4D, pair(n.strides), n.padding);
    return tfActivation(n.activation, n.useBias === false ? z : tf.add(z, c.slot('bias')));
  },
  maxPool2d: (c) => {
    const n = node<'maxPool2d'>(c);
    return tf.maxPool(c.inputs[0]! as tf.Tensor4D, pair(n.kernelSize), pair(n.strides), n.padding);
  },
  averagePool2d: (c) => {
    const n = node<'averagePool2d'>(c);
    const x = c.inputs[0]! as tf.Tensor4D;
    if (n.padding === 'valid') return tf.avgPool(x, pair(n.kernelSize), pair(n.strides), 'valid');
    // tf.avgPool's forward with padding 'same' averages the cells inside the image, like ours (checked below), but
    // tfjs 4.22's AvgPoolGrad then divides by the whole window, padded cells included (its gradient disagrees with
    // finite differences of its own forward). So the gradient is checked against the same function written as
    // window sums over window counts, both from tf.depthwiseConv2d with a kernel of ones (zero padding).
    const ones = tf.ones([...pair(n.kernelSize), x.shape[3], 1]) as tf.Tensor4D;
    const sums = tf.depthwiseConv2d(x, ones, pair(n.strides), 'same');
    const counts = tf.depthwiseConv2d(tf.onesLike(x), ones, pair(n.strides), 'same');
    return tf.div(sums, counts);
  },
  globalAveragePool: (c) => tf.mean(c.inputs[0]!, [1, 2]),
  flatten: (c) => tf.reshape(c.inputs[0]!, [c.x.shape[0], -1]),
  // Inference mode (the running statistics); training mode is checked in tests/core/kinds/batchNorm-training.test.ts.
  batchNorm: (c) => tf.batchNorm(c.inputs[0]!, c.slot('mean'), c.slot('variance'), c.slot('beta'), c.slot('gamma'), node<'batchNorm'>(c).epsilon),
  add: (c) => tf.addN(c.inputs),
  concat: (c) => tf.concat(c.inputs.map((t) => tf.reshape(t, [c.x.shape[0], -1])), 1),
  output: (c) => c.inputs[0]!,
};

/** Kinds with no tfjs mapping, and why. Empty: every kind has one. */
const NO_TFJS: Partial<Record<NodeKind, string>> = {};

/** The loss as Netwright defines it (mean over examples of the sum over units), from tfjs ops. */
function tfLoss(loss: string, a: tf.Tensor, y: tf.Tensor2D): tf.Scalar {
  const p = tf.reshape(a, y.shape);
  if (loss === 'mse') return tf.mean(tf.sum(tf.square(tf.sub(p, y)), 1));
  if (loss === 'softmaxCrossEntropy') return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(p)), 1)));
  return tf.neg(tf.mean(tf.sum(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))), 1)));
}

let models = 0;

/** The example network in tfjs: its forward from the compiled network's parameters, and the variables it reads. */
function tfNetwork(doc: NetworkDocument, net: Network) {
  const prefix = `m${++models}_`;
  const report = validateDocument(doc);
  const { order, incoming, nodesById } = report.analysis;
  const vars = new Map<string, { variable: tf.Variable; offset: number }>();
  const variable = (key: string, offset: number, shape: number[]) => {
    let v = vars.get(key);
    if (!v) {
      const size = shape.reduce((a, b) => a * b, 1);
      v = { variable: tf.variable(tf.tensor(net.params.slice(offset, offset + size), shape), true, prefix + key.replace(/[^A-Za-z0-9_]/g, '_')), offset };
      vars.set(key, v);
    }
    return v.variable;
  };
  const forward = (x: tf.Tensor2D): tf.Tensor => {
    const values = new Map<string, tf.Tensor>();
    let out: tf.Tensor | undefined;
    for (const id of order) {
      const n = nodesById[id]!;
      const op = TFJS[n.type as NodeKind]!;
      const edges = incoming[id] ?? [];
      const ctx: OpContext = {
        node: n, inputs: edges.map((e) => values.get(e.source)!), sources: edges.map((e) => e.source), x, featureNames: net.featureNames,
        shape: report.shapes[id]!,
        edge: (source) => {
          const e = edges.find((d) => d.source === source)!;
          const b = net.layout.edges[e.id] ?? net.layout.edges[`${source}->${id}`]!;
          return variable(`edge ${e.id}`, b.offset, [b.rows, b.cols]) as tf.Tensor2D;
        },
        slot: (name) => {
          const b = net.layout.nodes[id]![name]!;
          return variable(`${id}.${name}`, b.offset, [...b.shape]);
        },
      };
      const v = op(ctx);
      values.set(id, v);
      if (n.type === 'output') out = v;
    }
    return out!;
  };
  return { forward, vars };
}

const relClose = (ours: number, ref: number, tol: number, floor: number) => Math.abs(ours - ref) <= tol * Math.max(Math.abs(ref), floor);

describe('every node kind against TensorFlow.js', () => {
  it('average pooling with padding same gives what tf.avgPool gives (the window cells inside the image)', () => {
    const doc = KIND_LIST.find((k) => k.type === 'averagePool2d')!.examples.networks().find((d) => d.nodes.some((n) => n.type === 'averagePool2d' && n.padding === 'same'))!;
    const net = compileOrThrow(doc);
    const pool = doc.nodes.find((n) => n.type === 'averagePool2d') as Extract<NetworkNode, { type: 'averagePool2d' }>;
    const report = validateDocument(doc);
    const source = report.analysis.incoming[pool.id]![0]!.source;
    const batch = 3;
    const { x } = randomBatch(net, batch, 'mse', 5);
    const traced = net.trace(x.subarray(0, net.inputSize));
    const input = tf.tensor4d(traced[source]!.a, [1, ...(report.shapes[source] as [number, number, number])]);
    const theirs = tf.avgPool(input, pair(pool.kernelSize), pair(pool.strides), 'same').dataSync();
    const ours = traced[pool.id]!.a;
    expect(theirs.length).toBe(ours.length);
    for (let i = 0; i < ours.length; i++) expect(relClose(ours[i]!, theirs[i]!, 1e-5, 1e-3), `${i}: ${ours[i]} vs tfjs ${theirs[i]}`).toBe(true);
  });

  it('every kind has a tfjs mapping or a stated reason it has none, never both', () => {
    for (const kind of KIND_LIST) {
      const mapped = TFJS[kind.type as NodeKind] !== undefined;
      const excused = NO_TFJS[kind.type as NodeKind] !== undefined;
      expect(mapped !== excused, `${kind.type}: ${mapped ? 'mapped and excused' : 'neither mapped nor excused'}`).toBe(true);
    }
  });

  for (const kind of KIND_LIST) {
    if (!TFJS[kind.type as NodeKind]) continue;
    kind.examples.networks().forEach((doc, k) => {
      it(`${kind.type} example ${k + 1} (${doc.name}): same outputs, loss and parameter gradients as tfjs`, () => {
        const net = compileOrThrow(doc);
        const output = doc.nodes.find((n) => n.type === 'output') as Extract<NetworkNode, { type: 'output' }>;
        const batch = 5;
        const { x, y } = randomBatch(net, batch, output.loss, 31 + k);
        const model = tfNetwork(doc, net);
        const xt = tf.tensor2d(x, [batch, net.inputSize]);
        const yt = tf.tensor2d(y, [batch, net.outputSize]);

        const ours = net.forward(x, batch).slice();
        const ref = tf.reshape(model.forward(xt), [batch, -1]).dataSync();
        expect(ref.length).toBe(ours.length);
        for (let i = 0; i < ours.length; i++) expect(relClose(ours[i]!, ref[i]!, 1e-5, 1e-3), `output ${i}: ${ours[i]} vs tfjs ${ref[i]}`).toBe(true);
        const theirLoss = tfLoss(output.loss, model.forward(xt), yt).dataSync()[0]!;
        expect(relClose(net.loss(y, batch), theirLoss, 1e-5, 1e-3), `loss ${net.loss(y, batch)} vs tfjs ${theirLoss}`).toBe(true);

        net.zeroGrads();
        net.backward(y, batch);
        const vars = [...model.vars.values()];
        // Every parameter of the network is read by some tfjs op (none left unchecked).
        expect(vars.reduce((s, v) => s + v.variable.size, 0)).toBe(net.params.length);
        const { grads } = tf.variableGrads(() => tfLoss(output.loss, model.forward(xt), yt), vars.map((v) => v.variable));
        let checked = 0;
        for (const { variable, offset } of vars) {
          const g = grads[variable.name]!.dataSync();
          for (let i = 0; i < g.length; i++, checked++) {
            const o = net.grads[offset + i]!;
            expect(relClose(o, g[i]!, 1e-4, 1e-3), `${variable.name}[${i}]: ${o} vs tfjs ${g[i]}`).toBe(true);
          }
        }
        expect(checked).toBe(net.params.length);
        tf.dispose([xt, yt, ...vars.map((v) => v.variable), ...Object.values(grads)]);
      });
    });
  }
});
