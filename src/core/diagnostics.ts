/**
 * Why a network fails to learn, flagged on its nodes: dead ReLUs, vanishing and exploding gradients.
 *
 * Thresholds (each a named constant below):
 * - dead unit: a ReLU unit (a Neuron or Dense unit with activation relu, or a unit of a relu Activation node) whose
 *   pre-activation is ≤ 0 for every example looked at. The examples are the training rows, at most
 *   DEAD_UNIT_MAX_ROWS of them and at most DEAD_UNIT_WORK / (number of parameters) (never fewer than
 *   DEAD_UNIT_MIN_ROWS), evenly spread over the set: all of them for Playground-sized sets, a sample for large
 *   networks, so the check costs a training run at most a few milliseconds. Such a unit outputs 0 and passes no
 *   gradient: it can never recover by itself.
 * - vanishing: a layer (a Neuron or Dense node: its incoming weights and its bias together) whose gradient norm is
 *   below VANISHING_RELATIVE × the largest layer's norm, or below VANISHING_ABSOLUTE, while the loss is above
 *   LOSS_NEAR_ZERO (a network that has learnt everything has small gradients for a good reason).
 * - exploding: a layer whose gradient norm is above EXPLODING_RELATIVE × the median layer norm, or above
 *   EXPLODING_ABSOLUTE.
 * The gradients are those of one batch (the last training step's), so the flags describe the present, not a history.
 */
import type { Network } from './network';

export const DEAD_UNIT_MAX_ROWS = 512;
export const DEAD_UNIT_MIN_ROWS = 32;
/** Multiply-adds the dead-unit check may spend (about one forward pass per row looked at). */
export const DEAD_UNIT_WORK = 4_000_000;

/** How many rows of `rows` the dead-unit check looks at for a network with `parameters` parameters. */
export function deadUnitRows(rows: number, parameters: number): number {
  const affordable = Math.max(DEAD_UNIT_MIN_ROWS, Math.floor(DEAD_UNIT_WORK / Math.max(1, parameters)));
  return Math.max(0, Math.min(rows, DEAD_UNIT_MAX_ROWS, affordable));
}
export const VANISHING_RELATIVE = 1e-7;
export const VANISHING_ABSOLUTE = 1e-8;
export const EXPLODING_RELATIVE = 1e3;
export const EXPLODING_ABSOLUTE = 1e3;
export const LOSS_NEAR_ZERO = 1e-6;

export interface Diagnostics {
  /** ReLU node id → the indices of its units that never activate on the data (nodes without dead units absent). */
  deadUnits: Record<string, number[]>;
  /** Ids of the layers (Neuron/Dense nodes) whose gradient vanishes. */
  vanishing: string[];
  /** Ids of the layers whose gradient explodes. */
  exploding: string[];
}

export interface DiagnoseOptions {
  /** The batch gradient to judge (default: net.grads), in the network's layout. */
  grads?: Float32Array;
  /** The loss of that batch; without it (or before any step) no gradient flags are raised. */
  loss?: number | null;
}

/** The node ids whose units can die: ReLU Neurons, Dense layers and Activation nodes. */
export function reluNodeIds(net: Network): string[] {
  const ids: string[] = [];
  for (const id of net.analysis.order) {
    const node = net.analysis.nodesById[id];
    if (!node) continue;
    if ((node.type === 'neuron' || node.type === 'dense' || node.type === 'activation') && node.activation === 'relu') ids.push(id);
  }
  return ids;
}

/**
 * The units of ReLU nodes whose pre-activation is ≤ 0 on every one of `rows` rows of `x` (rows × net.inputSize),
 * looking at deadUnitRows(rows, parameters) of them, evenly spread.
 */
export function findDeadUnits(net: Network, x: Float32Array, rows: number): Record<string, number[]> {
  const ids = reluNodeIds(net);
  if (ids.length === 0 || rows <= 0) return {};
  const width = net.inputSize;
  /** alive[id][u]: unit u has had z > 0 on some row. */
  const alive: Record<string, Uint8Array> = {};
  const take = deadUnitRows(rows, net.layout.size);
  const row = new Float32Array(width);
  for (let k = 0; k < take; k++) {
    const r = take === rows ? k : Math.floor((k * rows) / take);
    row.set(x.subarray(r * width, (r + 1) * width));
    const trace = net.trace(row);
    for (const id of ids) {
      const z = trace[id]?.z;
      if (!z) continue;
      const seen = (alive[id] ??= new Uint8Array(z.length));
      for (let u = 0; u < z.length; u++) if (z[u]! > 0) seen[u] = 1;
    }
  }
  const dead: Record<string, number[]> = {};
  for (const id of ids) {
    const seen = alive[id];
    if (!seen) continue;
    const units: number[] = [];
    for (let u = 0; u < seen.length; u++) if (seen[u] === 0) units.push(u);
    if (units.length > 0) dead[id] = units;
  }
  return dead;
}

