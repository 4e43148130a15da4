import { describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES, createOptimizer, scheduledLearningRate, type OptimizerSettings } from '../../src/core/optimizers';

const base: OptimizerSettings = { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l1: 0, l2: 0 };
const allWeights = (n: number) => new Uint8Array(n).fill(1);

describe('optimisers', () => {
  it('sgd moves each parameter by −lr·g', () => {
    const opt = createOptimizer(base, 3, allWeights(3));
    const p = Float32Array.of(1, -2, 0.5);
    expect(opt.step(p, Float32Array.of(0.5, -1, 0))).toBe(true);
    expect(Array.from(p)).toEqual([Math.fround(1 - 0.05), Math.fround(-2 + 0.1), 0.5]);
  });

  it('adam’s first step is lr·g/(|g| + ε) after bias correction, whatever the size of g', () => {
    const opt = createOptimizer({ ...base, kind: 'adam', learningRate: 0.01 }, 2, allWeights(2));
    const p = Float32Array.of(0, 0);
    opt.step(p, Float32Array.of(1000, -0.001));
    expect(p[0]).toBeCloseTo(-0.01, 6);
    expect(p[1]).toBeCloseTo(0.01 * (0.001 / (0.001 + 1e-7)), 6);
    expect(opt.steps).toBe(1);
  });

  it('momentum accumulates velocity: second step moves by lr·(μ·g + g)', () => {
    const opt = createOptimizer({ ...base, kind: 'momentum' }, 1, allWeights(1));
    const p = Float32Array.of(0);
    opt.step(p, Float32Array.of(1));
    opt.step(p, Float32Array.of(1));
    expect(p[0]).toBeCloseTo(-(0.1 * 1 + 0.1 * 1.9), 6);
  });

  it('reports a parameter that overflows float32 as not finite', () => {
    const opt = createOptimizer({ ...base, learningRate: 1e39 }, 2, allWeights(2));
    const p = Float32Array.of(0, 0);
    expect(opt.step(p, Float32Array.of(0, 1))).toBe(false);
    expect(p[1]).toBe(-Infinity);
  });

  it('reports a NaN gradient as a non-finite parameter', () => {
    const opt = createOptimizer({ ...base, kind: 'adam' }, 2, allWeights(2));
    expect(opt.step(Float32Array.of(1, 1), Float32Array.of(0.1, NaN))).toBe(false);
  });

  it('restores its state exactly after a saved step', () => {
    const opt = createOptimizer({ ...base, kind: 'adam' }, 2, allWeights(2));
    const p = Float32Array.of(1, 2);
    opt.step(p, Float32Array.of(0.3, -0.2));
    const saved = opt.saveState();
    const before = p.slice();
    opt.step(p, Float32Array.of(0.5, 0.5));
    const once = p.slice();
    p.set(before);
    opt.restoreState(saved);
    opt.step(p, Float32Array.of(0.5, 0.5));
    expect(Array.from(p)).toEqual(Array.from(once));
  });

  it('schedules step decay by whole epochs', () => {
    const setup = { learningRate: 0.1, schedule: { kind: 'stepDecay' as const, factor: 0.5, everyEpochs: 10 } };
    expect(scheduledLearningRate(setup, 9)).toBeCloseTo(0.1, 12);
    expect(scheduledLearningRate(setup, 10)).toBeCloseTo(0.05, 12);
    expect(scheduledLearningRate(setup, 25)).toBeCloseTo(0.025, 12);
    expect(scheduledLearningRate({ learningRate: 0.1, schedule: { kind: 'constant' } }, 99)).toBe(0.1);
  });
});

describe('the optimizer table', () => {
  it.each(OPTIMIZER_NAMES)('%s takes a step that lowers a quadratic and keeps its parameters finite', (name) => {
    const settings = { kind: name, learningRate: 0.1, momentum: 0.9, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l1: 0, l2: 0 };
    const opt = createOptimizer(settings, 2, Uint8Array.of(1, 1));
    const params = Float32Array.of(1, -2);
    const before = params[0]! ** 2 + params[1]! ** 2;
    expect(opt.step(params, Float32Array.of(2 * params[0]!, 2 * params[1]!))).toBe(true);
    expect(params[0]! ** 2 + params[1]! ** 2).toBeLessThan(before);
  });

  it('refuses an optimizer name it does not know instead of running another', () => {
    const settings = { kind: 'lion' as never, learningRate: 0.1, momentum: 0.9, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l1: 0, l2: 0 };
    expect(() => createOptimizer(settings, 1, Uint8Array.of(1))).toThrow('Unknown optimizer "lion"');
  });
});
