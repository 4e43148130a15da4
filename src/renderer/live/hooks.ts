/**
 * Narrow selectors on the training store for the live view. Each returns a primitive (a string or a number) that
 * changes only when what is drawn changes, so a snapshot re-renders only the edges and nodes whose look moved.
 * They work without a training store above them too (editor tests, an editor without a trainer): then nothing is live.
 */
import { useContext } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { TrainingStoreContext, type TrainingState, type TrainingStore } from '../training/store';
import { weightColor, type WeightLook } from './colors';
import { DEFAULT_WEIGHT_SCALE, scaleFor, useLivePrefs, type WeightScale } from './prefs';
import { liveStats } from './stats';

const noStore = createStore<null>()(() => null);

/** Select from this window's training store, or get `fallback` when there is none. */
export function useLive<T>(selector: (s: TrainingState) => T, fallback: T): T {
  const store = useContext(TrainingStoreContext);
  return useStore((store ?? noStore) as TrainingStore, store ? selector : () => fallback);
}

/** The training store of this window, or null. */
export function useLiveStore(): TrainingStore | null {
  return useContext(TrainingStoreContext);
}

/** "stroke|width|opacity" of an edge from the latest snapshot, or '' before any. */
export function selectEdgeLookKey(s: TrainingState, edgeId: string, scale: WeightScale = DEFAULT_WEIGHT_SCALE): string {
  const { snapshot, loaded } = s;
  if (!snapshot || !loaded) return '';
  const stats = liveStats(snapshot, loaded.layout);
  const e = stats.edges[edgeId];
  if (!e) return '';
  const look = weightColor(e.weight < 0 ? -e.rms : e.rms, scaleFor(scale, stats.weightScale));
  return `${look.stroke}|${look.width}|${look.opacity}`;
}

export function parseLookKey(key: string): WeightLook | undefined {
  if (key === '') return undefined;
  const [stroke, width, opacity] = key.split('|');
  return { stroke: stroke!, width: Number(width), opacity: Number(opacity) };
}

/** The live look of an edge (colour, width, opacity by its weight), or undefined before the first snapshot. */
export function useLiveEdgeLook(edgeId: string): WeightLook | undefined {
  const scale = useLivePrefs((p) => p.weightScale);
  return parseLookKey(useLive((s) => selectEdgeLookKey(s, edgeId, scale), ''));
}

/** The largest |weight| of the latest snapshot (the legend's scale), or null before any. */
export function selectWeightScale(s: TrainingState): number | null {
  return s.snapshot && s.loaded ? liveStats(s.snapshot, s.loaded.layout).weightScale : null;
}

/** Whether the loaded data is the 2-D plane (the trainer sends heatmaps only then). */
export function selectPlane(s: TrainingState): boolean {
  return s.snapshot?.heatmapExtent !== undefined;
}

/** The live value of a scalar (1×1) edge's weight, formatted by `format`, or '' when not live (rounded while running). */
/** A Neuron's live bias as text (same rounding as weights while running), or '' when the trainer has none for it. */
export function useLiveBiasText(nodeId: string, format: (v: number) => string): string {
  return useLive((s) => {
    const block = s.loaded?.layout.biases[nodeId];
    if (!s.snapshot || !block || block.length !== 1) return '';
    const b = s.snapshot.params[block.offset];
    if (b === undefined) return '';
    return format(s.snapshot.running ? Math.round(b * 100) / 100 : b);
  }, '');
}

export function useLiveWeightText(edgeId: string, format: (v: number) => string): string {
  return useLive((s) => {
    const block = s.loaded?.layout.edges[edgeId];
    if (!s.snapshot || !block || block.rows * block.cols !== 1) return '';
    const w = s.snapshot.params[block.offset];
    if (w === undefined) return '';
    // While training runs, two decimals: the label changes (and its edge re-renders) only when that is visible.
    return format(s.snapshot.running ? Math.round(w * 100) / 100 : w);
  }, '');
}
