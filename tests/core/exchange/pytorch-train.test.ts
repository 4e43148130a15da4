/**
 * train.py against Netwright's core, from identical weights:
 * - k = 20 full-batch steps of SGD, momentum, Nesterov momentum and Adam, with L1 and/or L2 (and clipping), give the
 *   same weights. Tolerance: |Δ| ≤ 1e-6 + 1e-5·|w|. Both sides compute in float32 but sum in different orders
 *   (torch's matrix kernels and autograd against the core's loops), and PyTorch's Adam divides by √v/√(1−β2ᵗ) where
 *   the core takes √(v/(1−β2ᵗ)): each step differs by a few float32 ulps (float32's ε is 1.2e-7), and over 20 steps
 *   of these small networks the largest difference measured is 1.5e-7 (the test prints the worst ratio to the
 *   tolerance, ≤ 0.15 here). A wrong rule (a missing bias correction, L2 without its factor 2, L1 on a bias, a lost
 *   momentum term) is off by lr·|g| ≳ 1e-4 after one step, far outside it.
 * - A small CNN with every image kind (Conv2D, BatchNorm in training mode with its running statistics, both pools,
 *   GlobalAveragePool, Flatten) takes 8 such steps: BatchNorm's backward subtracts nearly equal sums, so the float32
 *   differences grow faster there (after 8 steps the worst ratio is about 0.6; after 20, about 1.5, on a conv bias).
 * - The round trip: train.py for a few epochs (mini-batches, the core's shuffled order) → import the weights → the
 *   core's test loss equals the test loss train.py printed.
 * All runs share one Python process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/core/data';
import type { NetworkDocument, NetworkNode, TrainingSetup } from '../../../src/core/document';
import { exportPyTorch } from '../../../src/core/exchange/pytorch';
import { importWeights } from '../../../src/core/exchange/importWeights';
import { exampleNetwork, origin } from '../../../src/core/kinds/common';
import { compileNetwork } from '../../../src/core/network';
import { findTemplate } from '../../../src/core/templates';
import { createRng } from '../../../src/core/random';
import { createTrainingSession } from '../../../src/core/train';
import { TRAIN_HARNESS } from './harness';
import { requirePython, runPython, tempRoot, writeProject } from './python';

const STEPS = 20;
const ATOL = 1e-6;
const RTOL = 1e-5;

/** A binary classifier on the circle set using every trainable kind: Dense, LayerNorm, Concat, Neuron. */
function circleNet(): NetworkDocument {
  const doc = exampleNetwork('circle net', [
    { id: 'a', type: 'input', name: 'point', position: origin, features: ['x', 'y'] },
    { id: 'h', type: 'dense', name: 'hidden', position: origin, units: 6, activation: 'tanh', useBias: true },
    { id: 'ln', type: 'layerNorm', name: 'norm', position: origin, epsilon: 1e-5 },
    { id: 'g', type: 'dense', name: 'second', position: origin, units: 4, activation: 'elu', useBias: true },
    { id: 'c', type: 'concat', name: 'both', position: origin },
    { id: 'o', type: 'neuron', name: 'inside', position: origin, activation: 'sigmoid', bias: 0 },
    { id: 'out', type: 'output', name: 'out', position: origin, loss: 'binaryCrossEntropy', targets: ['label'] },
  ] satisfies NetworkNode[], [['a', 'h'], ['h', 'ln'], ['ln', 'g'], ['g', 'c', { order: 0 }], ['a', 'c', { order: 1 }], ['c', 'o'], ['o', 'out']]);
  return { ...doc, data: { kind: 'builtin', name: 'circle', noise: 0.1, trainRatio: 0.5, seed: 3, samples: 80 } };
}

/**
 * A small CNN on a CSV of random 4×4×2 images with every image kind: Conv2D (same), BatchNorm (batch statistics and
 * the running statistics' update while training), MaxPool2D, AveragePool2D with asymmetric 'same' padding (padding
 * not counted), GlobalAveragePool and Flatten.
 */
