import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDataset, columnStats, splitIndices, type Table } from '../../../src/core/data/build';

describe('splitting', () => {
  it('puts every row in exactly one split, with round(n·ratio) rows (at least one) in training', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.001, max: 1, noNaN: true }), fc.integer(), (n, ratio, seed) => {
        const { train, test } = splitIndices(n, ratio, seed);
        expect([...train, ...test].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(train.length).toBe(Math.max(1, Math.round(n * ratio)));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('stratifies: each class contributes round(count·ratio) rows to training', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.1, max: 0.9, noNaN: true }), fc.integer(), (classes, ratio, seed) => {
        const classOf = Int32Array.from(classes);
        const { train } = splitIndices(classes.length, ratio, seed, classOf);
        for (const c of [0, 1, 2, 3]) {
          const count = classes.filter((k) => k === c).length;
          const inTrain = [...train].filter((i) => classOf[i] === c).length;
          const expected = Math.round(count * ratio);
          // The one exception: a split that would leave training empty borrows one test row.
          if (train.length > 1 || expected > 0) expect(inTrain).toBe(expected);
        }
      }),
      { numRuns: 300, seed: 4 },
    );
  });

  it('is a function of the seed', () => {
    const a = splitIndices(100, 0.6, 1);
    expect(splitIndices(100, 0.6, 1)).toEqual(a);
    expect([...splitIndices(100, 0.6, 2).train]).not.toEqual([...a.train]);
  });
});

describe('column statistics', () => {
  it('matches the textbook mean and population std', () => {
    const v = Float64Array.from([1, 10, 2, 20, 3, 30, 4, 40]);
    const s = columnStats(v, 2, [0, 1, 2, 3]);
    expect(s.mean).toEqual([2.5, 25]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(125), 12);
  });

  it('uses only the rows it is given', () => {
    const s = columnStats(Float64Array.from([1, 2, 100, 3]), 1, [0, 1, 3]);
    expect(s.mean[0]).toBe(2);
  });

  it('neither underflows on tiny values nor overflows on huge ones', () => {
    for (const scale of [1e-170, 1e-300, 1e170, 1e300]) {
      const s = columnStats(Float64Array.from([1 * scale, 3 * scale]), 1, [0, 1]);
      expect(s.std[0] / scale).toBeCloseTo(1, 10);
    }
  });
});

describe('building a data set', () => {
  const table = (x: number[], y: number[], task: Table['task'] = 'regression'): Table => ({
    n: y.length,
    featureNames: ['a'],
    targetNames: ['t'],
    task,
    x: Float64Array.from(x),
    y: Float64Array.from(y),
  });
  const opts = { name: 't', trainRatio: 0.5, seed: 1, standardizeFeatures: true, standardizeTarget: true };

  it('leaves a constant column unscaled (std taken as 1) and says so', () => {
    const built = buildDataset(table([5, 5, 5, 5], [1, 2, 3, 4]), opts);
    if (!built.ok) throw new Error(built.message);
    expect(built.constantFeatures).toEqual(['a']);
    expect([...built.dataset.train.x, ...built.dataset.test.x]).toEqual([0, 0, 0, 0]);
  });

  it('scales test rows with the training statistics', () => {
    const built = buildDataset(table([0, 2, 0, 2, 100, 100], [0, 0, 0, 0, 0, 1]), { ...opts, trainRatio: 4 / 6, seed: 9 });
    if (!built.ok) throw new Error(built.message);
    const rawOf = (rows: Int32Array) => [...rows].map((i) => [0, 2, 0, 2, 100, 100][i]);
    const trainRaw = rawOf(built.order.train);
    const m = trainRaw.reduce((a, b) => a + b, 0) / trainRaw.length;
    const sd = Math.sqrt(trainRaw.reduce((a, b) => a + (b - m) ** 2, 0) / trainRaw.length);
    rawOf(built.order.test).forEach((raw, i) => expect(built.dataset.test.x[i]).toBeCloseTo((raw - m) / sd, 5));
  });

  it('refuses a table with no rows and bad split options', () => {
    expect(buildDataset(table([], []), opts)).toEqual({ ok: false, message: 'The data set has no rows.' });
    const bad = buildDataset(table([1], [1]), { ...opts, trainRatio: Number.NaN });
    expect(bad.ok).toBe(false);
  });

  it('reports a value that does not fit in float32 instead of storing ∞', () => {
    const built = buildDataset({ ...table([1, 1e39], [0, 1]), rowLabel: (i) => `line ${i + 10}` }, { ...opts, standardizeFeatures: false, standardizeTarget: false, trainRatio: 1 });
    expect(built).toEqual({ ok: false, message: 'Feature "a" of line 11 is Infinity after scaling; values must stay finite within 32-bit floats (|v| < 3.4e38).' });
  });
});
