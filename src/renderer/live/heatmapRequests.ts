/**
 * Which nodes want heatmaps: each mounted heatmap registers its node id; the union is sent to the trainer with
 * `requestView` (debounced, so mounting a whole graph sends one request). Per training store.
 */
import type { TrainingStore } from '../training/store';

/** Heatmap resolution asked for: the same as the dock's decision boundary, so it keeps its detail. */
export const HEATMAP_RESOLUTION = 48;

interface Registry {
  counts: Map<string, number>;
  timer: ReturnType<typeof setTimeout> | null;
  sent: string;
}

const registries = new WeakMap<TrainingStore, Registry>();

function registry(store: TrainingStore): Registry {
  let r = registries.get(store);
  if (!r) {
    r = { counts: new Map(), timer: null, sent: '' };
    registries.set(store, r);
  }
  return r;
}

function schedule(store: TrainingStore, r: Registry): void {
  if (r.timer !== null) return;
  r.timer = setTimeout(() => {
    r.timer = null;
    const ids = [...r.counts.keys()].sort();
    const key = ids.join('\u0000');
    if (key === r.sent) return;
    r.sent = key;
    store.getState().requestView({ heatmaps: ids.length > 0 ? { nodeIds: ids, resolution: HEATMAP_RESOLUTION } : null });
  }, 30);
}

/** Ask for `nodeId`'s heatmap until the returned function is called. */
export function requestHeatmap(store: TrainingStore, nodeId: string): () => void {
  const r = registry(store);
  r.counts.set(nodeId, (r.counts.get(nodeId) ?? 0) + 1);
  schedule(store, r);
  return () => {
    const n = (r.counts.get(nodeId) ?? 1) - 1;
    if (n <= 0) r.counts.delete(nodeId);
    else r.counts.set(nodeId, n);
    schedule(store, r);
  };
}

/** The node ids currently asked for (tests). */
export function requestedHeatmaps(store: TrainingStore): string[] {
  return [...registry(store).counts.keys()].sort();
}
