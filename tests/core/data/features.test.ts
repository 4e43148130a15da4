import { describe, expect, it } from 'vitest';
import { PLANE_FEATURES, checkPlaneFeatures, featureLabel, featureMap, planeGridInputs } from '../../../src/core/data/features';
import { makePlaneSet } from '../../../src/core/data/synthetic';

/** Each feature written out by hand, independently of the table in features.ts. */
const EXPECTED: Record<string, (x: number, y: number) => number> = {
  x: (x) => x,
  y: (_x, y) => y,
  x2: (x) => x ** 2,
  y2: (_x, y) => y ** 2,
  xy: (x, y) => x * y,
  sinx: (x) => Math.sin(x),
  siny: (_x, y) => Math.sin(y),
};

describe('engineered features', () => {
  for (const name of PLANE_FEATURES) {
    it(`feature ${name} maps points of the plane as its formula says`, () => {
      const map = featureMap([name]);
      const out = new Float64Array(1);
      for (const [x, y] of [[0, 0], [1, -1], [-2.5, 3], [6, -6], [Math.PI / 2, -Math.PI / 2]]) {
        map(x, y, out, 0);
        expect(out[0]).toBeCloseTo(EXPECTED[name](x, y), 12);
      }
    });
  }

  it('writes several features in the order named, at the given offset', () => {
    const out = new Float32Array(8).fill(-99);
    featureMap(['xy', 'x', 'sinx', 'y2'])(2, 3, out, 3);
    expect([...out]).toEqual([-99, -99, -99, 6, 2, Math.fround(Math.sin(2)), 9, -99]);
  });

  it('has display labels with superscripts and a middle dot', () => {
    expect(['x', 'y', 'x2', 'y2', 'xy', 'sinx', 'siny'].map(featureLabel)).toEqual(['x', 'y', 'x²', 'y²', 'x·y', 'sin x', 'sin y']);
    expect(featureLabel('petalWidth')).toBe('petalWidth');
  });

  it('rejects unknown, repeated and empty feature lists with a reason', () => {
    expect(checkPlaneFeatures(['x', 'z'])).toMatch(/"z"/);
    expect(checkPlaneFeatures(['x', 'x'])).toMatch(/"x" is listed twice/);
    expect(checkPlaneFeatures([])).toMatch(/at least one/);
    expect(checkPlaneFeatures(['x', 'y', 'xy'])).toBeUndefined();
    expect(() => featureMap(['cosx'])).toThrow(/Unknown input feature "cosx"/);
  });

  it('builds a data set whose columns are the named features of the same points', () => {
    const made = makePlaneSet('circle', { seed: 3, features: ['x', 'y', 'xy'] });
    if (!made.ok) throw new Error(made.message);
    const { dataset, plane } = made;
    expect(dataset.featureNames).toEqual(['x', 'y', 'xy']);
    for (let i = 0; i < dataset.train.n; i++) {
      const [px, py] = [plane.train[2 * i], plane.train[2 * i + 1]];
      expect(dataset.train.x[3 * i]).toBe(px);
      expect(dataset.train.x[3 * i + 1]).toBe(py);
      expect(dataset.train.x[3 * i + 2]).toBeCloseTo(px * py, 4);
    }
  });

  it('maps the same points whatever features are chosen (features do not change the data)', () => {
    const a = makePlaneSet('spiral', { seed: 9, features: ['x', 'y'] });
    const b = makePlaneSet('spiral', { seed: 9, features: ['sinx', 'x2'] });
    if (!a.ok || !b.ok) throw new Error('spiral failed');
    expect(b.plane.train).toEqual(a.plane.train);
    expect(b.dataset.train.y).toEqual(a.dataset.train.y);
  });
});

describe('heatmap grid inputs', () => {
  it('samples cell centres in image order: top row is +y, left column is −x', () => {
    const g = planeGridInputs(['x', 'y'], 2, 6);
    expect([...g]).toEqual([-3, 3, 3, 3, -3, -3, 3, -3]);
  });

  it('maps each cell through the same features as the data', () => {
    const names = ['xy', 'sinx', 'y2'];
    const size = 5;
    const g = planeGridInputs(names, size);
    const map = featureMap(names);
    const one = new Float32Array(3);
    const step = 12 / size;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        map(-6 + (col + 0.5) * step, 6 - (row + 0.5) * step, one, 0);
        expect([...g.subarray((row * size + col) * 3, (row * size + col + 1) * 3)]).toEqual([...one]);
      }
    }
  });

  it('refuses a grid size that is not a positive whole number', () => {
    expect(() => planeGridInputs(['x'], 0)).toThrow(/whole number of cells per side; got 0/);
  });
});
