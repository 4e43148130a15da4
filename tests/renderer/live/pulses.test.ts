import { describe, expect, it } from 'vitest';
import type { TrainingSnapshot } from '../../../src/shared/protocol';
import { levelsOf, pulseMode } from '../../../src/renderer/live/pulseLayer';
import type { TrainingState } from '../../../src/renderer/training/store';

function snapshot(step: number, running: boolean): TrainingSnapshot {
  return {
    id: step + 1, step, epoch: 0, running, learningRate: 0.1,
    params: Float32Array.from([0.5, -0.2]), grads: Float32Array.from([0.3, -0.4]),
    evaluation: { trainLoss: 0.5, testLoss: null }, batchLoss: 0.5, stepsPerSecond: 0,
  };
}

function stateWith(s: TrainingSnapshot): TrainingState {
  return {
    snapshot: s,
    loaded: { layout: { size: 2, edges: { e1: { offset: 0, rows: 1, cols: 1 }, e2: { offset: 1, rows: 1, cols: 1 } }, biases: {} } },
  } as unknown as TrainingState;
}

describe('gradient pulses (item 7)', () => {
  it('flow while training runs', () => {
    expect(levelsOf(stateWith(snapshot(10, true)), true).size).toBe(2);
    expect(pulseMode(snapshot(5, true), snapshot(10, true))).toBe('flow');
  });

  it('do not flow while paused: the pause snapshot, a fetched one or the same step again show none', () => {
    expect(levelsOf(stateWith(snapshot(10, false)), true).size).toBe(0);
    expect(pulseMode(snapshot(9, true), snapshot(10, false))).toBe('none');
    expect(pulseMode(snapshot(10, false), snapshot(10, false))).toBe('none');
    expect(pulseMode(null, snapshot(10, false))).toBe('none');
  });

  it('show one step\'s gradient once (it settles afterwards), and none at step 0', () => {
    expect(pulseMode(snapshot(10, false), snapshot(11, false))).toBe('once');
    expect(levelsOf(stateWith(snapshot(11, false)), true, 'once').size).toBe(2);
    expect(pulseMode(snapshot(10, false), snapshot(0, false))).toBe('none');
    expect(levelsOf(stateWith(snapshot(11, true)), false).size).toBe(0);
  });
});

describe('gradient pulses on edges into image nodes', () => {
  const imageState = (edgeGrads: Record<string, number> | undefined, running = true): TrainingState => {
    const s = { ...snapshot(10, running), ...(edgeGrads ? { edgeGrads } : {}) };
    return stateWith(s);
  };

  it('take their strength from the streamed per-edge gradient, on a scale of their own', () => {
    // e1/e2 are weight blocks (gradients 0.3 and 0.4); the image edges' numbers are far smaller, yet the largest of them
    // gets the full level: a signal's gradient is not measured against a weight's.
    const levels = levelsOf(imageState({ toConv: 0.004, toPool: 0.001, toFlatten: 0.00025 }), true);
    expect(levels.get('toConv')).toBe(8);
    expect(levels.get('toPool')).toBe(Math.round(Math.sqrt(0.25) * 8));
    expect(levels.get('toFlatten')).toBe(Math.round(Math.sqrt(0.0625) * 8));
    expect(levels.get('e2')).toBe(8);
  });

  it('follow the numbers: a larger gradient on an edge makes its pulse stronger', () => {
    const before = levelsOf(imageState({ a: 0.01, b: 0.001 }), true);
    const after = levelsOf(imageState({ a: 0.001, b: 0.01 }), true);
    expect(before.get('a')!).toBeGreaterThan(before.get('b')!);
    expect(after.get('b')!).toBeGreaterThan(after.get('a')!);
  });

  it('are absent at a gradient of 0, without numbers, or while paused', () => {
    expect(levelsOf(imageState({ a: 0, b: 0.5 }), true).has('a')).toBe(false);
    expect([...levelsOf(imageState(undefined), true).keys()].sort()).toEqual(['e1', 'e2']);
    expect(levelsOf(imageState({ a: 0.5 }, false), true).size).toBe(0);
  });
});
