/**
 * compileNetwork: from a network document to an execution plan over ONE flat parameter array.
 *
 * - Every parameter slot (src/core/kinds/kind.ts) lives in `params` (Float32Array), with `grads` parallel to it;
 *   `layout` maps each edge id to its block { offset, rows, cols } (row-major, source unit i → target unit j at
 *   offset + i·cols + j, the same as `edge.weights`), each node's slots by name to { offset, length, shape }, and
 *   (for the views that show biases) each node's `bias` slot to { offset, length }. Reading every weight is one copy.
 * - Parameter order: nodes in topological order; for each node its edge slots (incoming edges in analysis order),
 *   then its node slots in the order its kind lists them.
 * - Initial values: a block or bias present in the document is used as it is (unless `reinitialize`); anything
 *   missing comes from the initialiser, drawing from one RNG seeded with the setup's seed, in parameter order:
 *     glorotUniform U(±√(6/(fanIn+fanOut))), glorotNormal N(0, √(2/(fanIn+fanOut))), he N(0, √(2/fanIn)),
 *     zeros, constant (setup.initialValue, default 0); 'document' with nothing in the document falls back to
 *     glorotUniform. fanIn = all values flowing into the node, fanOut = its units. (Normal, not truncated normal.)
 *     Node slots the document does not give start at their kind's initialiser (biases 0, LayerNorm's gamma 1).
 * - Columns: x rows hold `featureNames` (default: the Input nodes' features in order of appearance), yTrue rows hold
 *   `targetNames` (default: the Output's targets). Inputs and the Output are matched to these by name; if none of an
 *   Output's target names is present but the counts agree, the columns are taken in order.
 */
import { ACTIVATIONS } from '../activations';
import type { InitializerName, LossName, NetworkDocument } from '../document';
import { nodeLabel, type GraphAnalysis, type Problem, type ProblemCode } from '../graph';
import { kindOf } from '../kinds';
import { shapeSize, type PlanNode, type SlotBlock } from '../kinds/kind';
import { LOSSES, type Loss } from '../losses';
import { createRng, type Rng } from '../random';
import { validateDocument } from '../validate';
import { featureColumn } from '../data/features';

export interface ParamBlock {
  offset: number;
  rows: number;
  cols: number;
}

export interface BiasBlock {
  offset: number;
  length: number;
}

export interface ParamLayout {
  /** The edge slot (weight block) of each edge into a kind that has one (Neuron, Dense). */
  edges: Record<string, ParamBlock>;
  /** Each node's own slots, by slot name ('bias', 'gamma', …). */
  nodes: Record<string, Record<string, SlotBlock>>;
  /** The 'bias' slot of each node that has one (the same blocks as in `nodes`). */
  biases: Record<string, BiasBlock>;
  /** Total number of parameters. */
  size: number;
  /** 1 where params[i] is regularised (a weight), 0 elsewhere (a bias, a normalisation scale). */
  isWeight: Uint8Array;
}

export type CompileProblemCode = ProblemCode | 'unknown-feature' | 'unknown-target' | 'target-count-mismatch' | 'unknown-activation' | 'unknown-loss' | 'network-too-large';

export interface CompileProblem extends Omit<Problem, 'code'> {
  code: CompileProblemCode;
}

export interface CompileOptions {
  /** The columns of an x row (e.g. dataset.featureNames). Default: the Input nodes' features. */
  featureNames?: readonly string[];
  /** The columns of a yTrue row (e.g. dataset.targetNames). Default: the Output's targets. */
  targetNames?: readonly string[];
  /** Seed for the initialiser and for dropout. Default: doc.training.seed. */
  seed?: number;
  /** Default: doc.training.initializer / initialValue. */
  initializer?: InitializerName;
  initialValue?: number;
  /** Ignore the weights and biases stored in the document and initialise everything afresh. */
  reinitialize?: boolean;
}

export type { PlanNode, SlotBlock } from '../kinds/kind';

export interface Plan {
  nodes: PlanNode[];
  index: Record<string, number>;
  outputIndex: number;
  /** The node feeding the Output. */
  producerIndex: number;
  loss: Loss;
  /** The loss works on the producer's pre-activation (sigmoid + BCE, softmax + softmax CE). */
  fused: boolean;
  inputWidth: number;
  targetWidth: number;
  /** The yTrue column of each output unit. */
  targetColumns: Int32Array;
  featureNames: string[];
  targetNames: string[];
}

export interface CompiledParameters {
  plan: Plan;
  layout: ParamLayout;
  params: Float32Array;
  seed: number;
  analysis: GraphAnalysis;
}

/** Limits that keep a typo (units = 1000000000) from exhausting memory: 2^26 parameters (256 MB), 2^22 values per example. */
export const MAX_PARAMETERS = 1 << 26;
export const MAX_VALUES_PER_EXAMPLE = 1 << 22;

const problem = (code: CompileProblemCode, message: string, nodeIds: string[], field?: string): CompileProblem =>
  field === undefined ? { severity: 'error', code, message, nodeIds, edgeIds: [] } : { severity: 'error', code, message, nodeIds, edgeIds: [], field };

