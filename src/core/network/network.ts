/**
 * The compiled network: forward, loss and backward over a batch, on preallocated buffers (one workspace per batch
 * size, made on first use), so a training step allocates nothing.
 *
 * Each kind's forward and backward sit together in its module (src/core/kinds/<kind>.ts): `allocate` makes its
 * buffers once per workspace, `forward` and `backward` run once per node per batch over the whole batch, using the
 * shared kernels (kernels.ts). The Output's a is its producer's (the same buffer); the loss gives da of the producer
 * (or dz when fused with its sigmoid/softmax).
 * Gradients are of the batch loss (mean over examples), so every dW is already averaged over the batch.
 */
import { createArena } from '../arena';
import type { NetworkDocument } from '../document';
import { featureMap, isPlaneFeature, type FeatureMapper } from '../data/features';
import type { AnyKind, RunContext, Workspace } from '../kinds/kind';
import { simdInUse } from '../kernels';
import { writeParams } from '../kinds/params';
import { createRng, type Rng } from '../random';
import { compilePlan, type CompileOptions, type CompileProblem, type ParamLayout, type Plan } from './compile';
import type { GraphAnalysis } from '../graph';

export interface ForwardOptions {
  /** Dropout is active only while training. */
  training?: boolean;
  /** RNG for the dropout masks; default: the network's own, seeded with its seed. */
  rng?: Rng;
}

export interface NodeTrace {
  /** Pre-activation (Neuron, Dense, Activation); null for nodes without one. */
  z: Float32Array | null;
  /** The node's output. */
  a: Float32Array;
}

export interface NodeExplanation extends NodeTrace {
  /** dLoss/dOutput of this node for the example; null where no gradient flows (nodes not depending on parameters). */
  outputGrad: Float32Array | null;
  /** dLoss/dPreactivation (Neuron, Dense, Activation); null elsewhere. */
  preactivationGrad: Float32Array | null;
}

export interface Explanation {
  loss: number;
  /** The Output's values. */
  output: Float32Array;
  nodes: Record<string, NodeExplanation>;
  /** dLoss/dparam for this example alone, in `layout` order. */
  grads: Float32Array;
}

export interface GridOptions {
  xRange: readonly [number, number];
  yRange: readonly [number, number];
  /** Points per side, clamped to [2, MAX_GRID_RESOLUTION]. */
  resolution: number;
  /** Turns a plane point into an input row (engineered features). Default: the plane-feature map of the network's
   *  feature names when they are all plane features (x, y, x2, …), else x and y into the first two columns. */
  featureMap?: FeatureMapper;
}

export interface Network {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly layout: ParamLayout;
  readonly analysis: GraphAnalysis;
  /** Columns of an x row, and of a yTrue row. */
  readonly featureNames: readonly string[];
  readonly targetNames: readonly string[];
  /** The yTrue column of each output unit. */
  readonly targetColumns: Int32Array;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly outputNodeId: string;
  /** The loss works on the producer's logits (sigmoid + BCE, softmax + softmax CE). */
  readonly fused: boolean;
  readonly seed: number;
  /**
   * x: batch × inputSize. Returns batch × outputSize: the Output's values (after the producer's activation, so
   * probabilities for sigmoid/softmax). The returned array is an internal buffer, overwritten by the next forward of
   * the same batch size: copy it to keep it.
   */
  forward(x: Float32Array, batch: number, options?: ForwardOptions): Float32Array;
  /** The batch loss of the last forward of this batch size against yTrue (batch × targetNames.length). */
  loss(yTrue: Float32Array, batch: number): number;
  /** Accumulate dLoss/dparam of the last forward of this batch size into `grads`. */
  backward(yTrue: Float32Array, batch: number): void;
  /**
   * How large the gradient arriving at each listed node was in the last `backward`: the root mean square of
   * dLoss/dOutput over the batch's values, per example (the batch loss is a mean, so its values are scaled back up by
   * the batch size). Nodes without a gradient (no backward yet, unknown ids, nodes no gradient flows through) are left
   * out. The gradient pulses of edges without a weight block (into pooling, Flatten, …) come from these numbers.
   * (`explain` works on a batch of one: after it, a training batch of one reads the explained example's gradient.)
   */
  outputGradientSizes(nodeIds: readonly string[]): Record<string, number>;
  zeroGrads(): void;
  /** Every node's z and a for one example (a copy, safe to keep). */
  trace(x: Float32Array): Record<string, NodeTrace>;
  /** One example forward and backward, every value and gradient copied out (for explain mode). `grads` is left as it was. */
  explain(x: Float32Array, yTrue: Float32Array): Explanation;
  /** Each node's first output unit over a grid of plane points: value[iy·res + ix] at
   *  x = xRange[0] + ix/(res−1)·(xRange[1]−xRange[0]), y likewise (iy = 0 is yRange[0]). */
  gridOutputs(nodeIds: readonly string[], options: GridOptions): Record<string, Float32Array>;
  /** Replace all parameters (length must match). */
  setParams(values: Float32Array): void;
  /**
   * A zeroed buffer of n floats for the caller to fill step after step (a training loop's batch rows): resident in
   * the network's WebAssembly arena where it has one, so the products read it without copying it (docs/kernels.md).
   */
  floats(n: number): Float32Array;
}

