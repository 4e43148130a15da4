/**
 * Cross-check against TensorFlow.js (cpu backend) on random dense networks: the same initial weights and data must give
 * the same outputs (1e-5 relative), the same gradients (1e-4 relative) and, over 100 steps of SGD and of Adam, the same
 * loss curve (1e-3). TF.js builds its reference from its own ops and its own losses and optimisers.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationName, LossName } from '../../src/core/document';
import { createOptimizer, type OptimizerSettings } from '../../src/core/optimizers';
import { compileOrThrow, mlp, randomBatch } from './nn-helpers';
import type { Network } from '../../src/core/network';
import { KERNEL_MODES, useDefaultKernels, useKernelMode } from './helpers/kernel-modes';

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
    case 'softmax': return tf.softmax(z);
    case 'gelu': {
      const c = Math.sqrt(2 / Math.PI);
      return tf.mul(tf.mul(z, 0.5), tf.add(1, tf.tanh(tf.mul(c, tf.add(z, tf.mul(0.044715, tf.pow(z, 3)))))));
    }
  }
}

interface Case {
  inputs: number;
  layers: { units: number; activation: ActivationName }[];
  loss: LossName;
  batch: number;
}

const cases: Case[] = [
  { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossEntropy', batch: 10 },
  { inputs: 5, layers: [{ units: 9, activation: 'relu' }, { units: 6, activation: 'elu' }, { units: 3, activation: 'softmax' }], loss: 'softmaxCrossEntropy', batch: 16 },
  { inputs: 3, layers: [{ units: 7, activation: 'leakyRelu' }, { units: 2, activation: 'linear' }], loss: 'mse', batch: 8 },
  { inputs: 4, layers: [{ units: 5, activation: 'gelu' }, { units: 5, activation: 'sine' }, { units: 1, activation: 'linear' }], loss: 'mse', batch: 7 },
  { inputs: 6, layers: [{ units: 17, activation: 'sigmoid' }, { units: 4, activation: 'softmax' }], loss: 'softmaxCrossEntropy', batch: 33 },
];

const title = (c: Case) => `${c.inputs}-${c.layers.map((l) => `${l.units}${l.activation}`).join('-')} ${c.loss} batch ${c.batch}`;

/** TF.js variables holding our network's current weights, layer by layer. */
function tfModel(net: Network, c: Case) {
  const vars: tf.Variable[] = [];
  let prev = 'in';
  c.layers.forEach((l, k) => {
    const id = `d${k + 1}`;
    const w = net.layout.edges[`${prev}->${id}`]!;
    const b = net.layout.biases[id]!;
    vars.push(tf.variable(tf.tensor2d(net.params.slice(w.offset, w.offset + w.rows * w.cols), [w.rows, w.cols])));
    vars.push(tf.variable(tf.tensor1d(net.params.slice(b.offset, b.offset + b.length))));
    prev = id;
  });
  const logits = (x: tf.Tensor2D): { z: tf.Tensor; a: tf.Tensor } => {
    let h: tf.Tensor = x;
    let z: tf.Tensor = x;
    c.layers.forEach((l, k) => {
      z = tf.add(tf.matMul(h as tf.Tensor2D, vars[2 * k] as tf.Tensor2D), vars[2 * k + 1]!);
      h = tfActivation(l.activation, z);
    });
    return { z, a: h };
  };
  const units = c.layers[c.layers.length - 1]!.units;
  const loss = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => {
    const { z, a } = logits(x);
    if (c.loss === 'binaryCrossEntropy') return tf.losses.sigmoidCrossEntropy(y, z) as tf.Scalar;
    if (c.loss === 'softmaxCrossEntropy') return tf.losses.softmaxCrossEntropy(y, z) as tf.Scalar;
    // Ours sums over units and averages over examples; TF.js averages over both.
    return tf.mul(tf.losses.meanSquaredError(y, a), units) as tf.Scalar;
  };
  return { vars, logits, loss };
}

const relClose = (ours: number, ref: number, tol: number, floor: number) => Math.abs(ours - ref) <= tol * Math.max(Math.abs(ref), floor);

