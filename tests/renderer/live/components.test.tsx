import { act, cleanup, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ParameterLayout, TrainingSnapshot } from '../../../src/shared/protocol';
import { TrainingStoreContext, type TrainingState, type TrainingStore } from '../../../src/renderer/training/store';
import { DiagnosticBadge, NodeHeatmap, paintHeatmap } from '../../../src/renderer/live/NodeLive';
import { EdgePulse } from '../../../src/renderer/live/Pulse';
import { PulseLayer, activePulses, curveOf, drawPulses, setPulseLevels, setPulsePath } from '../../../src/renderer/live/pulseLayer';
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

afterEach(() => {
  livePrefs.getState().setPulses(true);
  vi.useRealTimers();
});

describe('gradient pulses', () => {
  const path = 'M0,0 C5,0 5,10 10,10';

  /** Edges registering their paths, under the pulse layer that sets their levels from the store. */
  function withLayer(node: React.ReactNode, store: TrainingStore | null) {
    const tree = (
      <ReactFlowProvider>
        <svg>{node}</svg>
        <PulseLayer />
      </ReactFlowProvider>
    );
    return render(store ? <TrainingStoreContext.Provider value={store}>{tree}</TrainingStoreContext.Provider> : tree);
  }

  it('run brighter on the edge with the larger gradient', () => {
    const { store } = fakeStore(snapshot());
    withLayer(<><EdgePulse edgeId="big" path={path} /><EdgePulse edgeId="small" path={path} /></>, store);
    const levels = activePulses();
    expect(levels.big).toBeGreaterThan(levels.small!);
    expect(levels.small).toBeGreaterThan(0);
  });

  it('follow each new snapshot', () => {
    const { store } = fakeStore(snapshot());
    withLayer(<><EdgePulse edgeId="big" path={path} /><EdgePulse edgeId="small" path={path} /></>, store);
    act(() => store.setState({ snapshot: snapshot({ id: 2, grads: Float32Array.of(0.005, 0.5, 0) }) }));
    const levels = activePulses();
    expect(levels.small).toBeGreaterThan(levels.big!);
  });

  it('stop when switched off, and the choice is stored', () => {
    const { store } = fakeStore(snapshot());
    withLayer(<EdgePulse edgeId="big" path={path} />, store);
    expect(Object.keys(activePulses())).toEqual(['big']);
    act(() => livePrefs.getState().setPulses(false));
    expect(activePulses()).toEqual({});
    expect(localStorage.getItem(PULSES_KEY)).toBe('off');
  });

  it('stop when their edge goes away', () => {
    const { store } = fakeStore(snapshot());
    const view = withLayer(<EdgePulse edgeId="big" path={path} />, store);
    view.unmount();
    expect(activePulses()).toEqual({});
  });

  it('do not run before the first training step, nor without a training store', () => {
    const { store } = fakeStore(snapshot({ step: 0 }));
    withLayer(<EdgePulse edgeId="big" path={path} />, store);
    expect(activePulses()).toEqual({});
    cleanup();
    withLayer(<EdgePulse edgeId="big" path={path} />, null);
    expect(activePulses()).toEqual({});
  });

  it('travel from the target back to the source, one stroke per brightness level', () => {
    setPulsePath('a', 'M0,0 C10,0 20,0 30,0');
    setPulsePath('b', 'M0,50 C10,50 20,50 30,50');
    setPulsePath('c', 'M0,90 L30,90');
    setPulseLevels(new Map([['a', 8], ['b', 8], ['c', 2]]));
    const calls: { op: string; args: number[] }[] = [];
    const ctx = {
      moveTo: (...args: number[]) => calls.push({ op: 'moveTo', args }),
      lineTo: (...args: number[]) => calls.push({ op: 'lineTo', args }),
      beginPath: () => calls.push({ op: 'beginPath', args: [] }),
      stroke: () => calls.push({ op: 'stroke', args: [] }),
    } as unknown as CanvasRenderingContext2D;
    const at = (now: number) => {
      calls.length = 0;
      drawPulses(ctx, [0, 0, 1], now, '#000');
      return calls.filter((c) => c.op === 'lineTo' && c.args[1] === 0)[0]!.args[0]!;
    };
    expect(drawPulses(ctx, [0, 0, 1], 0, '#000')).toBe(3);
    expect(calls.filter((c) => c.op === 'stroke')).toHaveLength(2);
    // Later, the head of the comet on edge a is nearer its source (x = 0), within one trip.
    const early = at(100);
    const later = at(500);
    expect(later).toBeLessThan(early);
    for (const id of ['a', 'b', 'c']) setPulsePath(id, '');
    setPulseLevels(new Map());
  });

  it('follow a straight path too, and ignore a path without points', () => {
    expect(curveOf('M0,0 L30,60')).toEqual([0, 0, 10, 20, 20, 40, 30, 60]);
    expect(curveOf('')).toBeNull();
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