function imageNet(): NetworkDocument {
  const features = Array.from({ length: 32 }, (_, k) => `p${k + 1}`);
  const rng = createRng(17);
  const rows = Array.from({ length: 24 }, () => [...features.map(() => rng.uniform(-1, 1)), rng.uniform(-1, 1), rng.uniform(-1, 1)].map((v) => v.toFixed(4)).join(','));
  const doc = exampleNetwork('image net', [
    { id: 'a', type: 'input', name: 'image', position: origin, features, shape: [4, 4, 2] },
    { id: 'c', type: 'conv2d', name: 'conv', position: origin, filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'tanh', useBias: true },
    { id: 'bn', type: 'batchNorm', name: 'norm', position: origin, momentum: 0.8, epsilon: 1e-3 },
    { id: 'mp', type: 'maxPool2d', name: 'max', position: origin, kernelSize: [2, 2], strides: [2, 2], padding: 'valid' },
    { id: 'ap', type: 'averagePool2d', name: 'mean', position: origin, kernelSize: [3, 2], strides: [2, 1], padding: 'same' },
    { id: 'f', type: 'flatten', name: 'flat', position: origin },
    { id: 'g', type: 'globalAveragePool', name: 'global', position: origin },
    { id: 'cat', type: 'concat', name: 'both', position: origin },
    { id: 'h', type: 'dense', name: 'head', position: origin, units: 2, activation: 'linear', useBias: true },
    { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['t1', 't2'] },
  ] satisfies NetworkNode[], [['a', 'c'], ['c', 'bn'], ['bn', 'mp'], ['mp', 'ap'], ['ap', 'f'], ['bn', 'g'], ['f', 'cat', { order: 0 }], ['g', 'cat', { order: 1 }], ['cat', 'h'], ['h', 'out']]);
  return {
    ...doc,
    data: {
      kind: 'csv', fileName: 'images.csv', text: [[...features, 't1', 't2'].join(','), ...rows].join('\n'),
      roles: Object.fromEntries([...features.map((f) => [f, 'feature'] as const), ['t1', 'target'] as const, ['t2', 'target'] as const]),
      standardize: false, trainRatio: 0.75, seed: 5,
    },
  };
}

interface Case {
  title: string;
  doc: NetworkDocument;
  setup: Partial<TrainingSetup>;
  /** Full batch for `epochs` epochs (k steps), or the document's batch. */
  fullBatch: boolean;
  epochs: number;
}

const cases: Case[] = [
  { title: 'sgd with L1', doc: circleNet(), setup: { optimizer: 'sgd', learningRate: 0.3, l1: 0.001, l2: 0 }, fullBatch: true, epochs: STEPS },
  { title: 'momentum with L2', doc: circleNet(), setup: { optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, l1: 0, l2: 0.01 }, fullBatch: true, epochs: STEPS },
  { title: 'nesterov with L1, L2 and clipping', doc: circleNet(), setup: { optimizer: 'momentum', nesterov: true, learningRate: 0.1, momentum: 0.8, l1: 0.001, l2: 0.001, clipNorm: 0.5 }, fullBatch: true, epochs: STEPS },
  { title: 'adam with L1 and L2', doc: circleNet(), setup: { optimizer: 'adam', learningRate: 0.02, l1: 0.001, l2: 0.01 }, fullBatch: true, epochs: STEPS },
  { title: 'adam, Iris template (softmax cross-entropy)', doc: findTemplate('iris')!.build(), setup: { optimizer: 'adam', learningRate: 0.05, l2: 0.001 }, fullBatch: true, epochs: STEPS },
  { title: 'sgd with a step-decay schedule, regression template (mse)', doc: findTemplate('regression')!.build(), setup: { optimizer: 'sgd', learningRate: 0.05, schedule: { kind: 'stepDecay', factor: 0.5, everyEpochs: 5 } }, fullBatch: true, epochs: STEPS },
  { title: 'momentum, a CNN with every image kind (BatchNorm training statistics)', doc: imageNet(), setup: { optimizer: 'momentum', learningRate: 0.05, momentum: 0.9, l1: 0, l2: 0.001 }, fullBatch: true, epochs: 8 },
  { title: 'round trip: a CNN with every image kind, 3 epochs of mini-batches', doc: imageNet(), setup: { batchSize: 5 }, fullBatch: false, epochs: 3 },
  { title: 'round trip: spiral template, 3 epochs of mini-batches', doc: findTemplate('spiral')!.build(), setup: {}, fullBatch: false, epochs: 3 },
  { title: 'round trip: Iris template, 4 epochs of mini-batches', doc: findTemplate('iris')!.build(), setup: {}, fullBatch: false, epochs: 4 },
];

