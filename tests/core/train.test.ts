import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, makeIris, makePlaneSet } from '../../src/core/data';
import type { Dataset } from '../../src/core/data/types';
import type { NetworkDocument, TrainingSetup } from '../../src/core/document';
import { compileNetwork, writeWeights } from '../../src/core/network';
import { findTemplate } from '../../src/core/templates';
import { createTrainingSession, type TrainingSession } from '../../src/core/train';
import { dataset, dense, doc, edge, input, mlp, names, output } from './nn-helpers';
import { KERNEL_MODES, useDefaultKernels, useKernelMode } from './helpers/kernel-modes';

function session(d: NetworkDocument, data: Dataset, setup: Partial<TrainingSetup> = {}): TrainingSession {
  const made = createTrainingSession(d, data, setup);
  if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('\n'));
  return made.session;
}

const XOR = dataset('binary', ['x', 'y'], ['label'], [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]);

/** in(x, y) → dense hidden layers → one sigmoid unit → binary cross-entropy on "label". */
function binaryNet(hidden: number[], activation: 'tanh' | 'relu', seed: number): NetworkDocument {
  const nodes = [input('in', ['x', 'y'])];
  const edges = [];
  let prev = 'in';
  hidden.forEach((units, k) => {
    nodes.push(dense(`h${k + 1}`, units, activation));
    edges.push(edge(prev, `h${k + 1}`));
    prev = `h${k + 1}`;
  });
  nodes.push(dense('o', 1, 'sigmoid'), output('out', 'binaryCrossEntropy', ['label']));
  edges.push(edge(prev, 'o'), edge('o', 'out'));
  return doc(nodes, edges, seed);
}

