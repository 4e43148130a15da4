/**
 * The compiled network: forward, loss and backward over a batch, on preallocated buffers (one workspace per batch
 * size, made on first use), so a training step allocates nothing.
 *
 * Each node's forward and backward sit together in `forwardNode` / `backwardNode`, one case per node type:
 *   weighted (Neuron, Dense)  z = Σ_e a_src·W_e + b,  a = f(z)
 *       backward: dz = da·f'(z);  dW_e += a_srcᵀ·dz;  db += Σ_rows dz;  da_src += dz·W_eᵀ
 *   Activation                z = a_src,  a = f(z)            backward: da_src += da·f'(z)
 *   Dropout                   a = a_src·mask (training; mask 0 or 1/(1−rate), inverted dropout), a = a_src otherwise
 *                             backward: da_src += da·mask
 *   Add                       a = Σ a_src                     backward: da_src += da (each)
 *   Concat                    a = [a_src1 | a_src2 | …]       backward: da_srck += its columns of da
 *   Output                    a = a_producer (same buffer)    the loss gives da_producer (or dz_producer when fused)
 * Gradients are of the batch loss (mean over examples), so every dW is already averaged over the batch.
 */
import type { NetworkDocument, NetworkNode } from '../document';
import { featureMap, isPlaneFeature, type FeatureMapper } from '../data/features';
import { gemmNN, gemmNT, gemmTN } from '../kernels';
import { createRng, type Rng } from '../random';
import { compilePlan, type CompileOptions, type CompileProblem, type ParamLayout, type Plan, type PlanNode } from './compile';
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
}

/** Heatmaps larger than this per side are not useful on a screen and would take a lot of memory. */
export const MAX_GRID_RESOLUTION = 512;

const MAX_WORKSPACES = 6;

export type CompileResult = { ok: true; net: Network } | { ok: false; problems: CompileProblem[] };

interface Workspace {
  batch: number;
  /** Output of each node (batch × size). Output nodes alias their producer's. */
  a: Float32Array[];
  /** Pre-activation of weighted and Activation nodes; Activation aliases its source's a. */
  z: (Float32Array | null)[];
  /** dLoss/dOutput of each node that depends on parameters. */
  da: (Float32Array | null)[];
  /** dLoss/dPreactivation of weighted and Activation nodes that depend on parameters. */
  dz: (Float32Array | null)[];
  mask: (Float32Array | null)[];
  /** The Output's targets, gathered from yTrue. */
  target: Float32Array;
  /** The last forward ran with dropout on. */
  training: boolean;
}

export function compileNetwork(doc: NetworkDocument, options: CompileOptions = {}): CompileResult {
  const compiled = compilePlan(doc, options);
  if (!compiled.ok) return compiled;
  const { plan, layout, params, seed, analysis } = compiled.value;
  return { ok: true, net: createNetwork(plan, layout, params, seed, analysis) };
}