/**
 * Networks with at least this many parameters keep their buffers in a WebAssembly arena of their own
 * (src/core/arena.ts) where the SIMD kernel and shared memory are available. Smaller ones (the Playground nets) run
 * most products in TypeScript anyway, and stay in plain arrays.
 */
export const RESIDENT_MIN_PARAMS = 1024;
/** An arena takes no more than this many floats, or 16 × the parameter count if larger; later buffers are plain. */
const RESIDENT_MIN_CAP = 1 << 22;

/** Heatmaps larger than this per side are not useful on a screen and would take a lot of memory. */
export const MAX_GRID_RESOLUTION = 512;

const MAX_WORKSPACES = 6;

export type CompileResult = { ok: true; net: Network } | { ok: false; problems: CompileProblem[] };

export function compileNetwork(doc: NetworkDocument, options: CompileOptions = {}): CompileResult {
  const compiled = compilePlan(doc, options);
  if (!compiled.ok) return compiled;
  const { plan, layout, params, seed, analysis } = compiled.value;
  return { ok: true, net: createNetwork(plan, layout, params, seed, analysis) };
}

function createNetwork(plan: Plan, layout: ParamLayout, initial: Float32Array, seed: number, analysis: GraphAnalysis): Network {
  // The arena (if any) is allocated from for the whole life of the network and never frees: a cap bounds it (buffers
  // of evicted workspaces and of new batch sizes beyond it are plain arrays, which the kernel copies as before).
  const arena = layout.size >= RESIDENT_MIN_PARAMS && simdInUse() ? createArena(4 * layout.size) : null;
  const cap = Math.max(RESIDENT_MIN_CAP, 16 * layout.size);
  const alloc = (n: number): Float32Array => (arena !== null && arena.used() + n <= cap ? arena.floats(n) : new Float32Array(n));
  const params = alloc(layout.size);
  params.set(initial);
  const grads = alloc(layout.size);
  const nodes = plan.nodes;
  const count = nodes.length;
  const ownRng = createRng(seed ^ 0x5bd1e995);
  const workspaces = new Map<number, Workspace>();

  const kinds: AnyKind[] = nodes.map((p) => p.kind);
  // Each node's forward and backward taken out of its kind once, so a step loads them from plain arrays.
  const forwards: AnyKind['forward'][] = kinds.map((k) => k.forward);
  const backwards: AnyKind['backward'][] = kinds.map((k) => k.backward);
  /** The nodes a gradient flows through, last first. */
  const backwardOrder: number[] = [];
  for (let i = count - 1; i >= 0; i--) if (nodes[i]!.needsGrad) backwardOrder.push(i);

  function makeWorkspace(batch: number, resident = true): Workspace {
    const ws: Workspace = {
      ...(resident ? { alloc } : {}),
      batch,
      a: new Array<Float32Array>(count),
      z: new Array<Float32Array | null>(count).fill(null),
      da: new Array<Float32Array | null>(count).fill(null),
      dz: new Array<Float32Array | null>(count).fill(null),
      scratch: new Array<Float32Array | null>(count).fill(null),
      target: resident ? alloc(batch * nodes[plan.outputIndex]!.size) : new Float32Array(batch * nodes[plan.outputIndex]!.size),
      training: false,
    };
    for (let i = 0; i < count; i++) kinds[i]!.allocate(ws, nodes[i]!, i);
    return ws;
  }

  /** The workspace of a batch size; a few sizes are kept (training batch, last partial batch, evaluation chunks, 1). */
  function workspace(batch: number): Workspace {
    let ws = workspaces.get(batch);
    if (ws === undefined) {
      if (workspaces.size >= MAX_WORKSPACES) workspaces.delete(workspaces.keys().next().value!);
      ws = makeWorkspace(batch);
      workspaces.set(batch, ws);
    }
    return ws;
  }
  /** The workspace of the last backward (its `da` holds that batch's dLoss/dOutput of every node). */
  let lastBackward: Workspace | null = null;
  /** Heatmap grids get their own workspace, so drawing one never disturbs a training batch of the same size. */
  let gridWorkspace: Workspace | null = null;

  /** One context for every pass: its fields are set before each, so a step allocates nothing. */
  const ctx: RunContext = {
    ws: null as unknown as Workspace, params, grads, x: new Float32Array(0), inputWidth: plan.inputWidth, rng: ownRng, nodes,
    fusedIndex: plan.fused ? plan.producerIndex : -1,
  };

  function runForward(ws: Workspace, x: Float32Array, rng: Rng): void {
    ctx.ws = ws;
    ctx.x = x;
    ctx.rng = rng;
    for (let i = 0; i < count; i++) forwards[i]!(ctx, nodes[i]!, i);
  }

  function gatherTargets(ws: Workspace, yTrue: Float32Array): void {
    const cols = plan.targetColumns;
    const k = cols.length;
    const w = plan.targetWidth;
    const t = ws.target;
    for (let r = 0; r < ws.batch; r++) for (let j = 0; j < k; j++) t[r * k + j] = yTrue[r * w + cols[j]!]!;
  }

  const outSize = nodes[plan.outputIndex]!.size;

  /** Misuse of the API (wrong buffer sizes) is a programming error: say exactly what is wrong. */
  function checkRows(what: 'x' | 'yTrue', values: Float32Array, batch: number, width: number): void {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`The batch size must be a whole number ≥ 1; got ${batch}.`);
    if (!(values instanceof Float32Array) || values.length < batch * width) {
      const got = values instanceof Float32Array ? `${values.length} values` : 'not a Float32Array';
      throw new RangeError(`${what} must hold ${batch} rows of ${width} values (${batch * width}); it has ${got}.`);
    }
  }

  const net: Network = {
    params,
    grads,
    layout,
    analysis,
    featureNames: plan.featureNames,
    targetNames: plan.targetNames,
    targetColumns: plan.targetColumns,
    inputSize: plan.inputWidth,
    outputSize: outSize,
    outputNodeId: nodes[plan.outputIndex]!.id,
    fused: plan.fused,
    seed,

    forward(x, batch, options = {}) {
      checkRows('x', x, batch, plan.inputWidth);
      const ws = workspace(batch);
      ws.training = options.training === true;
      runForward(ws, x, options.rng ?? ownRng);
      return ws.a[plan.outputIndex]!;
    },

    loss(yTrue, batch) {
      checkRows('yTrue', yTrue, batch, plan.targetWidth);
      const ws = workspace(batch);
      gatherTargets(ws, yTrue);
      if (plan.fused) return plan.loss.valueFromLogits(ws.z[plan.producerIndex]!, ws.target, batch, outSize);
      return plan.loss.value(ws.a[plan.outputIndex]!, ws.target, batch, outSize);
    },

    backward(yTrue, batch) {
      checkRows('yTrue', yTrue, batch, plan.targetWidth);
      const ws = workspace(batch);
      gatherTargets(ws, yTrue);
      for (let i = 0; i < count; i++) ws.da[i]?.fill(0);
      const producer = plan.producerIndex;
      if (plan.fused) {
        /** dLoss/dz of the producer, straight from the loss: (link(z) − t) / batch */
        const dz = ws.dz[producer];
        if (dz) plan.loss.gradientFromLogits(ws.a[producer]!, ws.target, batch, outSize, dz);
      } else if (ws.da[producer]) {
        plan.loss.gradient(ws.a[producer]!, ws.target, batch, outSize, ws.da[producer]!);
      }
      ctx.ws = ws;
      for (let k = 0; k < backwardOrder.length; k++) {
        const i = backwardOrder[k]!;
        backwards[i]!(ctx, nodes[i]!, i);
      }
      lastBackward = ws;
    },

    outputGradientSizes(nodeIds) {
      const result: Record<string, number> = {};
      const ws = lastBackward;
      if (ws === null) return result;
      for (const id of nodeIds) {
        const i = plan.index[id];
        if (i === undefined) continue;
        const p = nodes[i]!;
        const da = p.kind.role === 'output' ? ws.da[plan.producerIndex] : ws.da[i];
        if (!da) continue;
        const n = ws.batch * (p.kind.role === 'output' ? nodes[plan.producerIndex]!.size : p.size);
        let sq = 0;
        for (let k = 0; k < n; k++) sq += da[k]! * da[k]!;
        const rms = n > 0 ? Math.sqrt(sq / n) * ws.batch : 0;
        if (Number.isFinite(rms)) result[id] = rms;
      }
      return result;
    },

    zeroGrads() {
      grads.fill(0);
    },

    trace(x) {
      checkRows('x', x, 1, plan.inputWidth);
      const ws = workspace(1);
      ws.training = false;
      runForward(ws, x, ownRng);
      const result: Record<string, NodeTrace> = {};
      for (let i = 0; i < count; i++) {
        const p = nodes[i]!;
        const z = ws.z[i];
        result[p.id] = { z: z ? z.slice(0, p.size) : null, a: ws.a[i]!.slice(0, p.size) };
      }
      return result;
    },

    explain(x, yTrue) {
      const saved = grads.slice();
      const savedBackward = lastBackward;
      grads.fill(0);
      const output = net.forward(x, 1).slice();
      const loss = net.loss(yTrue, 1);
      net.backward(yTrue, 1);
      const ws = workspace(1);
      const producer = plan.producerIndex;
      // A fused loss gives the producer dLoss/dz directly; fill in its dLoss/da for display.
      if (plan.fused && ws.da[producer]) plan.loss.gradient(ws.a[producer]!, ws.target, 1, outSize, ws.da[producer]!);
      const result: Explanation = { loss, output, nodes: {}, grads: grads.slice() };
      grads.set(saved);
      lastBackward = savedBackward;
      for (let i = 0; i < count; i++) {
        const p = nodes[i]!;
        const z = ws.z[i];
        const da = p.kind.role === 'output' ? ws.da[producer] : ws.da[i];
        const dz = ws.dz[i];
        result.nodes[p.id] = {
          z: z ? z.slice(0, p.size) : null,
          a: ws.a[i]!.slice(0, p.size),
          outputGrad: da ? da.slice(0, p.size) : null,
          preactivationGrad: dz ? dz.slice(0, p.size) : null,
        };
      }
      return result;
    },

    gridOutputs(nodeIds, options) {
      const res = Math.min(MAX_GRID_RESOLUTION, Math.max(2, Math.floor(options.resolution) || 2));
      const n = res * res;
      const map = options.featureMap ?? defaultFeatureMap(plan.featureNames);
      const x = new Float32Array(n * plan.inputWidth);
      const [x0, x1] = options.xRange;
      const [y0, y1] = options.yRange;
      for (let iy = 0; iy < res; iy++) {
        const y = y0 + (iy / (res - 1)) * (y1 - y0);
        for (let ix = 0; ix < res; ix++) map(x0 + (ix / (res - 1)) * (x1 - x0), y, x, (iy * res + ix) * plan.inputWidth);
      }
      if (gridWorkspace === null || gridWorkspace.batch !== n) gridWorkspace = makeWorkspace(n, false);
      const ws = gridWorkspace;
      ws.training = false;
      runForward(ws, x, ownRng);
      const result: Record<string, Float32Array> = {};
      for (const id of nodeIds) {
        const i = plan.index[id];
        if (i === undefined) continue;
        const size = nodes[i]!.size;
        const a = ws.a[i]!;
        const values = new Float32Array(n);
        for (let k = 0; k < n; k++) values[k] = a[k * size]!;
        result[id] = values;
      }
      return result;
    },

    setParams(values) {
      params.set(values);
    },
    floats: alloc,
  };
  return net;
}

function defaultFeatureMap(names: readonly string[]): FeatureMapper {
  if (names.length > 0 && names.every(isPlaneFeature)) return featureMap(names);
  const width = names.length;
  return (x, y, out, offset) => {
    for (let k = 0; k < width; k++) out[offset + k] = 0;
    if (width > 0) out[offset] = x;
    if (width > 1) out[offset + 1] = y;
  };
}

/**
 * A new document with the network's current parameters written back (src/core/kinds/params.ts), as the exact float32
 * values (as numbers). Everything else is copied unchanged; the input document is not modified.
 */
export function writeWeights(doc: NetworkDocument, net: Pick<Network, 'params' | 'layout'>): NetworkDocument {
  return writeParams(doc, net.layout, net.params);
}
