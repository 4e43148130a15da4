import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, datasetSummary, loadDataset, prepareDataset, type LoadResult } from '../../../src/core/data/index';
import type { DataReference } from '../../../src/core/document';

function loaded(r: LoadResult) {
  if (!r.ok) throw new Error(r.message);
  return r;
}

const builtin = (name: Extract<DataReference, { kind: 'builtin' }>['name'], extra: Partial<Extract<DataReference, { kind: 'builtin' }>> = {}): DataReference => ({
  kind: 'builtin',
  name,
  noise: 0,
  trainRatio: 0.5,
  seed: 1,
  ...extra,
});

describe('loadDataset', () => {
  for (const info of BUILTIN_DATASETS) {
    it(`loads ${info.id} as its metadata says`, async () => {
      await prepareDataset(builtin(info.id)); // the digits load on demand
      const r = loaded(loadDataset(builtin(info.id, { trainRatio: info.defaultTrainRatio })));
      expect(r.dataset.task).toBe(info.task);
      expect(r.dataset.featureNames).toEqual([...info.defaultFeatures]);
      expect(r.dataset.targetNames).toEqual([...info.targets]);
      if (info.kind === 'plane') {
        expect(r.dataset.train.n + r.dataset.test.n).toBe(info.defaultSamples);
        expect(r.plane?.train.length).toBe(r.dataset.train.n * 2);
      } else {
        expect(r.plane).toBeUndefined();
      }
      for (const f of info.defaultFeatures) expect(info.features).toContain(f);
    });
  }

  it('lists every built-in name a document may hold, once', () => {
    expect(BUILTIN_DATASETS.map((d) => d.id).sort()).toEqual(['cars', 'circle', 'digits', 'gaussians', 'iris', 'moons', 'plane', 'sine', 'spiral', 'xor']);
  });

  it('passes samples, noise and engineered features through to a 2-D set', () => {
    const r = loaded(loadDataset(builtin('spiral', { samples: 120, noise: 0.2, features: ['x', 'y', 'sinx'] })));
    expect(r.dataset.train.n + r.dataset.test.n).toBe(120);
    expect(r.dataset.featureNames).toEqual(['x', 'y', 'sinx']);
    expect(r.dataset.name).toBe('Spiral (noise 0.2, seed 1)');
  });

  it('refuses a plane feature on a tabular set, naming the set and its features', () => {
    const r = loadDataset(builtin('iris', { features: ['x', 'y'] }));
    expect(r).toEqual({ ok: false, message: 'Iris has no feature "x"; its features are sepalLength, sepalWidth, petalLength, petalWidth.' });
  });

  it('notes that noise does not apply to a tabular set', () => {
    expect(loaded(loadDataset(builtin('cars', { noise: 0.3 }))).notes).toContain('Noise applies only to the generated 2-D sets; ignored here.');
  });

  it('answers "none" and unknown names with a message, not a throw', () => {
    expect(loadDataset({ kind: 'none' })).toEqual({ ok: false, message: 'No data set chosen.' });
    expect(loadDataset(builtin('galaxy' as 'xor'))).toEqual({ ok: false, message: 'Unknown built-in data set "galaxy".' });
    expect(loadDataset({ kind: 'parquet' } as unknown as DataReference)).toEqual({ ok: false, message: 'Unknown kind of data reference "parquet".' });
    expect(loadDataset(builtin('circle', { samples: -5 })).ok).toBe(false);
  });

  it('loads an embedded CSV with its roles', () => {
    const r = loaded(loadDataset({
      kind: 'csv', fileName: 'pets.csv', text: 'w,h,kind\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n',
      roles: { w: 'feature', h: 'feature', kind: 'target' }, standardize: true, trainRatio: 0.5, seed: 2,
    }));
    expect(r.dataset.name).toBe('pets.csv');
    expect(r.dataset.task).toBe('binary');
    expect(r.notes.join(' ')).toContain('"cat" → 0, "dog" → 1');
  });

  it('says which file, row and column a CSV problem is in', () => {
    const r = loadDataset({
      kind: 'csv', fileName: 'pets.csv', text: 'w,kind\n1,cat\nheavy,dog\n2,\n',
      roles: { w: 'feature', kind: 'target' }, standardize: false, trainRatio: 1, seed: 1,
    });
    if (r.ok) throw new Error('expected an error');
    expect(r.message).toBe('pets.csv: Row 3, column "w": "heavy" is not a number.');
    expect(r.errors).toEqual([{ row: 3, column: 'w', message: 'Row 3, column "w": "heavy" is not a number.' }]);
    const roles = loadDataset({ kind: 'csv', fileName: 'pets.csv', text: 'w,kind\n1,cat\n', roles: { size: 'feature' }, standardize: false, trainRatio: 1, seed: 1 });
    expect(roles.ok ? '' : roles.message).toBe('pets.csv: column "size": There is no column "size" in the file (columns: w, kind).');
    const holes = loadDataset({ kind: 'csv', fileName: 'pets.csv', text: 'w,kind\n1,\n,dog\n3,cat\n', roles: { w: 'feature', kind: 'target' }, standardize: false, trainRatio: 1, seed: 1 });
    expect(holes.ok ? '' : holes.message).toBe('pets.csv: Row 2, column "kind": missing value (empty). (and 1 more problem)');
  });
});

describe('datasetSummary', () => {
  it('counts the examples of each class in each split', () => {
    const ds = loaded(loadDataset(builtin('iris', { trainRatio: 0.8 }))).dataset;
    const s = datasetSummary(ds);
    expect(s.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(s.train.classCounts).toEqual([40, 40, 40]);
    expect(s.test.classCounts).toEqual([10, 10, 10]);
    expect(s.train.featureMean.every((m) => Math.abs(m) < 1e-5)).toBe(true);
    expect(s.train.featureStd.every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
  });

  it('counts zeros and ones of a binary set', () => {
    const ds = loaded(loadDataset(builtin('gaussians', { samples: 100 }))).dataset;
    const s = datasetSummary(ds);
    expect(s.classes).toEqual(['0', '1']);
    const ones = [...ds.train.y].filter((v) => v === 1).length;
    expect(s.train.classCounts).toEqual([ds.train.n - ones, ones]);
  });

  it('gives target mean and std for regression', () => {
    const ds = loaded(loadDataset(builtin('plane', { samples: 1000 }))).dataset;
    const s = datasetSummary(ds);
    const y = [...ds.train.y];
    const m = y.reduce((a, b) => a + b, 0) / y.length;
    expect(s.train.targetMean?.[0]).toBeCloseTo(m, 6);
    expect(s.train.classCounts).toBeUndefined();
    expect(s.train.featureStd[0]).toBeCloseTo(12 / Math.sqrt(12), 0);
  });
});
