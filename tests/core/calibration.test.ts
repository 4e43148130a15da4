/** Calibration: the reliability diagram and ECE against a hand-computed example, properties, and a real classifier. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate, evaluateCalibration } from '../../src/core/calibration';
import { loadDataset } from '../../src/core/data';
import { findTemplate } from '../../src/core/templates';
import { createTrainingSession } from '../../src/core/train';

describe('calibrate: a hand-computed example', () => {
  // Three classes, five examples, 5 bins of 0.2.
  //   row  probabilities        guess conf  truth  right  bin
  //   0    0.9  0.05 0.05       0     0.9   0      yes    4
  //   1    0.1  0.85 0.05       1     0.85  2      no     4
  //   2    0.3  0.3  0.4        2     0.4   2      yes    2
  //   3    0.5  0.25 0.25       0     0.5   1      no     2
  //   4    0.2  0.7  0.1        1     0.7   1      yes    3
  const p = [0.9, 0.05, 0.05, 0.1, 0.85, 0.05, 0.3, 0.3, 0.4, 0.5, 0.25, 0.25, 0.2, 0.7, 0.1];
  const r = calibrate(p, 3, [0, 2, 2, 1, 1], { bins: 5 });

  it('bins by the predicted class\'s probability, with counts, mean confidence and accuracy', () => {
    expect(r.bins.map((b) => b.count)).toEqual([0, 0, 2, 1, 2]);
    expect(r.bins[0]).toEqual({ lower: 0, upper: 0.2, count: 0, confidence: null, accuracy: null });
    expect(r.bins[2]!.confidence).toBeCloseTo(0.45, 6);
    expect(r.bins[2]!.accuracy).toBe(0.5);
    expect(r.bins[3]!.confidence).toBeCloseTo(0.7, 6);
    expect(r.bins[3]!.accuracy).toBe(1);
    expect(r.bins[4]!.confidence).toBeCloseTo(0.875, 6);
    expect(r.bins[4]!.accuracy).toBe(0.5);
  });

  it('ECE = Σ n_b/n · |acc_b − conf_b| = 2/5·0.05 + 1/5·0.3 + 2/5·0.375 = 0.23', () => {
    expect(r.ece).toBeCloseTo(0.23, 6);
    expect(r.accuracy).toBe(0.6);
    expect(r.confidence).toBeCloseTo((0.9 + 0.85 + 0.4 + 0.5 + 0.7) / 5, 6);
  });

  it('lists the wrong ones most confident first, with their probabilities', () => {
    expect(r.confidentlyWrong.map((w) => [w.row, w.truth, w.guess])).toEqual([[1, 2, 1], [3, 1, 0]]);
    expect(r.confidentlyWrong[0]!.confidence).toBeCloseTo(0.85, 6);
    expect(r.confidentlyWrong[0]!.probabilities).toEqual([0.1, 0.85, 0.05]);
  });

  it('one sigmoid output: confidence max(p, 1 − p), guess p ≥ 0.5; a confidence of 1 lands in the top bin', () => {
    const b = calibrate([0.9, 0.2, 1, 0.6], 1, [1, 1, 1, 0], { bins: 10 });
    expect(b.classes).toBe(2);
    expect(b.bins[9]!.count).toBe(2); // 0.9 and 1
    expect(b.bins[8]!.count).toBe(1); // 1 − 0.2 = 0.8, the bin [0.8, 0.9)
    expect(b.confidentlyWrong.map((w) => [w.row, w.guess])).toEqual([[1, 0], [3, 1]]);
    expect(b.confidentlyWrong[0]!.confidence).toBeCloseTo(0.8, 6);
  });

  it('one sigmoid output at exactly 0.5 guesses class 1, as training counts it', () => {
    expect(calibrate([0.5], 1, [1]).accuracy).toBe(1);
  });

  it('refuses shapes that do not fit', () => {
    expect(() => calibrate([0.5, 0.5], 2, [0, 1])).toThrow(/expected 4 probabilities/);
    expect(() => calibrate([0.5], 1, [0], { bins: 0 })).toThrow(/bins/);
  });
});

describe('calibrate: properties', () => {
  const rows = fc.integer({ min: 1, max: 3 }).chain((k) => fc.record({
    width: fc.constant(k === 1 ? 1 : k),
    data: fc.array(fc.tuple(fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }), fc.integer({ min: 0, max: Math.max(1, k - 1) })), { minLength: 1, maxLength: 60 }),
    bins: fc.integer({ min: 1, max: 20 }),
  }));

  it('counts add up to n, ECE lies in [0, 1], and each bin\'s numbers lie in its range', () => {
    fc.assert(fc.property(rows, ({ width, data, bins }) => {
      const r = calibrate(data.flatMap(([p]) => p), width, data.map(([, t]) => t), { bins, wrong: 1000 });
      expect(r.bins.reduce((s, b) => s + b.count, 0)).toBe(data.length);
      expect(r.ece).toBeGreaterThanOrEqual(0);
      expect(r.ece).toBeLessThanOrEqual(1 + 1e-9);
      for (const b of r.bins) {
        if (b.count === 0) continue;
        expect(b.confidence!).toBeGreaterThanOrEqual(b.lower - 1e-9);
        expect(b.confidence!).toBeLessThanOrEqual(b.upper + 1e-9);
      }
      // The wrong ones are exactly the examples not right, most confident first.
      expect(r.confidentlyWrong.length).toBe(Math.round(data.length * (1 - r.accuracy)));
      for (let i = 1; i < r.confidentlyWrong.length; i++) expect(r.confidentlyWrong[i - 1]!.confidence).toBeGreaterThanOrEqual(r.confidentlyWrong[i]!.confidence);
    }));
  });

  it('ECE is |accuracy − mean confidence| when everything lands in one bin', () => {
    fc.assert(fc.property(rows, ({ width, data }) => {
      const r = calibrate(data.flatMap(([p]) => p), width, data.map(([, t]) => t), { bins: 1 });
      expect(r.ece).toBeCloseTo(Math.abs(r.accuracy - r.confidence), 6);
    }));
  });

  it('a classifier always right at confidence 1 has ECE 0', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 40 }), (truths) => {
      const p = truths.flatMap((t) => [0, 1, 2, 3].map((j) => (j === t ? 1 : 0)));
      expect(calibrate(p, 4, truths).ece).toBe(0);
    }));
  });
});

describe('evaluateCalibration', () => {
  it('measures a trained Iris classifier through the core, as training measures its accuracy', () => {
    const doc = findTemplate('iris')!.build();
    const ds = loadDataset(doc.data);
    if (!ds.ok) throw new Error(ds.message);
    const s = createTrainingSession(doc, ds.dataset);
    if (!s.ok) throw new Error('compile');
    for (let e = 0; e < 30; e++) s.session.stepEpoch();
    const r = evaluateCalibration(doc, {}, s.session.net.params);
    if (!r.ok) throw new Error(r.message);
    expect(r.split).toBe('test');
    expect(r.report.n).toBe(ds.dataset.test.n);
    expect(r.report.accuracy).toBeCloseTo(s.session.evaluate().testAccuracy!, 6);
    expect(r.classNames.length).toBe(3);
  });

  it('a regression network and a network without data get a clear message', () => {
    expect(evaluateCalibration(findTemplate('regression')!.build())).toMatchObject({ ok: false, message: expect.stringContaining('regression') });
    expect(evaluateCalibration({ ...findTemplate('xor')!.build(), data: { kind: 'none' } })).toMatchObject({ ok: false, message: expect.stringContaining('Choose a data set') });
  });
});
