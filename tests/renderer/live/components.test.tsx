import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ParameterLayout, TrainingSnapshot } from '../../../src/shared/protocol';
import { TrainingStoreContext, type TrainingState, type TrainingStore } from '../../../src/renderer/training/store';
import { DiagnosticBadge, NodeHeatmap, paintHeatmap } from '../../../src/renderer/live/NodeLive';
import { EdgePulse } from '../../../src/renderer/live/Pulse';
import { livePrefs, PULSES_KEY } from '../../../src/renderer/live/prefs';
import { requestedHeatmaps } from '../../../src/renderer/live/heatmapRequests';
import { POSITIVE_RGB, NEGATIVE_RGB } from '../../../src/renderer/live/colors';

const layout: ParameterLayout = { size: 3, edges: { big: { offset: 0, rows: 1, cols: 1 }, small: { offset: 1, rows: 1, cols: 1 } }, biases: { n: { offset: 2, length: 1 } } };

function snapshot(extra: Partial<TrainingSnapshot> = {}): TrainingSnapshot {
  return {
    id: 1, step: 5, epoch: 0, running: true, learningRate: 0.1,
    params: Float32Array.of(1, 1, 0), grads: Float32Array.of(0.5, 0.005, 0),
    evaluation: { trainLoss: 1, testLoss: null }, batchLoss: 1, stepsPerSecond: 10, ...extra,
  };
}

/** A training store with only what the live view reads (the real one needs a trainer and an editor). */
function fakeStore(snap: TrainingSnapshot | null) {
  const requestView = vi.fn();
  const store = createStore<TrainingState>()(() => ({
    status: { kind: 'running' }, loaded: { layout, featureNames: ['x', 'y'], targetNames: ['label'], task: 'binary', trainSize: 1, testSize: 0, notes: [], setup: {} },
    snapshot: snap, requestView,
  }) as unknown as TrainingState);
  return { store: store as TrainingStore, requestView };
}

function inSvg(node: React.ReactNode, store: TrainingStore) {
  return render(<TrainingStoreContext.Provider value={store}><svg>{node}</svg></TrainingStoreContext.Provider>);
}

afterEach(() => {
  livePrefs.getState().setPulses(true);
  vi.useRealTimers();
});

describe('gradient pulses', () => {
  it('run brighter on the edge with the larger gradient', () => {
    const { store } = fakeStore(snapshot());
    inSvg(<><EdgePulse edgeId="big" path="M0,0 L10,0" /><EdgePulse edgeId="small" path="M0,0 L10,0" /></>, store);
    const [big, small] = screen.getAllByTestId('gradient-pulse');
    expect(Number(big!.getAttribute('data-level'))).toBeGreaterThan(Number(small!.getAttribute('data-level')));
    expect(Number(big!.style.opacity)).toBeGreaterThan(Number(small!.style.opacity));
    expect(big!.getAttribute('pathLength')).toBe('100');
  });

  it('stop when switched off, and the choice is stored', () => {
    const { store } = fakeStore(snapshot());
    inSvg(<EdgePulse edgeId="big" path="M0,0 L10,0" />, store);
    expect(screen.getAllByTestId('gradient-pulse')).toHaveLength(1);
    act(() => livePrefs.getState().setPulses(false));
    expect(screen.queryAllByTestId('gradient-pulse')).toHaveLength(0);
    expect(localStorage.getItem(PULSES_KEY)).toBe('off');
  });

  it('do not run before the first training step, nor without a training store', () => {
    const { store } = fakeStore(snapshot({ step: 0 }));
    inSvg(<EdgePulse edgeId="big" path="M0,0 L10,0" />, store);
    expect(screen.queryAllByTestId('gradient-pulse')).toHaveLength(0);
    render(<svg><EdgePulse edgeId="big" path="M0,0 L10,0" /></svg>);
    expect(screen.queryAllByTestId('gradient-pulse')).toHaveLength(0);
  });
});

describe('diagnostics badge', () => {
  it('says how many units are dead', () => {
    const { store } = fakeStore(snapshot({ diagnostics: { deadUnits: { h: [0, 3] }, vanishing: [], exploding: [] } }));
    render(<TrainingStoreContext.Provider value={store}><DiagnosticBadge nodeId="h" units={8} /><DiagnosticBadge nodeId="ok" units={8} /></TrainingStoreContext.Provider>);
    const badge = screen.getByTestId('diagnostic-badge');
    expect(badge.getAttribute('title')).toBe('2 of 8 units never activate on the data (dead ReLU).');
    expect(badge.dataset.kind).toBe('dead');
  });

  it('flags an exploding gradient', () => {
    const { store } = fakeStore(snapshot({ diagnostics: { deadUnits: {}, vanishing: [], exploding: ['h'] } }));
    render(<TrainingStoreContext.Provider value={store}><DiagnosticBadge nodeId="h" units={1} /></TrainingStoreContext.Provider>);
    expect(screen.getByTestId('diagnostic-badge').dataset.kind).toBe('exploding');
  });
});

describe('neuron heatmaps', () => {
  it('are asked for on 2-D data while mounted, one request for several nodes', async () => {
    vi.useFakeTimers();
    const { store, requestView } = fakeStore(snapshot({ heatmapExtent: 6, heatmaps: { a: new Float32Array(16) } }));
    const view = render(
      <TrainingStoreContext.Provider value={store}>
        <NodeHeatmap nodeId="a" activation="tanh" />
        <NodeHeatmap nodeId="b" activation="tanh" />
      </TrainingStoreContext.Provider>,
    );
    await act(async () => void vi.advanceTimersByTime(100));
    expect(requestView).toHaveBeenCalledTimes(1);
    expect(requestView).toHaveBeenLastCalledWith({ heatmaps: { nodeIds: ['a', 'b'], resolution: 48 } });
    expect(screen.getAllByTestId('node-heatmap')).toHaveLength(1);
    view.unmount();
    await act(async () => void vi.advanceTimersByTime(100));
    expect(requestedHeatmaps(store)).toEqual([]);
    expect(requestView).toHaveBeenLastCalledWith({ heatmaps: null });
  });

  it('are not asked for on other data', async () => {
    vi.useFakeTimers();
    const { store, requestView } = fakeStore(snapshot());
    render(<TrainingStoreContext.Provider value={store}><NodeHeatmap nodeId="a" activation="tanh" /></TrainingStoreContext.Provider>);
    await act(async () => void vi.advanceTimersByTime(100));
    expect(requestView).not.toHaveBeenCalled();
  });

  it('paint the bottom row of the plane at the bottom of the image, positive blue, negative orange', () => {
    // 2×2: row 0 (y = −extent) is [−1, −1], row 1 is [1, 1].
    const image = new Uint8ClampedArray(16);
    expect(paintHeatmap(Float32Array.of(-1, -1, 1, 1), 'tanh', image)).toBe(2);
    expect([...image.slice(0, 3)]).toEqual([...POSITIVE_RGB]);
    expect([...image.slice(8, 11)]).toEqual([...NEGATIVE_RGB]);
  });

  it('centre sigmoid outputs on 0.5', () => {
    const image = new Uint8ClampedArray(16);
    paintHeatmap(Float32Array.of(0, 0, 1, 1), 'sigmoid', image);
    expect([...image.slice(8, 11)]).toEqual([...NEGATIVE_RGB]);
    expect([...image.slice(0, 3)]).toEqual([...POSITIVE_RGB]);
  });
});
