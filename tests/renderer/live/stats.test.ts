import { describe, expect, it } from 'vitest';
import type { ParameterLayout, TrainingSnapshot } from '../../../src/shared/protocol';
import { documentWeightScale, liveStats } from '../../../src/renderer/live/stats';

const layout: ParameterLayout = {
  size: 7,
  edges: { a: { offset: 0, rows: 1, cols: 1 }, b: { offset: 1, rows: 2, cols: 2 } },
  biases: { n: { offset: 5, length: 2 } },
};

function snapshot(params: number[], grads: number[]): TrainingSnapshot {
  return {
    id: 1, step: 1, epoch: 0, running: false, learningRate: 0.1, params: Float32Array.from(params), grads: Float32Array.from(grads),
    evaluation: { trainLoss: 1, testLoss: null }, batchLoss: null, stepsPerSecond: 0,
  };
}

describe('liveStats', () => {
  const s = snapshot([-0.5, 1, -3, 2, 0, 9, 9], [0.1, 0, 0, 0, 2, 5, 5]);
  const stats = liveStats(s, layout);

  it('takes the largest |weight| of the edges as the scale (biases do not count)', () => {
    expect(stats.weightScale).toBe(3);
  });

  it('summarises a 1×1 edge by its weight and a block by its mean and RMS', () => {
    expect(stats.edges.a).toEqual({ weight: -0.5, rms: 0.5, grad: expect.closeTo(0.1, 6) });
    expect(stats.edges.b!.weight).toBe(0);
    expect(stats.edges.b!.rms).toBeCloseTo(Math.sqrt((1 + 9 + 4) / 4), 6);
    expect(stats.edges.b!.grad).toBeCloseTo(1, 6);
    expect(stats.gradScale).toBeCloseTo(1, 6);
  });

  it('is computed once per snapshot', () => {
    expect(liveStats(s, layout)).toBe(stats);
    expect(liveStats(snapshot([0, 0, 0, 0, 0, 0, 0], new Array(7).fill(0)), layout).weightScale).toBe(1);
  });

  it('skips a block that does not fit the snapshot', () => {
    const short = liveStats(snapshot([1, 2], [0, 0]), layout);
    expect(Object.keys(short.edges)).toEqual(['a']);
  });
});

describe('documentWeightScale', () => {
  it('is the largest |weight| of the document, 1 without any', () => {
    expect(documentWeightScale([[0.5, -2], undefined, [1]])).toBe(2);
    expect(documentWeightScale([undefined])).toBe(1);
  });
});
