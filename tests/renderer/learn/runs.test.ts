/** Runs kept for comparison: what a run holds, and how curves are overlaid. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING } from '../../../src/core/document';
import { MAX_RUN_POINTS, addRun, removeRun, runFromHistory, runsForSave, runsStore, toggleShown } from '../../../src/renderer/learn/runs';
import { overlay } from '../../../src/renderer/learn/RunsDialog';
import type { ChartHistory } from '../../../src/renderer/training/store';

function history(n: number, first = 0): ChartHistory {
  const step = Array.from({ length: n }, (_, i) => first + i * 10);
  return {
    step,
    trainLoss: step.map((s) => 1 / (1 + s)),
    testLoss: step.map(() => null),
    trainAccuracy: step.map((_, i) => i / n),
    testAccuracy: step.map((_, i) => (i % 2 === 0 ? 0.5 : null)),
  };
}

describe('runFromHistory', () => {
  it('keeps the curve, the setup, the size and where it ended', () => {
    const run = runFromHistory(history(5), { step: 40, epoch: 4 }, { ...DEFAULT_TRAINING, learningRate: 0.3 }, 17, 1234, 'Run 1')!;
    expect(run.name).toBe('Run 1');
    expect(run.setup.learningRate).toBe(0.3);
    expect(run.parameters).toBe(17);
    expect(run.stepsPerSecond).toBe(1234);
    expect(run.curve.step).toEqual([0, 10, 20, 30, 40]);
    // Test accuracy where measured, else training accuracy.
    expect(run.curve.accuracy).toEqual([0.5, 0.2, 0.5, 0.6, 0.5]);
    expect(run.final).toEqual({ step: 40, epoch: 4, trainLoss: 1 / 41, testLoss: null, accuracy: 0.5 });
  });

  it('a chart with fewer than two trained points, or only step 0, is no run', () => {
    expect(runFromHistory(history(1), null, DEFAULT_TRAINING, 9, null, 'x')).toBeNull();
    const h = history(2);
    h.trainLoss[1] = null;
    expect(runFromHistory(h, null, DEFAULT_TRAINING, 9, null, 'x')).toBeNull();
  });

  it('a long curve is thinned to at most MAX_RUN_POINTS, keeping its last point', () => {
    const run = runFromHistory(history(MAX_RUN_POINTS * 3 + 7), null, DEFAULT_TRAINING, 9, null, 'x')!;
    expect(run.curve.step.length).toBeLessThanOrEqual(MAX_RUN_POINTS + 1);
    expect(run.curve.step.at(-1)).toBe((MAX_RUN_POINTS * 3 + 6) * 10);
  });
});

describe('overlay', () => {
  it('aligns runs on the union of their steps, null where a run has no point', () => {
    const a = { curve: { step: [0, 10, 20], trainLoss: [1, 0.5, 0.25], testLoss: [], accuracy: [] } };
    const b = { curve: { step: [0, 5], trainLoss: [2, 1], testLoss: [], accuracy: [] } };
    expect(overlay([a, b])).toEqual([[0, 5, 10, 20], [1, null, 0.5, 0.25], [2, 1, null, null]]);
  });
});

describe('the runs store', () => {
  it('adds (shown), hides, removes; saves only when there are runs', () => {
    runsStore.setState({ runs: [], shown: new Set() });
    expect(runsForSave()).toBeUndefined();
    const run = runFromHistory(history(3), null, DEFAULT_TRAINING, 9, null, 'Run 1')!;
    addRun(run);
    expect(runsStore.getState().shown.has(run.id)).toBe(true);
    toggleShown(run.id);
    expect(runsStore.getState().shown.has(run.id)).toBe(false);
    expect(runsForSave()).toEqual([run]);
    removeRun(run.id);
    expect(runsForSave()).toBeUndefined();
  });
});