/** The gradient norm of each layer (Neuron/Dense node): its incoming weight blocks and its bias together. */
export function layerGradientNorms(net: Network, grads: Float32Array = net.grads): Record<string, number> {
  const sums: Record<string, number> = {};
  const { layout } = net;
  for (const [edgeId, block] of Object.entries(layout.edges)) {
    const target = findTarget(net, edgeId);
    if (target === undefined) continue;
    let s = 0;
    for (let k = block.offset; k < block.offset + block.rows * block.cols; k++) s += grads[k]! * grads[k]!;
    sums[target] = (sums[target] ?? 0) + s;
  }
  for (const [nodeId, block] of Object.entries(layout.biases)) {
    let s = 0;
    for (let k = block.offset; k < block.offset + block.length; k++) s += grads[k]! * grads[k]!;
    sums[nodeId] = (sums[nodeId] ?? 0) + s;
  }
  return Object.fromEntries(Object.entries(sums).map(([id, s]) => [id, Math.sqrt(s)]));
}

const targetCache = new WeakMap<Network, Map<string, string>>();
function findTarget(net: Network, edgeId: string): string | undefined {
  let map = targetCache.get(net);
  if (!map) {
    map = new Map();
    for (const [target, edges] of Object.entries(net.analysis.incoming)) for (const e of edges) map.set(e.id, target);
    targetCache.set(net, map);
  }
  return map.get(edgeId);
}

/** Vanishing and exploding layers by the thresholds above, in topological order. */
export function gradientFlags(net: Network, grads: Float32Array, loss: number | null | undefined): Pick<Diagnostics, 'vanishing' | 'exploding'> {
  const norms = layerGradientNorms(net, grads);
  const ids = net.analysis.order.filter((id) => norms[id] !== undefined);
  if (ids.length === 0 || loss === null || loss === undefined || !Number.isFinite(loss)) return { vanishing: [], exploding: [] };
  const values = ids.map((id) => norms[id]!);
  const largest = Math.max(...values);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const vanishing: string[] = [];
  const exploding: string[] = [];
  for (const id of ids) {
    const n = norms[id]!;
    if (!Number.isFinite(n) || n > EXPLODING_ABSOLUTE || (median > 0 && n > EXPLODING_RELATIVE * median)) exploding.push(id);
    else if (loss > LOSS_NEAR_ZERO && (n < VANISHING_ABSOLUTE || n < VANISHING_RELATIVE * largest)) vanishing.push(id);
  }
  return { vanishing, exploding };
}

/** Everything at once: dead units on the rows of `x`, gradient flags from `options.grads` and `options.loss`. */
export function diagnose(net: Network, x: Float32Array, rows: number, options: DiagnoseOptions = {}): Diagnostics {
  const deadUnits = findDeadUnits(net, x, rows);
  const flags = gradientFlags(net, options.grads ?? net.grads, options.loss);
  return { deadUnits, ...flags };
}

/** The words shown on a flagged node, e.g. "2 of 8 units never activate on the data (dead ReLU)". */
export function describeDiagnostics(d: Diagnostics, nodeId: string, units: number): string[] {
  const out: string[] = [];
  const dead = d.deadUnits[nodeId];
  if (dead && dead.length > 0) {
    out.push(
      units === 1
        ? 'This unit never activates on the data (dead ReLU): its output is always 0 and it no longer learns.'
        : `${dead.length} of ${units} units never activate on the data (dead ReLU).`,
    );
  }
  if (d.vanishing.includes(nodeId)) out.push('Its gradient has vanished: its weights barely change any more.');
  if (d.exploding.includes(nodeId)) out.push('Its gradient is exploding: try a smaller learning rate or gradient clipping.');
  return out;
}
