/**
 * compileNetwork: from a network document to an execution plan over ONE flat parameter array.
 *
 * - Every weight block and bias lives in `params` (Float32Array), with `grads` parallel to it; `layout` maps each edge
 *   id to its block { offset, rows, cols } (row-major, source unit i → target unit j at offset + i·cols + j, the same
 *   as `edge.weights`) and each Neuron/Dense id to its bias { offset, length }. Reading every weight is one copy.
 * - Parameter order: nodes in topological order; for each weighted node its incoming edges (in analysis order), then
 *   its bias.
 * - Initial values: a block or bias present in the document is used as it is (unless `reinitialize`); anything
 *   missing comes from the initialiser, drawing from one RNG seeded with the setup's seed, in parameter order:
 *     glorotUniform U(±√(6/(fanIn+fanOut))), glorotNormal N(0, √(2/(fanIn+fanOut))), he N(0, √(2/fanIn)),
 *     zeros, constant (setup.initialValue, default 0); 'document' with nothing in the document falls back to
 *     glorotUniform. fanIn = all values flowing into the node, fanOut = its units. (Normal, not truncated normal.)
 *     Biases the document does not give start at 0.
 * - Columns: x rows hold `featureNames` (default: the Input nodes' features in order of appearance), yTrue rows hold
 *   `targetNames` (default: the Output's targets). Inputs and the Output are matched to these by name; if none of an
 *   Output's target names is present but the counts agree, the columns are taken in order.
 */
import { ACTIVATIONS, type Activation } from '../activations';
import type { InitializerName, NetworkDocument, NetworkNode } from '../document';
import { nodeLabel, type GraphAnalysis, type Problem, type ProblemCode } from '../graph';
import { LOSSES, type Loss } from '../losses';
import { NODE_TYPES } from '../nodes';
import { createRng, type Rng } from '../random';
import { validateDocument } from '../validate';

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
  /** Weight block of each edge into a Neuron or Dense. */
  edges: Record<string, ParamBlock>;
  /** Bias of each Neuron and of each Dense with useBias. */
  biases: Record<string, BiasBlock>;
  /** Total number of parameters. */
  size: number;
  /** 1 where params[i] is a weight, 0 where it is a bias. */
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

