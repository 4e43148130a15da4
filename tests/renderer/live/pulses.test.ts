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
