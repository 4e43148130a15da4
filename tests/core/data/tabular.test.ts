import { describe, expect, it } from 'vitest';
import irisRaw from 'vega-datasets/data/iris.json';
import carsRaw from 'vega-datasets/data/cars.json';
import { makeCars, makeIris, type TabularResult } from '../../../src/core/data/tabular';
import type { DataSplit, Dataset } from '../../../src/core/data/types';

function ok(r: TabularResult): { dataset: Dataset; notes: string[] } {
  if (!r.ok) throw new Error(r.message);
  return r;
}

function column(split: DataSplit, width: number, j: number): number[] {
  return Array.from({ length: split.n }, (_, i) => split.x[i * width + j]);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

function bytesOf(ds: Dataset): number[] {
  return [ds.train.x, ds.train.y, ds.test.x, ds.test.y].flatMap((a) => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)]);
}

describe('Iris', () => {
  it('has 150 rows, 4 features and 3 one-hot classes', () => {
    const { dataset } = ok(makeIris({ seed: 1 }));
    expect(dataset.task).toBe('multiclass');
    expect(dataset.featureNames).toEqual(['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth']);
    expect(dataset.targetNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(dataset.train.n + dataset.test.n).toBe(150);
    for (const split of [dataset.train, dataset.test]) {
      for (let i = 0; i < split.n; i++) {
        const row = [...split.y.subarray(i * 3, i * 3 + 3)];
        expect(row.sort()).toEqual([0, 0, 1]);
      }
    }
  });

  it('splits stratified: each species keeps its share in train and test', () => {
    const { dataset } = ok(makeIris({ seed: 4, trainRatio: 0.7 }));
    const counts = (s: DataSplit) => [0, 1, 2].map((k) => Array.from({ length: s.n }, (_, i) => s.y[i * 3 + k]).filter((v) => v === 1).length);
    expect(counts(dataset.train)).toEqual([35, 35, 35]);
    expect(counts(dataset.test)).toEqual([15, 15, 15]);
  });

  it('standardises features with the training rows only', () => {
    const { dataset } = ok(makeIris({ seed: 2, trainRatio: 0.6 }));
    for (let j = 0; j < 4; j++) {
      const train = column(dataset.train, 4, j);
      expect(mean(train)).toBeCloseTo(0, 5);
      expect(std(train)).toBeCloseTo(1, 5);
      // Statistics of all 150 rows would centre the whole column instead; with train statistics it is off centre.
      expect(Math.abs(mean([...train, ...column(dataset.test, 4, j)]))).toBeGreaterThan(1e-3);
    }
  });

  it('keeps the measurements: undoing the scaling gives back the raw values', () => {
    const { dataset } = ok(makeIris({ seed: 2 }));
    const rawPetal = (irisRaw as { petalLength: number }[]).map((r) => r.petalLength).sort((a, b) => a - b);
    const z = [...column(dataset.train, 4, 2), ...column(dataset.test, 4, 2)];
    const zSorted = [...z].sort((a, b) => a - b);
    // The affine map fixed by the extremes must carry every standardised value onto its raw value.
    const slope = (rawPetal[149] - rawPetal[0]) / (zSorted[149] - zSorted[0]);
    zSorted.forEach((v, i) => expect(rawPetal[0] + (v - zSorted[0]) * slope).toBeCloseTo(rawPetal[i], 4));
  });

  it('is deterministic by seed', () => {
    expect(bytesOf(ok(makeIris({ seed: 7 })).dataset)).toEqual(bytesOf(ok(makeIris({ seed: 7 })).dataset));
    expect(bytesOf(ok(makeIris({ seed: 7 })).dataset)).not.toEqual(bytesOf(ok(makeIris({ seed: 8 })).dataset));
  });

  it('can use a subset of its features, and refuses one it does not have', () => {
    expect(ok(makeIris({ features: ['petalWidth', 'petalLength'] })).dataset.featureNames).toEqual(['petalWidth', 'petalLength']);
    const bad = makeIris({ features: ['petalColour'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/Iris has no feature "petalColour"/);
  });
});

describe('Cars', () => {
  const used = ['Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'];
  const rows = carsRaw as Record<string, unknown>[];
  const complete = rows.filter((r) => used.every((k) => typeof r[k] === 'number'));

  it('drops the rows with nulls, and says how many', () => {
    const { dataset, notes } = ok(makeCars({ seed: 1 }));
    expect(complete.length).toBeLessThan(rows.length);
    expect(dataset.train.n + dataset.test.n).toBe(complete.length);
    expect(notes.join(' ')).toContain(`${complete.length} of ${rows.length} cars used; ${rows.length - complete.length} dropped`);
  });

  it('predicts Miles_per_Gallon from five numeric columns (regression)', () => {
    const { dataset } = ok(makeCars());
    expect(dataset.task).toBe('regression');
    expect(dataset.targetNames).toEqual(['Miles_per_Gallon']);
    expect(dataset.featureNames).toEqual(['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration']);
  });

  it('standardises features and target with training statistics, and targetScale undoes the target', () => {
    const { dataset } = ok(makeCars({ seed: 3, trainRatio: 0.75 }));
    for (let j = 0; j < 5; j++) {
      expect(mean(column(dataset.train, 5, j))).toBeCloseTo(0, 5);
      expect(std(column(dataset.train, 5, j))).toBeCloseTo(1, 5);
    }
    const ty = [...dataset.train.y];
    expect(mean(ty)).toBeCloseTo(0, 5);
    expect(std(ty)).toBeCloseTo(1, 5);
    const scale = dataset.targetScale;
    if (!scale) throw new Error('no targetScale');
    const mpg = new Set(complete.map((r) => (r.Miles_per_Gallon as number).toFixed(1)));
    for (const v of [...dataset.train.y, ...dataset.test.y]) expect(mpg.has((v * scale.std[0] + scale.mean[0]).toFixed(1))).toBe(true);
    // The scale is the training rows' own: the raw miles per gallon of the training rows have that mean and std,
    // which differ from those of all the cars.
    const trainMpg = ty.map((v) => Number((v * scale.std[0] + scale.mean[0]).toFixed(1)));
    expect(mean(trainMpg)).toBeCloseTo(scale.mean[0], 2);
    expect(std(trainMpg)).toBeCloseTo(scale.std[0], 2);
    expect(Math.abs(mean(complete.map((r) => r.Miles_per_Gallon as number)) - scale.mean[0])).toBeGreaterThan(1e-3);
  });

  it('is deterministic by seed', () => {
    expect(bytesOf(ok(makeCars({ seed: 5 })).dataset)).toEqual(bytesOf(ok(makeCars({ seed: 5 })).dataset));
    expect(bytesOf(ok(makeCars({ seed: 5 })).dataset)).not.toEqual(bytesOf(ok(makeCars({ seed: 6 })).dataset));
  });
});