/** One node of the plan, in topological order. */
export interface PlanNode {
  id: string;
  node: NetworkNode;
  /** Output size. */
  size: number;
  /** Index of each input node in the plan (for Concat in concat order). */
  inputs: number[];
  /** For weighted nodes, the weight block of each input, parallel to `inputs`. */
  blocks: ParamBlock[];
  bias: BiasBlock | null;
  activation: Activation | null;
  /** Its value depends on parameters, so a gradient must flow through it. */
  needsGrad: boolean;
  /** Input nodes: the x column of each unit. */
  columns: Int32Array | null;
  /** Dropout rate. */
  rate: number;
}

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
    if (node.type === 'input') for (const f of node.features) if (!inputFeatures.includes(f)) inputFeatures.push(f);
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
    const size = sizes[id]!;
    const ins = (incoming[id] ?? []).map((e) => index[e.source]!);
    const weighted = NODE_TYPES[node.type].weighted;
    dependsOnParams[i] = weighted || ins.some((k) => dependsOnParams[k]);
    let columns: Int32Array | null = null;
    if (node.type === 'input') {
      columns = new Int32Array(node.features.length);
      node.features.forEach((f, c) => {
        const col = featureNames.indexOf(f);
        if (col < 0) {
          problems.push(problem('unknown-feature',
            `${nodeLabel(node)} reads the feature "${f}", which the data does not have (it has ${featureNames.map((n) => `"${n}"`).join(', ') || 'no features'}).`,
            [id], 'features'));
        }
        columns![c] = col;
      });
    }
    if (node.type === 'output') {
      outputIndex = i;
      if (!Object.prototype.hasOwnProperty.call(LOSSES, node.loss)) {
        problems.push(problem('unknown-loss', `${nodeLabel(node)} has an unknown loss "${String(node.loss)}".`, [id], 'loss'));
      }
    }
    const hasActivation = node.type === 'neuron' || node.type === 'dense' || node.type === 'activation';
    const activation = hasActivation && Object.prototype.hasOwnProperty.call(ACTIVATIONS, node.activation) ? ACTIVATIONS[node.activation] : null;
    if (hasActivation && activation === null) {
      problems.push(problem('unknown-activation', `${nodeLabel(node)} has an unknown activation "${String(node.activation)}".`, [id], 'activation'));
    }
    nodes.push({
      id, node, size, inputs: ins, blocks: [], bias: null, activation,
      needsGrad: dependsOnParams[i]!, columns, rate: node.type === 'dropout' ? node.rate : 0,
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  const outputPlan = nodes[outputIndex]!;
  const outputNode = outputPlan.node as Extract<NetworkNode, { type: 'output' }>;
  const producerIndex = outputPlan.inputs[0]!;
  const producer = nodes[producerIndex]!;
  const loss = LOSSES[outputNode.loss];
  const producerConsumers = (outgoing[producer.id] ?? []).length;
  const fused = loss.link !== null && producer.activation?.name === loss.link && producerConsumers === 1;

  // Columns of yTrue.
  const targetNames = options.targetNames ? [...options.targetNames] : [...outputNode.targets];
  const targetColumns = new Int32Array(outputPlan.size);
  const found = outputNode.targets.map((t) => targetNames.indexOf(t));
  if (found.every((c) => c < 0) && targetNames.length === outputPlan.size) {
    for (let j = 0; j < outputPlan.size; j++) targetColumns[j] = j;
  } else if (outputNode.targets.length !== outputPlan.size) {
    problems.push(problem('target-count-mismatch',
      `${nodeLabel(outputNode)} predicts ${outputPlan.size} value(s) but names ${outputNode.targets.length} target column(s): name one target per output value.`,
      [outputNode.id], 'targets'));
  } else {
    found.forEach((col, j) => {
      if (col < 0) {
        problems.push(problem('unknown-target',
          `${nodeLabel(outputNode)} is compared with the column "${outputNode.targets[j]}", which the data does not have (it has ${targetNames.map((n) => `"${n}"`).join(', ') || 'no targets'}).`,
          [outputNode.id], 'targets'));
      }
      targetColumns[j] = col;
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  // Size limits, before anything is allocated.
  let values = 0;
  let weights = 0;
  let biggest: PlanNode = nodes[0]!;
  for (const p of nodes) {
    values += p.size;
    if (p.size > biggest.size) biggest = p;
    if (NODE_TYPES[p.node.type].weighted) for (const k of p.inputs) weights += nodes[k]!.size * p.size + 1;
  }
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
  const biases: Record<string, BiasBlock> = Object.create(null);
  let size = 0;
  for (const p of nodes) {
    if (!NODE_TYPES[p.node.type].weighted) continue;
    for (const edge of incoming[p.id] ?? []) {
      const block: ParamBlock = { offset: size, rows: sizes[edge.source]!, cols: p.size };
      edges[edge.id] = block;
      p.blocks.push(block);
      size += block.rows * block.cols;
    }
    if (p.node.type === 'neuron' || (p.node.type === 'dense' && p.node.useBias !== false)) {
      p.bias = { offset: size, length: p.size };
      biases[p.id] = p.bias;
      size += p.size;
    }
  }
  const isWeight = new Uint8Array(size);
  for (const block of Object.values(edges)) isWeight.fill(1, block.offset, block.offset + block.rows * block.cols);

  // Initial values, in parameter order.
  const seed = options.seed ?? doc.training?.seed ?? 1;
  const init = options.initializer ?? doc.training?.initializer ?? 'glorotUniform';
  const constant = options.initialValue ?? doc.training?.initialValue ?? 0;
  const fromDocument = !options.reinitialize;
  const rng = createRng(seed);
  const params = new Float32Array(size);
  for (const p of nodes) {
    if (!NODE_TYPES[p.node.type].weighted) continue;
    const fanIn = p.blocks.reduce((s, b) => s + b.rows, 0);
    (incoming[p.id] ?? []).forEach((edge, k) => {
      const block = p.blocks[k]!;
      const n = block.rows * block.cols;
      if (fromDocument && Array.isArray(edge.weights) && edge.weights.length === n) {
        for (let i = 0; i < n; i++) params[block.offset + i] = edge.weights[i]!;
      } else {
        for (let i = 0; i < n; i++) params[block.offset + i] = draw(init, rng, fanIn, p.size, constant);
      }
    });
    if (p.bias) {
      const node = p.node;
      if (fromDocument && node.type === 'neuron') params[p.bias.offset] = node.bias;
      else if (fromDocument && node.type === 'dense' && Array.isArray(node.bias) && node.bias.length === p.size) {
        for (let j = 0; j < p.size; j++) params[p.bias.offset + j] = node.bias[j]!;
      }
    }
  }

  return {
    ok: true,
    value: {
      plan: {
        nodes, index, outputIndex, producerIndex, loss, fused,
        inputWidth: featureNames.length, targetWidth: targetNames.length, targetColumns, featureNames, targetNames,
      },
      layout: { edges, biases, size, isWeight },
      params,
      seed,
      analysis,
    },
  };
}
