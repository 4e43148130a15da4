/**
 * What the live view needs from one training snapshot, computed once per snapshot (cached on the snapshot object):
 * the scale of the weights for the legend and the colours, and each edge's summary weight and gradient size.
 */
import type { ParameterLayout, TrainingSnapshot } from '../../shared/protocol';

export interface EdgeSummary {
  /** The weight of a 1×1 block; the mean weight of a larger block (its sign gives the hue). */
  weight: number;
  /** Root mean square of the block's weights (its magnitude). */
  rms: number;
  /** Root mean square of the block's gradients. */
  grad: number;
}

export interface LiveStats {
  /** The largest |weight| of any edge: the colour scale (1 when all are 0). */
  weightScale: number;
  /** The largest per-edge gradient RMS: the pulse scale (0 when no gradient). */
  gradScale: number;
  /** The largest gradient of an edge into an image node (snapshot.edgeGrads): their pulses' scale (0 when none). */
  imageGradScale: number;
  edges: Record<string, EdgeSummary>;
}

const cache = new WeakMap<TrainingSnapshot, LiveStats>();

export function liveStats(snapshot: TrainingSnapshot, layout: ParameterLayout): LiveStats {
  const hit = cache.get(snapshot);
  if (hit) return hit;
  const { params, grads } = snapshot;
  const edges: Record<string, EdgeSummary> = {};
  let weightScale = 0;
  let gradScale = 0;
  for (const [id, block] of Object.entries(layout.edges)) {
    const n = block.rows * block.cols;
    const end = block.offset + n;
    if (n === 0 || end > params.length) continue;
    let sum = 0;
    let sq = 0;
    let gsq = 0;
    for (let k = block.offset; k < end; k++) {
      const w = params[k]!;
      const g = grads[k] ?? 0;
      sum += w;
      sq += w * w;
      gsq += g * g;
      const a = Math.abs(w);
      if (a > weightScale) weightScale = a;
    }
    const summary = { weight: n === 1 ? params[block.offset]! : sum / n, rms: Math.sqrt(sq / n), grad: Math.sqrt(gsq / n) };
    if (summary.grad > gradScale && Number.isFinite(summary.grad)) gradScale = summary.grad;
    edges[id] = summary;
  }
  let imageGradScale = 0;
  for (const g of Object.values(snapshot.edgeGrads ?? {})) if (Number.isFinite(g) && g > imageGradScale) imageGradScale = g;
  const stats: LiveStats = { weightScale: weightScale > 0 && Number.isFinite(weightScale) ? weightScale : 1, gradScale, imageGradScale, edges };
  cache.set(snapshot, stats);
  return stats;
}

/** The largest |weight| among a document's edges (for colouring before any training snapshot). */
export function documentWeightScale(weights: Iterable<readonly number[] | undefined>): number {
  let scale = 0;
  for (const ws of weights) for (const w of ws ?? []) if (Number.isFinite(w)) scale = Math.max(scale, Math.abs(w));
  return scale > 0 ? scale : 1;
}