describe('PyTorch export: train.py trains as the core does', () => {
  it('takes the same steps as the core and its printed test loss is the core\'s after importing its weights', async () => {
    requirePython(['torch']);
    const root = tempRoot('nw-pt-train-');
    const prepared = cases.map((c, k) => {
      const loaded = loadDataset(c.doc.data);
      if (!loaded.ok) throw new Error(loaded.message);
      const ds = loaded.dataset;
      const batchSize = c.fullBatch ? ds.train.n : c.doc.training.batchSize;
      const doc: NetworkDocument = { ...c.doc, training: { ...c.doc.training, ...c.setup, batchSize, epochs: c.epochs } };
      const exported = exportPyTorch(doc, { dataset: ds });
      if (!exported.ok) throw new Error(exported.message);
      const dir = writeProject(root, `case${k}`, exported.project.files);
      return { c, doc, ds, dir };
    });
    writeFileSync(join(root, 'runs.json'), JSON.stringify(prepared.map((p) => ({ dir: p.dir, args: [] }))));
    writeFileSync(join(root, 'harness.py'), TRAIN_HARNESS);
    const run = await runPython([join(root, 'harness.py'), join(root, 'runs.json')], root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const report: string[] = [];
    for (const { c, doc, ds, dir } of prepared) {
      const made = createTrainingSession(doc, ds);
      if (!made.ok) throw new Error(made.problems[0]!.message);
      const session = made.session;
      let steps = 0;
      for (let e = 0; e < c.epochs; e++) {
        const result = session.stepEpoch();
        expect(result.kind).toBe('ok');
        if (result.kind === 'ok') steps = result.step;
      }
      const coreTest = session.evaluate().testLoss!;
      const imported = importWeights(doc, readFileSync(join(dir, 'trained-weights.json'), 'utf8'));
      if (!imported.ok) throw new Error(`${c.title}: ${imported.message}`);
      // train.py says how many steps its weights took: the app's counter goes on from there.
      expect(imported.step, c.title).toBe(steps);
      const compiled = compileNetwork(imported.doc, { featureNames: ds.featureNames, targetNames: ds.targetNames });
      if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
      const theirs = compiled.net.params;
      const ours = session.net.params;
      let worst = 0;
      let moved = 0;
      const initial = compileNetwork(doc, { featureNames: ds.featureNames, targetNames: ds.targetNames });
      if (!initial.ok) throw new Error();
      for (let i = 0; i < ours.length; i++) {
        worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!) / (ATOL + RTOL * Math.abs(ours[i]!)));
        moved = Math.max(moved, Math.abs(ours[i]! - initial.net.params[i]!));
      }
      const stdout = readFileSync(join(dir, 'stdout.txt'), 'utf8');
      const lines = stdout.split('\n').filter((l) => l.startsWith('epoch'));
      expect(lines).toHaveLength(c.epochs);
      const printed = Number(/test loss (\S+)/.exec(lines[lines.length - 1]!)![1]);
      // The core's test loss of the imported weights, as the app computes it after an import.
      const after = createTrainingSession(imported.doc, ds);
      if (!after.ok) throw new Error();
      const appTest = after.session.evaluate().testLoss!;
      report.push(`${c.title}: worst |Δ|/(atol + rtol·|w|) ${worst.toFixed(3)}, largest move ${moved.toPrecision(3)}, test loss core ${coreTest.toPrecision(8)} / train.py ${printed} / imported ${appTest.toPrecision(8)}`);
      expect({ title: c.title, moved: moved > 1e-3, within: worst <= 1 }).toEqual({ title: c.title, moved: true, within: true });
      // train.py prints 8 significant digits.
      expect(Math.abs(appTest - printed)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(printed)));
    }
    console.log(report.join('\n'));
  }, 300_000);
});