describe('learning', () => {
  it('learns XOR to 100% accuracy (2-4-1 tanh, Adam lr 0.05, batch 4, 300 epochs, seed 1)', () => {
    const s = session(binaryNet([4], 'tanh', 1), XOR, { optimizer: 'adam', learningRate: 0.05, batchSize: 4 });
    for (let e = 0; e < 300; e++) expect(s.stepEpoch().kind).toBe('ok');
    const ev = s.evaluate();
    expect(ev.trainAccuracy).toBe(1);
    expect(ev.trainLoss).toBeLessThan(0.1);
    expect(ev.testLoss).toBeNull();
    expect(ev.confusion).toEqual([[2, 0], [0, 2]]);
  });

  it('learns the spiral to ≥ 95% training accuracy (2-8-8-1 tanh, Adam lr 0.03, batch 10, 500 points, 400 epochs, seed 1)', () => {
    const made = makePlaneSet('spiral', { samples: 500, noise: 0, seed: 1, trainRatio: 0.5 });
    if (!made.ok) throw new Error(made.message);
    const s = session(binaryNet([8, 8], 'tanh', 1), made.dataset, { optimizer: 'adam', learningRate: 0.03, batchSize: 10 });
    for (let e = 0; e < 400; e++) expect(s.stepEpoch().kind).toBe('ok');
    expect(s.evaluate().trainAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('classifies Iris with ≥ 95% test accuracy (4-8-3 softmax, Adam lr 0.02, batch 8, 100 epochs, split seed 1, seed 1)', () => {
    const made = makeIris({ trainRatio: 0.7, seed: 1 });
    if (!made.ok) throw new Error(made.message);
    const data = made.dataset;
    const d = doc(
      [input('in', data.featureNames), dense('h', 8, 'tanh'), dense('o', 3, 'softmax'), output('out', 'softmaxCrossEntropy', data.targetNames)],
      [edge('in', 'h'), edge('h', 'o'), edge('o', 'out')],
      1,
    );
    const s = session(d, data, { optimizer: 'adam', learningRate: 0.02, batchSize: 8 });
    const first = s.evaluate();
    for (let e = 0; e < 100; e++) s.stepEpoch();
    const ev = s.evaluate();
    expect(ev.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(ev.testLoss!).toBeLessThan(first.testLoss!);
    // The confusion matrix counts every test row once.
    expect(ev.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(data.test.n);
  });
});

for (const mode of KERNEL_MODES) {
  describe(`with the ${mode.name}`, () => {
    beforeAll(() => useKernelMode(mode));
    afterAll(() => useDefaultKernels());

    describe('determinism', () => {
      it('gives bit-identical parameters for the same document, data and seed, with dropout and shuffling', () => {
        const made = makePlaneSet('moons', { samples: 200, noise: 0.1, seed: 3 });
        if (!made.ok) throw new Error(made.message);
        const d = doc(
          [input('in', ['x', 'y']), dense('h', 8, 'relu'), { type: 'dropout', id: 'dr', name: 'dr', position: { x: 0, y: 0 }, rate: 0.3 }, dense('o', 1, 'sigmoid'), output('out', 'binaryCrossEntropy', ['label'])],
          [edge('in', 'h'), edge('h', 'dr'), edge('dr', 'o'), edge('o', 'out')],
          5,
        );
        const run = () => {
          const s = session(d, made.dataset, { optimizer: 'adam', learningRate: 0.01, batchSize: 7 });
          s.stepBatches(123);
          return s.net.params.slice();
        };
        const a = run();
        const b = run();
        expect(Array.from(b)).toEqual(Array.from(a));
        // A different seed gives different parameters (so the comparison above can fail).
        const other = session({ ...d, training: { ...d.training, seed: 6 } }, made.dataset, { optimizer: 'adam', learningRate: 0.01, batchSize: 7 });
        other.stepBatches(123);
        expect(Array.from(other.net.params)).not.toEqual(Array.from(a));
      });

      it('is not disturbed by heatmaps, traces and evaluations between steps', () => {
        const plain = session(binaryNet([4], 'tanh', 3), XOR, { optimizer: 'adam', learningRate: 0.05, batchSize: 4 });
        plain.stepBatches(6);
        const watched = session(binaryNet([4], 'tanh', 3), XOR, { optimizer: 'adam', learningRate: 0.05, batchSize: 4 });
        for (let k = 0; k < 6; k++) {
          watched.stepBatches(1);
          // A 2×2 grid is a batch of 4, the training batch size.
          watched.net.gridOutputs(['h1', 'o'], { xRange: [0, 1], yRange: [0, 1], resolution: 2 });
          watched.net.trace(Float32Array.of(0, 1));
          watched.evaluate();
        }
        expect(Array.from(watched.net.params)).toEqual(Array.from(plain.net.params));
      });

      it('reset() starts the same run again, reset(seed) starts a different one', () => {
        const s = session(binaryNet([4], 'tanh', 2), XOR, { optimizer: 'momentum', learningRate: 0.1, batchSize: 3 });
        const initial = s.net.params.slice();
        s.stepBatches(10);
        const after10 = s.net.params.slice();
        s.reset();
        expect(s.state).toEqual({ step: 0, epoch: 0, sampleInEpoch: 0 });
        expect(Array.from(s.net.params)).toEqual(Array.from(initial));
        s.stepBatches(10);
        expect(Array.from(s.net.params)).toEqual(Array.from(after10));
        s.reset(99);
        expect(Array.from(s.net.params)).not.toEqual(Array.from(initial));
      });
    });
  });
}

describe('divergence', () => {
  it('stops with the step and keeps the last good, finite weights when the learning rate is 1e6', () => {
    const d = doc(
      [input('in', ['x', 'y']), dense('h', 8, 'relu'), dense('o', 1, 'linear'), output('out', 'mse', ['label'])],
      [edge('in', 'h'), edge('h', 'o'), edge('o', 'out')],
    );
    const s = session(d, XOR, { optimizer: 'sgd', learningRate: 1e6, batchSize: 4 });
    /** The weights after each step: afterStep[k] = after k steps. */
    const afterStep = [s.net.params.slice()];
    let result = s.stepBatches(1);
    let guard = 0;
    while (result.kind === 'ok' && guard++ < 100) {
      afterStep.push(s.net.params.slice());
      result = s.stepBatches(1);
    }
    expect(result.kind).toBe('diverged');
    if (result.kind !== 'diverged') return;
    expect(result.step).toBe(s.state.step + 1);
    expect(result.message).toMatch(/diverged at step \d+/);
    expect(result.where === 'loss' || result.where in s.net.layout.edges || result.where in s.net.layout.biases).toBe(true);
    expect(s.net.params.every(Number.isFinite)).toBe(true);
    // The weights kept are those after the last step whose result was sound.
    expect(Array.from(s.net.params)).toEqual(Array.from(afterStep[s.state.step]));
  });

  it('counts a loss that explodes without ever reaching Infinity as divergence (XOR template, learning rate 1e6)', () => {
    // tanh hidden units and a sigmoid output keep every gradient bounded: the weights grow by ~1e6 a step and the
    // loss sits at absurd but finite values, which NaN/Infinity checks alone would never catch.
    const template = findTemplate('xor')!.build();
    const data = loadDataset(template.data);
    if (!data.ok) throw new Error(data.message);
    const made = createTrainingSession(template, data.dataset, { learningRate: 1e6 });
    if (!made.ok) throw new Error('xor template does not compile');
    const s = made.session;
    const initial = s.net.params.slice();
    const result = s.stepBatches(50);
    expect(result.kind).toBe('diverged');
    if (result.kind !== 'diverged') return;
    expect(result.where).toBe('loss');
    expect(result.message).toMatch(/loss jumped to [\d.e+]+ \(it started near 0\.\d+\)/);
    expect(s.state.step).toBe(result.step - 1);
    expect(Array.from(s.net.params)).toEqual(Array.from(initial));
  });

  it('does not call an ordinary learning-rate spike divergence', () => {
    const template = findTemplate('xor')!.build();
    const data = loadDataset(template.data);
    if (!data.ok) throw new Error(data.message);
    const made = createTrainingSession(template, data.dataset, { learningRate: 3 });
    if (!made.ok) throw new Error('xor template does not compile');
    expect(made.session.stepBatches(2000).kind).toBe('ok');
  });
});

describe('session controls', () => {
  it('applies step decay to the learning rate per epoch and accepts a new rate between steps', () => {
    const s = session(binaryNet([3], 'tanh', 1), XOR, { learningRate: 0.1, batchSize: 4, schedule: { kind: 'stepDecay', factor: 0.5, everyEpochs: 2 } });
    expect(s.learningRate).toBeCloseTo(0.1, 12);
    s.stepEpoch();
    s.stepEpoch();
    expect(s.state.epoch).toBe(2);
    expect(s.learningRate).toBeCloseTo(0.05, 12);
    s.setLearningRate(1);
    expect(s.learningRate).toBeCloseTo(0.5, 12);
    const before = s.net.params.slice();
    s.stepBatches(1);
    // With SGD the update is exactly −lr·grad at the new rate.
    for (let k = 0; k < before.length; k++) expect(s.net.params[k]).toBeCloseTo(before[k]! - 0.5 * s.net.grads[k]!, 6);
  });

  it('regularises weights but not biases (L2: grad += 2·l2·w)', () => {
    const d = binaryNet([3], 'tanh', 1);
    const zeroData = dataset('binary', ['x', 'y'], ['label'], [[0, 0]], [[0.5]]);
    // x = 0 and a target the untrained output can match closely: the data gradient of every weight is 0.
    const s = session(d, zeroData, { learningRate: 0.1, batchSize: 1, l2: 0.5 });
    const w0 = s.net.params.slice();
    s.stepBatches(1);
    const block = s.net.layout.edges['in->h1']!;
    for (let k = block.offset; k < block.offset + block.rows * block.cols; k++) expect(s.net.params[k]).toBeCloseTo(w0[k]! * (1 - 0.1 * 2 * 0.5), 6);
    // Every data gradient is 0 here (x = 0, biases 0, so the output is σ(0) = 0.5 = the target): biases do not move.
    for (const [id, b] of Object.entries(s.net.layout.biases)) {
      for (let k = b.offset; k < b.offset + b.length; k++) expect(s.net.params[k], id).toBe(w0[k]);
    }
  });

  it('applies L1 as l1·sign(w) on weights only', () => {
    const zeroData = dataset('binary', ['x', 'y'], ['label'], [[0, 0]], [[0.5]]);
    const s = session(binaryNet([3], 'tanh', 1), zeroData, { learningRate: 0.1, batchSize: 1, l1: 0.01 });
    const w0 = s.net.params.slice();
    s.stepBatches(1);
    for (let k = 0; k < w0.length; k++) {
      const expected = s.net.layout.isWeight[k] ? w0[k]! - 0.1 * 0.01 * Math.sign(w0[k]!) : w0[k]!;
      expect(s.net.params[k]).toBeCloseTo(expected, 7);
    }
  });

  it('clips the global gradient norm', () => {
    const s = session(binaryNet([4], 'tanh', 1), XOR, { learningRate: 0.1, batchSize: 4, clipNorm: 1e-3 });
    s.stepBatches(1);
    let sq = 0;
    for (const g of s.net.grads) sq += g * g;
    expect(Math.sqrt(sq)).toBeCloseTo(1e-3, 6);
  });

  it('walks through the data in seeded, shuffled batches and counts epochs', () => {
    const s = session(binaryNet([2], 'tanh', 1), XOR, { batchSize: 3 });
    s.stepBatches(1);
    expect(s.state).toEqual({ step: 1, epoch: 0, sampleInEpoch: 3 });
    s.stepBatches(1);
    expect(s.state).toEqual({ step: 2, epoch: 1, sampleInEpoch: 0 });
    s.stepEpoch();
    expect(s.state).toEqual({ step: 4, epoch: 2, sampleInEpoch: 0 });
  });
});

describe('compile problems and write-back', () => {
  it('refuses a network that reads a feature the data does not have, naming the node and the feature', () => {
    const d = doc([input('in', ['x', 'z']), dense('o', 1, 'sigmoid'), output('out', 'binaryCrossEntropy', ['label'])], [edge('in', 'o'), edge('o', 'out')]);
    const made = createTrainingSession(d, XOR);
    expect(made.ok).toBe(false);
    if (made.ok) return;
    expect(made.problems[0]!.code).toBe('unknown-feature');
    expect(made.problems[0]!.nodeIds).toEqual(['in']);
    expect(made.problems[0]!.message).toContain('"z"');
  });

  it('refuses an invalid document with the validator’s problems', () => {
    const d = doc([input('in', ['x']), dense('o', 1, 'sigmoid')], [edge('in', 'o')]);
    const made = compileNetwork(d);
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.problems.some((p) => p.code === 'no-output')).toBe(true);
  });

  it('writes weights back as exact float32 values and compiles them to the same parameters', () => {
    const d = mlp(3, [{ units: 4, activation: 'relu' }, { units: 2, activation: 'linear' }], 'mse', 9);
    const data = dataset('regression', names('f', 3), names('t', 2), [[1, 2, 3], [0, 1, 0]], [[1, 0], [0, 1]]);
    const s = session(d, data, { learningRate: 0.05, batchSize: 2 });
    s.stepBatches(5);
    const saved = writeWeights(d, s.net);
    expect(d.edges[0]!.weights).toBeUndefined();
    const again = compileNetwork(saved);
    expect(again.ok).toBe(true);
    if (again.ok) expect(Array.from(again.net.params)).toEqual(Array.from(s.net.params));
    expect((saved.nodes.find((n) => n.id === 'd1') as { bias: number[] }).bias).toHaveLength(4);
  });

  it('initialises deterministically from the seed, and differently for another seed', () => {
    const d = mlp(3, [{ units: 4, activation: 'relu' }, { units: 1, activation: 'linear' }], 'mse', 1);
    const a = compileNetwork(d, { seed: 4 });
    const b = compileNetwork(d, { seed: 4 });
    const c = compileNetwork(d, { seed: 5 });
    if (!a.ok || !b.ok || !c.ok) throw new Error('compile');
    expect(Array.from(a.net.params)).toEqual(Array.from(b.net.params));
    expect(Array.from(a.net.params)).not.toEqual(Array.from(c.net.params));
    const limit = Math.sqrt(6 / (3 + 4));
    const w = a.net.layout.edges['in->d1']!;
    for (let k = w.offset; k < w.offset + 12; k++) expect(Math.abs(a.net.params[k]!)).toBeLessThanOrEqual(limit);
  });
});

describe('trace and grid outputs', () => {
  it('gives each node’s first unit over a grid of plane points, equal to tracing each point', () => {
    const d = binaryNet([3], 'tanh', 1);
    const made = compileNetwork(d, { featureNames: ['x', 'y'], targetNames: ['label'] });
    if (!made.ok) throw new Error('compile');
    const net = made.net;
    const grid = net.gridOutputs(['h1', 'o'], { xRange: [-1, 1], yRange: [-2, 2], resolution: 5 });
    expect(grid.o).toHaveLength(25);
    for (const [ix, iy] of [[0, 0], [4, 0], [2, 3], [4, 4]] as const) {
      const t = net.trace(Float32Array.of(-1 + (ix / 4) * 2, -2 + (iy / 4) * 4));
      expect(grid.o![iy * 5 + ix]).toBeCloseTo(t.o!.a[0]!, 6);
      expect(grid.h1![iy * 5 + ix]).toBeCloseTo(t.h1!.a[0]!, 6);
    }
  });

  it('maps grid points through engineered features (x, y, x², x·y)', () => {
    const d = doc([input('in', ['x', 'y', 'x2', 'xy']), dense('o', 1, 'linear'), output('out', 'mse', ['t'])], [edge('in', 'o'), edge('o', 'out')]);
    const made = compileNetwork(d);
    if (!made.ok) throw new Error('compile');
    const net = made.net;
    const grid = net.gridOutputs(['o'], { xRange: [-3, 3], yRange: [-3, 3], resolution: 3 });
    // Corner (x, y) = (3, −3) is index 2: features (3, −3, 9, −9).
    const t = net.trace(Float32Array.of(3, -3, 9, -9));
    expect(grid.o![2]).toBeCloseTo(t.o!.a[0]!, 5);
  });
});