function draw(init: InitializerName, rng: Rng, fanIn: number, fanOut: number, constant: number): number {
  switch (init) {
    case 'zeros':
      return 0;
    case 'constant':
      return constant;
    case 'glorotNormal':
      return rng.normal(0, Math.sqrt(2 / (fanIn + fanOut)));
    case 'he':
      return rng.normal(0, Math.sqrt(2 / fanIn));
    case 'glorotUniform':
    case 'document':
    default: {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniform(-limit, limit);
    }
  }
}

/** Build the plan and the initial parameters, or say what stops the document from running. */
export function compilePlan(doc: NetworkDocument, options: CompileOptions = {}): { ok: true; value: CompiledParameters } | { ok: false; problems: CompileProblem[] } {
  const report = validateDocument(doc);
  if (report.errors.length > 0) return { ok: false, problems: report.errors };
  const analysis = report.analysis;
  const { nodesById, incoming, outgoing, sizes } = analysis;
  const order = analysis.order;

  // Columns of x.
  const inputFeatures: string[] = [];
  for (const id of order) {
    const node = nodesById[id]!;
    const kind = kindOf(node.type);
    if (kind.role === 'input') for (const f of kind.features!(node)) if (!inputFeatures.includes(f)) inputFeatures.push(f);
  }
  const featureNames = options.featureNames ? [...options.featureNames] : inputFeatures;
  const problems: CompileProblem[] = [];

  const index: Record<string, number> = Object.create(null);
  order.forEach((id, i) => (index[id] = i));
  const dependsOnParams = new Array<boolean>(order.length).fill(false);

  const nodes: PlanNode[] = [];
  let outputIndex = -1;
  for (let i = 0; i < order.length; i++) {
    const id = order[i]!;
    const node = nodesById[id]!;
    const kind = kindOf(node.type);
    const shape = analysis.shapes[id]!;
    const ins = (incoming[id] ?? []).map((e) => index[e.source]!);
    dependsOnParams[i] = kind.slots.length > 0 || ins.some((k) => dependsOnParams[k]);
    let columns: Int32Array | null = null;
    if (kind.role === 'input') {
      const features = kind.features!(node);
      columns = new Int32Array(features.length);
      features.forEach((f, c) => {
        const col = featureColumn(featureNames, f);
        if (col < 0) {
          problems.push(problem('unknown-feature',
            `${nodeLabel(node)} reads the feature "${f}", which the data does not have (it has ${featureNames.map((n) => `"${n}"`).join(', ') || 'no features'}).`,
            [id], 'features'));
        }
        columns![c] = col;
      });
    }
    if (kind.role === 'output') {
      outputIndex = i;
      const loss = kind.loss!(node);
      if (!Object.prototype.hasOwnProperty.call(LOSSES, loss)) {
        problems.push(problem('unknown-loss', `${nodeLabel(node)} has an unknown loss "${String(loss)}".`, [id], 'loss'));
      }
    }
    const hasActivation = kind.activation !== undefined;
    const actName = kind.activation?.(node);
    const activation = hasActivation && Object.prototype.hasOwnProperty.call(ACTIVATIONS, actName ?? '') ? ACTIVATIONS[actName!] : null;
    if (hasActivation && activation === null) {
      problems.push(problem('unknown-activation', `${nodeLabel(node)} has an unknown activation "${String(actName)}".`, [id], 'activation'));
    }
    nodes.push({
      id, node, kind, shape, size: sizes[id]!, inputs: ins, blocks: [], slots: {}, bias: null, activation,
      needsGrad: dependsOnParams[i]!, columns,
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  const outputPlan = nodes[outputIndex]!;
  const outputNode = outputPlan.node;
  const outputTargets = [...outputPlan.kind.targets!(outputNode)];
  const producerIndex = outputPlan.inputs[0]!;
  const producer = nodes[producerIndex]!;
  const loss = LOSSES[outputPlan.kind.loss!(outputNode) as LossName];
  const producerConsumers = (outgoing[producer.id] ?? []).length;
  const fused = loss.link !== null && producer.activation?.name === loss.link && producerConsumers === 1;

  // Columns of yTrue.
  const targetNames = options.targetNames ? [...options.targetNames] : [...outputTargets];
  const targetColumns = new Int32Array(outputPlan.size);
  const found = outputTargets.map((t) => targetNames.indexOf(t));
  if (found.every((c) => c < 0) && targetNames.length === outputPlan.size) {
    for (let j = 0; j < outputPlan.size; j++) targetColumns[j] = j;
  } else if (outputTargets.length !== outputPlan.size) {
    problems.push(problem('target-count-mismatch',
      `${nodeLabel(outputNode)} predicts ${outputPlan.size} value(s) but names ${outputTargets.length} target column(s): name one target per output value.`,
      [outputNode.id], 'targets'));
  } else {
    found.forEach((col, j) => {
      if (col < 0) {
        problems.push(problem('unknown-target',
          `${nodeLabel(outputNode)} is compared with the column "${outputTargets[j]}", which the data does not have (it has ${targetNames.map((n) => `"${n}"`).join(', ') || 'no targets'}).`,
          [outputNode.id], 'targets'));
      }
      targetColumns[j] = col;
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  // Slot shapes, then size limits, before anything is allocated.
  type Pending = { p: PlanNode; name: string; on: 'node' | 'edge'; edgeIndex: number; shape: readonly number[]; init: 'fan' | 'zeros' | 'ones'; regularized: boolean; stored: unknown; fan?: { in: number; out: number } };
  const pending: Pending[] = [];
  for (const p of nodes) {
    const edgesIn = incoming[p.id] ?? [];
    for (const slot of p.kind.slots) {
      if (slot.on !== 'edge') continue;
      edgesIn.forEach((edge, k) => {
        const shape = slot.shape(p.node, p.shape, analysis.shapes[edge.source]);
        if (shape) pending.push({ p, name: slot.name, on: 'edge', edgeIndex: k, shape, init: slot.init, regularized: slot.regularized, stored: edge.weights });
      });
    }
    for (const slot of p.kind.slots) {
      if (slot.on !== 'node') continue;
      const shape = slot.shape(p.node, p.shape, edgesIn[0] === undefined ? undefined : analysis.shapes[edgesIn[0].source]);
      if (shape) pending.push({ p, name: slot.name, on: 'node', edgeIndex: -1, shape, init: slot.init, regularized: slot.regularized, stored: slot.read?.(p.node), ...(slot.fan ? { fan: slot.fan(shape) } : {}) });
    }
  }
  let values = 0;
  let weights = 0;
  let biggest: PlanNode = nodes[0]!;
  for (const p of nodes) {
    values += p.size;
    if (p.size > biggest.size) biggest = p;
  }
  for (const slot of pending) weights += shapeSize(slot.shape);
  if (values > MAX_VALUES_PER_EXAMPLE || weights > MAX_PARAMETERS) {
    return {
      ok: false,
      problems: [problem('network-too-large',
        `The network is too large to run here (${weights.toLocaleString('en')} weights, ${values.toLocaleString('en')} values per example; the limits are ${MAX_PARAMETERS.toLocaleString('en')} and ${MAX_VALUES_PER_EXAMPLE.toLocaleString('en')}). ${nodeLabel(biggest.node)} is the largest node, with ${biggest.size.toLocaleString('en')} values.`,
        [biggest.id])],
    };
  }

  // Layout.
  const edges: Record<string, ParamBlock> = Object.create(null);
  const nodeSlots: Record<string, Record<string, SlotBlock>> = Object.create(null);
  const biases: Record<string, BiasBlock> = Object.create(null);
  const isWeight = new Uint8Array(weights);
  let size = 0;
  const offsets: number[] = [];
  for (const slot of pending) {
    const length = shapeSize(slot.shape);
    offsets.push(size);
    if (slot.regularized) isWeight.fill(1, size, size + length);
    const p = slot.p;
    if (slot.on === 'edge') {
      const edge = incoming[p.id]![slot.edgeIndex]!;
      const block: ParamBlock = { offset: size, rows: slot.shape[0]!, cols: slot.shape[1]! };
      edges[edge.id] = block;
      p.blocks.push(block);
    } else {
      const block: SlotBlock = { offset: size, length, shape: slot.shape };
      p.slots[slot.name] = block;
      (nodeSlots[p.id] ??= {})[slot.name] = block;
      if (slot.name === 'bias') {
        p.bias = { offset: size, length };
        biases[p.id] = p.bias;
      }
    }
    size += length;
  }

  // Initial values, in parameter order.
  const seed = options.seed ?? doc.training?.seed ?? 1;
  const init = options.initializer ?? doc.training?.initializer ?? 'glorotUniform';
  const constant = options.initialValue ?? doc.training?.initialValue ?? 0;
  const fromDocument = !options.reinitialize;
  const rng = createRng(seed);
  const params = new Float32Array(size);
  pending.forEach((slot, k) => {
    const offset = offsets[k]!;
    const n = shapeSize(slot.shape);
    const stored = slot.stored;
    if (fromDocument && Array.isArray(stored) && stored.length === n) {
      for (let i = 0; i < n; i++) params[offset + i] = stored[i] as number;
    } else if (slot.init === 'fan') {
      const fanIn = slot.fan?.in ?? slot.p.blocks.reduce((s, b) => s + b.rows, 0);
      const fanOut = slot.fan?.out ?? slot.p.size;
      for (let i = 0; i < n; i++) params[offset + i] = draw(init, rng, fanIn, fanOut, constant);
    } else if (slot.init === 'ones') {
      params.fill(1, offset, offset + n);
    }
  });

  return {
    ok: true,
    value: {
      plan: {
        nodes, index, outputIndex, producerIndex, loss, fused,
        inputWidth: featureNames.length, targetWidth: targetNames.length, targetColumns, featureNames, targetNames,
      },
      layout: { edges, nodes: nodeSlots, biases, size, isWeight },
      params,
      seed,
      analysis,
    },
  };
}
