import { describe, expect, it } from 'vitest';
import { PLANE_SET_NAMES, makePlaneSet, type PlaneSet, type PlaneSetName, type PlaneSetOptions } from '../../../src/core/data/synthetic';

function make(name: PlaneSetName, opts: PlaneSetOptions = {}): PlaneSet {
  const made = makePlaneSet(name, opts);
  if (!made.ok) throw new Error(made.message);
  return made;
}

/** All bytes of a generated set: features, targets and plane coordinates of both splits. */
function bytes(s: PlaneSet): number[] {
  const parts = [s.dataset.train.x, s.dataset.train.y, s.dataset.test.x, s.dataset.test.y, s.plane.train, s.plane.test];
  return parts.flatMap((a) => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)]);
}

/** Every example of both splits as [px, py, target]. */
function examples(s: PlaneSet): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const [split, plane] of [[s.dataset.train, s.plane.train], [s.dataset.test, s.plane.test]] as const) {
    for (let i = 0; i < split.n; i++) out.push([plane[2 * i], plane[2 * i + 1], split.y[i]]);
  }
  return out;
}

const CLASSIFIERS = ['circle', 'xor', 'gaussians', 'spiral', 'moons'] as const;

describe('generated 2-D sets', () => {
  for (const name of PLANE_SET_NAMES) {
    it(`${name}: the same seed gives the same bytes`, () => {
      expect(bytes(make(name, { seed: 42, noise: 0.2 }))).toEqual(bytes(make(name, { seed: 42, noise: 0.2 })));
    });

    it(`${name}: a different seed gives different data`, () => {
      expect(bytes(make(name, { seed: 42, noise: 0.2 }))).not.toEqual(bytes(make(name, { seed: 43, noise: 0.2 })));
    });

    it(`${name}: noise 0 and noise 0.3 give different data`, () => {
      expect(bytes(make(name, { seed: 5, noise: 0 }))).not.toEqual(bytes(make(name, { seed: 5, noise: 0.3 })));
    });

    it(`${name}: samples are split by the train ratio and nothing is lost`, () => {
      for (const [samples, ratio] of [[500, 0.5], [300, 0.8], [101, 0.3], [40, 1]] as const) {
        const s = make(name, { samples, trainRatio: ratio, seed: 2 });
        expect(s.dataset.train.n + s.dataset.test.n).toBe(samples);
        expect(Math.abs(s.dataset.train.n - samples * ratio)).toBeLessThanOrEqual(1);
        expect(s.dataset.train.x.length).toBe(s.dataset.train.n * 2);
        expect(s.dataset.test.y.length).toBe(s.dataset.test.n);
        expect(s.plane.train.length).toBe(s.dataset.train.n * 2);
      }
    });

    it(`${name}: defaults to 500 samples, half for training, features x and y`, () => {
      const s = make(name);
      expect(s.dataset.train.n).toBe(250);
      expect(s.dataset.test.n).toBe(250);
      expect(s.dataset.featureNames).toEqual(['x', 'y']);
    });

    it(`${name}: a different train ratio splits the same points`, () => {
      const sorted = (s: PlaneSet) => examples(s).map((e) => e.join(',')).sort();
      expect(sorted(make(name, { seed: 8, trainRatio: 0.3 }))).toEqual(sorted(make(name, { seed: 8, trainRatio: 0.9 })));
    });

    it(`${name}: every value is finite and the points lie in the plane`, () => {
      const s = make(name, { noise: 1, samples: 2000, seed: 4 });
      for (const [px, py, t] of examples(s)) {
        expect(Number.isFinite(px) && Number.isFinite(py) && Number.isFinite(t)).toBe(true);
        // Gaussian blobs at noise 1 have std √7.5 ≈ 2.7: allow their tails.
        const limit = name === 'gaussians' ? 20 : name === 'moons' ? 12 : 7;
        expect(Math.max(Math.abs(px), Math.abs(py))).toBeLessThan(limit);
      }
    });
  }

  for (const name of CLASSIFIERS) {
    it(`${name}: binary target "label" of 0/1 with roughly equal classes`, () => {
      const s = make(name, { samples: 1000, seed: 11 });
      expect(s.dataset.task).toBe('binary');
      expect(s.dataset.targetNames).toEqual(['label']);
      const labels = examples(s).map((e) => e[2]);
      expect(labels.every((v) => v === 0 || v === 1)).toBe(true);
      const ones = labels.filter((v) => v === 1).length;
      expect(ones).toBeGreaterThan(400);
      expect(ones).toBeLessThan(600);
    });

    it(`${name}: the split keeps class proportions (stratified)`, () => {
      const s = make(name, { samples: 600, seed: 12, noise: 0.2, trainRatio: 0.7 });
      const share = (y: Float32Array) => y.reduce((a, v) => a + v, 0) / y.length;
      expect(Math.abs(share(s.dataset.train.y) - share(s.dataset.test.y))).toBeLessThan(0.01);
    });
  }

  it('circle without noise: label 1 exactly inside radius 2.5, 0 in the ring from 3.5 to 5', () => {
    for (const [px, py, label] of examples(make('circle', { seed: 1 }))) {
      const r = Math.hypot(px, py);
      if (label === 1) expect(r).toBeLessThan(2.5);
      else expect(r >= 3.5 - 1e-5 && r <= 5 + 1e-5).toBe(true);
    }
  });

  it('circle and xor: noise flips labels near the boundary', () => {
    const wrongCircle = examples(make('circle', { seed: 1, noise: 0.4 })).filter(([px, py, l]) => (Math.hypot(px, py) < 2.5 ? 1 : 0) !== l);
    const wrongXor = examples(make('xor', { seed: 1, noise: 0.4 })).filter(([px, py, l]) => (px * py >= 0 ? 1 : 0) !== l);
    expect(wrongCircle.length).toBeGreaterThan(10);
    expect(wrongXor.length).toBeGreaterThan(10);
  });

  it('xor without noise: label 1 where x and y share a sign, points kept 0.3 off the axes', () => {
    const ex = examples(make('xor', { seed: 1 }));
    for (const [px, py, label] of ex) {
      expect(label).toBe(px * py >= 0 ? 1 : 0);
      expect(Math.min(Math.abs(px), Math.abs(py))).toBeGreaterThanOrEqual(0.3 - 1e-6);
    }
    expect(new Set(ex.map(([px, py]) => `${Math.sign(px)}${Math.sign(py)}`)).size).toBe(4);
  });

  it('gaussians: class 1 centred near (2, 2), class 0 near (−2, −2), spread growing with noise', () => {
    const centre = (s: PlaneSet, label: number) => {
      const pts = examples(s).filter((e) => e[2] === label);
      return [pts.reduce((a, e) => a + e[0], 0) / pts.length, pts.reduce((a, e) => a + e[1], 0) / pts.length];
    };
    const spread = (s: PlaneSet) => {
      const pts = examples(s).filter((e) => e[2] === 1);
      return Math.sqrt(pts.reduce((a, e) => a + (e[0] - 2) ** 2 + (e[1] - 2) ** 2, 0) / (2 * pts.length));
    };
    const clean = make('gaussians', { seed: 3, samples: 20_000 });
    const [cx1, cy1] = centre(clean, 1);
    const [cx0, cy0] = centre(clean, 0);
    expect([cx1, cy1, cx0, cy0].map((v) => Math.round(v * 10) / 10)).toEqual([2, 2, -2, -2]);
    expect(spread(clean)).toBeCloseTo(Math.sqrt(0.5), 1);
    expect(spread(make('gaussians', { seed: 3, samples: 20_000, noise: 0.5 }))).toBeCloseTo(2, 1);
  });

  it('spiral without noise: points lie on two arms, each point of one arm mirrored through the origin by the other', () => {
    const ex = examples(make('spiral', { seed: 1, samples: 200 }));
    const key = (x: number, y: number) => `${x.toFixed(3)},${y.toFixed(3)}`;
    const ones = new Set(ex.filter((e) => e[2] === 1).map((e) => key(e[0], e[1])));
    for (const [px, py, label] of ex) {
      if (label === 0) expect(ones.has(key(-px + 0, -py + 0))).toBe(true);
      expect(Math.hypot(px, py)).toBeLessThanOrEqual(5);
    }
  });

  it('moons without noise: points lie on the two scaled half-circles', () => {
    for (const [px, py, label] of examples(make('moons', { seed: 1 }))) {
      const u = px / 3 + 0.5;
      const v = py / 3 + 0.25;
      const r = label === 1 ? Math.hypot(u, v) : Math.hypot(1 - u, 0.5 - v);
      expect(r).toBeCloseTo(1, 4);
      expect(label === 1 ? v : 0.5 - v).toBeGreaterThanOrEqual(-1e-5);
    }
  });

  it('plane and sine without noise: the target is (x + y) / 12 and sin x', () => {
    for (const [px, py, v] of examples(make('plane', { seed: 1 }))) expect(v).toBeCloseTo((px + py) / 12, 5);
    for (const [px, , v] of examples(make('sine', { seed: 1 }))) expect(v).toBeCloseTo(Math.sin(px), 5);
    expect(make('plane').dataset.targetNames).toEqual(['value']);
    expect(make('sine').dataset.task).toBe('regression');
  });

  it('plane with noise: the residual has the std of the noise', () => {
    const ex = examples(make('plane', { seed: 1, noise: 0.2, samples: 5000 }));
    const res = ex.map(([px, py, v]) => v - (px + py) / 12);
    const mean = res.reduce((a, r) => a + r, 0) / res.length;
    const std = Math.sqrt(res.reduce((a, r) => a + (r - mean) ** 2, 0) / res.length);
    expect(std).toBeCloseTo(0.2, 1);
  });

  it('a train ratio of 1 leaves an empty test split', () => {
    const s = make('xor', { trainRatio: 1, samples: 50 });
    expect(s.dataset.train.n).toBe(50);
    expect(s.dataset.test.n).toBe(0);
    expect(s.dataset.test.x.length).toBe(0);
  });

  it('refuses a name that is not a 2-D set, even one every object has', () => {
    for (const name of ['toString', 'iris', 'Circle']) {
      expect(makePlaneSet(name as PlaneSetName)).toEqual({ ok: false, message: `Unknown 2-D data set "${name}".` });
    }
  });

  it('names the set, its noise and its seed', () => {
    expect(make('spiral', { noise: 0.1, seed: 1 }).dataset.name).toBe('Spiral (noise 0.1, seed 1)');
  });

  it.each([
    [{ samples: 0 }, /samples must be a whole number from 2 to 100000; got 0/],
    [{ samples: 10.5 }, /samples/],
    [{ samples: 1e9 }, /samples/],
    [{ noise: -0.1 }, /noise must be a number from 0 to 1/],
    [{ noise: Number.NaN }, /noise/],
    [{ trainRatio: 0 }, /train ratio must be a number in \(0, 1\]/],
    [{ trainRatio: 1.5 }, /train ratio/],
    [{ seed: Number.POSITIVE_INFINITY }, /seed must be a finite number/],
    [{ features: ['x', 'q'] }, /Unknown input feature "q"/],
  ] as [PlaneSetOptions, RegExp][])('refuses bad options %o with a reason', (opts, message) => {
    const made = makePlaneSet('moons', opts);
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.message).toMatch(message);
  });
});