function createNetwork(plan: Plan, layout: ParamLayout, params: Float32Array, seed: number, analysis: GraphAnalysis): Network {
  const grads = new Float32Array(layout.size);
  const nodes = plan.nodes;
  const count = nodes.length;
  const ownRng = createRng(seed ^ 0x5bd1e995);
  const workspaces = new Map<number, Workspace>();

  const isLinear = (p: PlanNode) => p.activation?.name === 'linear';

  function makeWorkspace(batch: number): Workspace {
    const a: Float32Array[] = new Array(count);
    const z: (Float32Array | null)[] = new Array(count).fill(null);
    const da: (Float32Array | null)[] = new Array(count).fill(null);
    const dz: (Float32Array | null)[] = new Array(count).fill(null);
    const mask: (Float32Array | null)[] = new Array(count).fill(null);
    for (let i = 0; i < count; i++) {
      const p = nodes[i]!;
      const n = batch * p.size;
      switch (p.node.type) {
        case 'neuron':
        case 'dense':
          z[i] = new Float32Array(n);
          a[i] = isLinear(p) ? z[i]! : new Float32Array(n);
          if (p.needsGrad) {
            da[i] = new Float32Array(n);
            dz[i] = isLinear(p) ? da[i] : new Float32Array(n);
          }
          break;
        case 'activation':
          z[i] = a[p.inputs[0]!]!;
          a[i] = isLinear(p) ? z[i]! : new Float32Array(n);
          if (p.needsGrad) {
            da[i] = new Float32Array(n);
            dz[i] = new Float32Array(n);
          }
          break;
        case 'output':
          a[i] = a[p.inputs[0]!]!;
          break;
        case 'dropout':
          mask[i] = new Float32Array(n);
          a[i] = new Float32Array(n);
          if (p.needsGrad) da[i] = new Float32Array(n);
          break;
        default:
          a[i] = new Float32Array(n);
          if (p.needsGrad) da[i] = new Float32Array(n);
      }
    }
    return { batch, a, z, da, dz, mask, target: new Float32Array(batch * nodes[plan.outputIndex]!.size), training: false };
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
  /** Heatmap grids get their own workspace, so drawing one never disturbs a training batch of the same size. */
  let gridWorkspace: Workspace | null = null;

  function forwardNode(ws: Workspace, i: number, x: Float32Array, rng: Rng): void {
    const p = nodes[i]!;
    const B = ws.batch;
    const out = ws.a[i]!;
    const size = p.size;
    switch (p.node.type) {
      case 'input': {
        const cols = p.columns!;
        const w = plan.inputWidth;
        for (let r = 0; r < B; r++) for (let c = 0; c < size; c++) out[r * size + c] = x[r * w + cols[c]!]!;
        return;
      }
      case 'neuron':
      case 'dense': {
        const z = ws.z[i]!;
        if (p.bias) {
          const o = p.bias.offset;
          for (let r = 0; r < B; r++) for (let c = 0; c < size; c++) z[r * size + c] = params[o + c]!;
        } else z.fill(0);
        for (let k = 0; k < p.inputs.length; k++) {
          const block = p.blocks[k]!;
          gemmNN(B, size, block.rows, ws.a[p.inputs[k]!]!, 0, params, block.offset, z, 0);
        }
        p.activation!.apply(z, out, B, size);
        return;
      }
      case 'activation':
        p.activation!.apply(ws.z[i]!, out, B, size);
        return;
      case 'dropout': {
        const src = ws.a[p.inputs[0]!]!;
        const n = B * size;
        if (ws.training && p.rate > 0) {
          const mask = ws.mask[i]!;
          const keep = 1 / (1 - p.rate);
          for (let k = 0; k < n; k++) {
            const m = rng.next() < p.rate ? 0 : keep;
            mask[k] = m;
            out[k] = src[k]! * m;
          }
        } else out.set(src);
        return;
      }
      case 'add': {
        const n = B * size;
        out.set(ws.a[p.inputs[0]!]!);
        for (let k = 1; k < p.inputs.length; k++) {
          const src = ws.a[p.inputs[k]!]!;
          for (let e = 0; e < n; e++) out[e] += src[e]!;
        }
        return;
      }
      case 'concat': {
        let offset = 0;
        for (const s of p.inputs) {
          const src = ws.a[s]!;
          const m = nodes[s]!.size;
          for (let r = 0; r < B; r++) for (let c = 0; c < m; c++) out[r * size + offset + c] = src[r * m + c]!;
          offset += m;
        }
        return;
      }
      case 'output':
        return;
    }
  }

  /** Add g into the gradient of node s's output, if it needs one. */
  function addInto(ws: Workspace, s: number, g: Float32Array, n: number): void {
    const target = ws.da[s];
    if (target === null || target === undefined) return;
    for (let e = 0; e < n; e++) target[e] += g[e]!;
  }

  function backwardNode(ws: Workspace, i: number): void {
    const p = nodes[i]!;
    if (!p.needsGrad) return;
    const B = ws.batch;
    const size = p.size;
    const da = ws.da[i];
    const fusedHere = plan.fused && i === plan.producerIndex;
    switch (p.node.type) {
      case 'neuron':
      case 'dense': {
        const dz = ws.dz[i]!;
        /** dLoss/dz = dLoss/da · f'(z), unless the loss already gave dLoss/dz. */
        if (!fusedHere) p.activation!.backprop(ws.z[i]!, ws.a[i]!, da!, dz, B, size);
        if (p.bias) {
          const o = p.bias.offset;
          for (let r = 0; r < B; r++) for (let c = 0; c < size; c++) grads[o + c] += dz[r * size + c]!;
        }
        for (let k = 0; k < p.inputs.length; k++) {
          const s = p.inputs[k]!;
          const block = p.blocks[k]!;
          /** dLoss/dW += a_srcᵀ · dz */
          gemmTN(block.rows, size, B, ws.a[s]!, 0, dz, 0, grads, block.offset);
          /** dLoss/da_src += dz · Wᵀ */
          const dsrc = ws.da[s];
          if (dsrc) gemmNT(B, block.rows, size, dz, 0, params, block.offset, dsrc, 0);
        }
        return;
      }
      case 'activation': {
        const dz = ws.dz[i]!;
        if (!fusedHere) p.activation!.backprop(ws.z[i]!, ws.a[i]!, da!, dz, B, size);
        addInto(ws, p.inputs[0]!, dz, B * size);
        return;
      }
      case 'dropout': {
        const s = p.inputs[0]!;
        const dsrc = ws.da[s];
        if (!dsrc) return;
        const n = B * size;
        if (ws.training && p.rate > 0) {
          const mask = ws.mask[i]!;
          for (let e = 0; e < n; e++) dsrc[e] += da![e]! * mask[e]!;
        } else addInto(ws, s, da!, n);
        return;
      }
      case 'add':
        for (const s of p.inputs) addInto(ws, s, da!, B * size);
        return;
      case 'concat': {
        let offset = 0;
        for (const s of p.inputs) {
          const m = nodes[s]!.size;
          const dsrc = ws.da[s];
          if (dsrc) for (let r = 0; r < B; r++) for (let c = 0; c < m; c++) dsrc[r * m + c] += da![r * size + offset + c]!;
          offset += m;
        }
        return;
      }
      default:
        return;
    }
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
      const rng = options.rng ?? ownRng;
      for (let i = 0; i < count; i++) forwardNode(ws, i, x, rng);
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
      for (let i = count - 1; i >= 0; i--) backwardNode(ws, i);
    },

    zeroGrads() {
      grads.fill(0);
    },

    trace(x) {
      checkRows('x', x, 1, plan.inputWidth);
      const ws = workspace(1);
      ws.training = false;
      for (let i = 0; i < count; i++) forwardNode(ws, i, x, ownRng);
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
      for (let i = 0; i < count; i++) {
        const p = nodes[i]!;
        const z = ws.z[i];
        const da = p.node.type === 'output' ? ws.da[producer] : ws.da[i];
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
      if (gridWorkspace === null || gridWorkspace.batch !== n) gridWorkspace = makeWorkspace(n);
      const ws = gridWorkspace;
      ws.training = false;
      for (let i = 0; i < count; i++) forwardNode(ws, i, x, ownRng);
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
 * A new document with the network's current weights and biases written back, as the exact float32 values
 * (as numbers). Everything else is copied unchanged; the input document is not modified.
 */
export function writeWeights(doc: NetworkDocument, net: Pick<Network, 'params' | 'layout'>): NetworkDocument {
  const { params, layout } = net;
  const nodes = doc.nodes.map((node): NetworkNode => {
    const bias = layout.biases[node.id];
    if (bias === undefined) return node;
    if (node.type === 'neuron') return { ...node, bias: params[bias.offset]! };
    if (node.type === 'dense') return { ...node, bias: Array.from(params.subarray(bias.offset, bias.offset + bias.length)) };
    return node;
  });
  const edges = doc.edges.map((edge) => {
    const block = layout.edges[edge.id];
    if (block === undefined) return edge;
    return { ...edge, weights: Array.from(params.subarray(block.offset, block.offset + block.rows * block.cols)) };
  });
  return { ...doc, nodes, edges };
}