for (const mode of KERNEL_MODES) {
  describe(`with the ${mode.name}`, () => {
    beforeAll(() => useKernelMode(mode));
    afterAll(() => useDefaultKernels());

    describe('TF.js cross-check', () => {
      for (const c of cases) {
        it(`same outputs and gradients: ${title(c)}`, () => {
          const net = compileOrThrow(mlp(c.inputs, c.layers, c.loss, 7));
          const { x, y } = randomBatch(net, c.batch, c.loss, 99);
          const model = tfModel(net, c);
          const xt = tf.tensor2d(x, [c.batch, net.inputSize]);
          const yt = tf.tensor2d(y, [c.batch, net.outputSize]);

          const ours = net.forward(x, c.batch).slice();
          const ref = model.logits(xt).a.dataSync();
          for (let i = 0; i < ours.length; i++) expect(relClose(ours[i]!, ref[i]!, 1e-5, 1e-3), `output ${i}: ${ours[i]} vs ${ref[i]}`).toBe(true);
          expect(relClose(net.loss(y, c.batch), model.loss(xt, yt).dataSync()[0]!, 1e-5, 1e-3)).toBe(true);

          net.zeroGrads();
          net.backward(y, c.batch);
          const { grads } = tf.variableGrads(() => model.loss(xt, yt), model.vars);
          model.vars.forEach((v, k) => {
            const layer = Math.floor(k / 2);
            const prev = layer === 0 ? 'in' : `d${layer}`;
            const block = k % 2 === 0 ? net.layout.edges[`${prev}->d${layer + 1}`]! : net.layout.biases[`d${layer + 1}`]!;
            const g = grads[v.name]!.dataSync();
            for (let i = 0; i < g.length; i++) {
              const o = net.grads[block.offset + i]!;
              expect(relClose(o, g[i]!, 1e-4, 1e-3), `${v.name}[${i}]: ${o} vs ${g[i]}`).toBe(true);
            }
          });
          tf.dispose([xt, yt, ...model.vars, ...Object.values(grads)]);
        });
      }

      const optimizers: { name: string; ours: Partial<OptimizerSettings>; theirs: (lr: number) => tf.Optimizer; lr: number }[] = [
        { name: 'sgd', ours: { kind: 'sgd' }, theirs: (lr) => tf.train.sgd(lr), lr: 0.5 },
        { name: 'adam', ours: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, theirs: (lr) => tf.train.adam(lr, 0.9, 0.999, 1e-7), lr: 0.01 },
        { name: 'momentum', ours: { kind: 'momentum', momentum: 0.9, nesterov: false }, theirs: (lr) => tf.train.momentum(lr, 0.9, false), lr: 0.02 },
        { name: 'momentum (Nesterov)', ours: { kind: 'momentum', momentum: 0.9, nesterov: true }, theirs: (lr) => tf.train.momentum(lr, 0.9, true), lr: 0.02 },
      ];
      for (const o of optimizers) {
        for (const c of [cases[0]!, cases[1]!, cases[2]!]) {
          it(`100 steps of ${o.name} give the same loss curve: ${title(c)}`, () => {
            const net = compileOrThrow(mlp(c.inputs, c.layers, c.loss, 3));
            const { x, y } = randomBatch(net, c.batch, c.loss, 5);
            const model = tfModel(net, c);
            const xt = tf.tensor2d(x, [c.batch, net.inputSize]);
            const yt = tf.tensor2d(y, [c.batch, net.outputSize]);
            const settings: OptimizerSettings = { kind: 'sgd', learningRate: o.lr, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l1: 0, l2: 0, ...o.ours };
            const optimizer = createOptimizer(settings, net.params.length, net.layout.isWeight);
            const theirs = o.theirs(o.lr);
            const oursCurve: number[] = [];
            const theirCurve: number[] = [];
            for (let s = 0; s < 100; s++) {
              net.forward(x, c.batch);
              oursCurve.push(net.loss(y, c.batch));
              net.zeroGrads();
              net.backward(y, c.batch);
              optimizer.step(net.params, net.grads);
              const l = theirs.minimize(() => model.loss(xt, yt), true, model.vars) as tf.Scalar;
              theirCurve.push(l.dataSync()[0]!);
              l.dispose();
            }
            for (let s = 0; s < 100; s++) expect(Math.abs(oursCurve[s]! - theirCurve[s]!), `step ${s}`).toBeLessThanOrEqual(1e-3);
            // The curve really moved: this is a training run, not two flat lines.
            expect(oursCurve[99]!).toBeLessThan(oursCurve[0]! * 0.95);
            theirs.dispose();
            tf.dispose([xt, yt, ...model.vars]);
          });
        }
      }
    });
  });
}
