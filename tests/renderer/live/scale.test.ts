import { describe, expect, it } from 'vitest';
import type { TrainingSnapshot } from '../../../src/shared/protocol';
import { weightColor } from '../../../src/renderer/live/colors';
import { selectEdgeLookKey } from '../../../src/renderer/live/hooks';
import { legendNumber } from '../../../src/renderer/live/LiveOverlay';
import { DEFAULT_WEIGHT_SCALE, livePrefs } from '../../../src/renderer/live/prefs';
import type { TrainingState } from '../../../src/renderer/training/store';

/** Two edges: one with a weight of 0.5, one that grew to 44 (as on the spiral). */
function state(): TrainingState {
  const snapshot = {
    id: 1, step: 10, epoch: 0, running: true, learningRate: 0.1,
    params: Float32Array.from([0.5, 44]), grads: Float32Array.from([0, 0]),
    evaluation: { trainLoss: 0.5, testLoss: null }, batchLoss: 0.5, stepsPerSecond: 0,
  } satisfies TrainingSnapshot;
  return {
    snapshot,
    loaded: { layout: { size: 2, edges: { small: { offset: 0, rows: 1, cols: 1 }, big: { offset: 1, rows: 1, cols: 1 } }, biases: {} } },
  } as unknown as TrainingState;
}

const look = (w: number, scale: number) => {
  const l = weightColor(w, scale);
  return `${l.stroke}|${l.width}|${l.opacity}`;
};

describe('the weight colour scale (item 13)', () => {
  it('is a steady clamp at ±1 by default: a 0.5 weight keeps its colour however large another grows', () => {
    expect(DEFAULT_WEIGHT_SCALE).toEqual({ mode: 'fixed', clamp: 1 });
    expect(selectEdgeLookKey(state(), 'small')).toBe(look(0.5, 1));
    expect(selectEdgeLookKey(state(), 'big')).toBe(look(1, 1));
  });

  it('takes a clamp the user sets, and "relative" stretches to the largest |weight| as before', () => {
    expect(selectEdgeLookKey(state(), 'small', { mode: 'fixed', clamp: 4 })).toBe(look(0.5, 4));
    expect(selectEdgeLookKey(state(), 'small', { mode: 'relative' })).toBe(look(0.5, 44));
    expect(selectEdgeLookKey(state(), 'small', { mode: 'relative' })).not.toBe(selectEdgeLookKey(state(), 'small'));
  });

  it('refuses a clamp that is not a positive number, and remembers the choice', () => {
    livePrefs.getState().setWeightScale({ mode: 'fixed', clamp: 2.5 });
    livePrefs.getState().setWeightScale({ mode: 'fixed', clamp: -1 });
    livePrefs.getState().setWeightScale({ mode: 'fixed', clamp: Number.NaN });
    expect(livePrefs.getState().weightScale).toEqual({ mode: 'fixed', clamp: 2.5 });
    expect(localStorage.getItem('netwright.weightScale')).toBe('2.5');
    livePrefs.getState().setWeightScale(DEFAULT_WEIGHT_SCALE);
  });

  it('the legend prints three significant digits', () => {
    expect(legendNumber(44.123456)).toBe('44.1');
    expect(legendNumber(1.64702)).toBe('1.65');
    expect(legendNumber(1)).toBe('1');
    expect(legendNumber(0.000123456)).toBe('0.000123');
  });
});
