/**
 * Live validation of a network document: every error and warning in words a learner understands, on the nodes that
 * cause it, plus the parameter count and the memory the weights take. Never throws.
 *
 * Decisions (so the editor and the trainer agree):
 * - Exactly one Output. A second Output is refused: the training setup has one loss, the charts one loss curve,
 *   explain mode one prediction and exports one result; two Outputs would silently need a rule for summing losses.
 * - binaryCrossEntropy needs a size-1 Output fed by a sigmoid; softmaxCrossEntropy needs size ≥ 2 fed by a softmax.
 *   "Fed by" looks through Dropout, and through a Concat whose inputs all end in the same (element-wise) activation,
 *   so a Dense layer expanded into sigmoid neurons still counts.
 * - Softmax on a single value (a Neuron, or anything of size 1) is an error: it always gives 1 and learns nothing.
 *   Softmax on a larger node that does not feed an Output directly is a warning: it is valid maths, but squashing a
 *   hidden layer into probabilities is almost always a mistake.
 */
import type { ActivationName, NetworkDocument, NetworkNode } from './document';
import { analyzeGraph, edgeBlockShape, nodeLabel, type GraphAnalysis, type Problem, type ProblemCode } from './graph';
import { kindOf } from './kinds';
import { shapeSize, type Shape } from './kinds/kind';
import { parameterBytes, type WeightMatrix } from './parameterBytes';

export type { Problem, ProblemCode } from './graph';

export interface MemoryEstimate {
  /**
   * Bytes for the parameters stored as float32, fp16 and int8 (a scale per unit), as quantization stores them:
   * weights at 4, 2 and 1 byte, int8 scales and zero points, biases and other parameters float32 (parameterBytes.ts).
   */
  fp32: number;
  fp16: number;
  int8: number;
}

export interface ValidationReport {
  errors: Problem[];
  warnings: Problem[];
  /** Output size of every node whose size can be inferred. */
  sizes: Record<string, number>;
  /** Output shape of every node whose shape can be inferred. */
  shapes: Record<string, Shape>;
  /** Every parameter slot's values (whose shape is known): weight blocks on edges, biases and the like on nodes. */
  parameterCount: number;
  /**
   * Float32 values per example of training workspace beyond four per output unit (the kinds' `workspace`: Conv2D's
   * im2col patches and their gradient), summed over the nodes whose shapes are known.
   */
  workspacePerExample: number;
  memory: MemoryEstimate;
  /** The graph analysis the report was built on, for callers that need order or incoming edges too. */
  analysis: GraphAnalysis;
}

const problem = (severity: Problem['severity'], code: ProblemCode, message: string, nodeIds: string[], edgeIds: string[] = [], field?: string): Problem =>
  field === undefined ? { severity, code, message, nodeIds, edgeIds } : { severity, code, message, nodeIds, edgeIds, field };

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/**
 * The activation a node's values come out of, looking through Dropout and through Concats of like inputs.
 * Walks with an explicit stack: a file may chain thousands of Dropouts, deeper than the call stack goes.
 */
export function finalActivation(analysis: GraphAnalysis, nodeId: string): ActivationName | undefined {
  /** Each node's answer once known; null while its inputs are still being worked out (a cycle reads as unknown). */
  const known = new Map<string, ActivationName | undefined | null>();
  const inputsOf = (id: string): string[] => {
    const node = analysis.nodesById[id];
    const ins = analysis.incoming[id] ?? [];
    const through = node === undefined ? undefined : kindOf(node.type).activationThrough;
    if (through === 'single') return ins.length === 1 ? [ins[0]!.source] : [];
    if (through === 'all') return ins.map((e) => e.source);
    return [];
  };
  const resolve = (id: string): ActivationName | undefined => {
    const node = analysis.nodesById[id];
    if (node === undefined) return undefined;
    const kind = kindOf(node.type);
    if (kind.activation) return kind.activation(node);
    if (kind.activationThrough === 'single') {
      const ins = inputsOf(id);
      return ins.length === 1 ? (known.get(ins[0]!) ?? undefined) : undefined;
    }
    if (kind.activationThrough === 'all') {
      const acts = inputsOf(id).map((source) => known.get(source) ?? undefined);
      const first = acts[0];
      if (first === undefined || first === 'softmax' || !acts.every((a) => a === first)) return undefined;
      return first;
    }
    return undefined;
  };
  const stack: { id: string; expanded: boolean }[] = [{ id: nodeId, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.expanded) {
      stack.pop();
      known.set(top.id, resolve(top.id));
      continue;
    }
    if (known.has(top.id)) {
      stack.pop();
      continue;
    }
    top.expanded = true;
    known.set(top.id, null);
    for (const source of inputsOf(top.id)) if (!known.has(source)) stack.push({ id: source, expanded: false });
  }
  return known.get(nodeId) ?? undefined;
}

/** The number of values of every parameter slot whose shape is known (see slotShapes). */
export function countParameters(analysis: GraphAnalysis): number {
  let count = 0;
  for (const node of Object.values(analysis.nodesById)) {
    for (const slot of slotShapes(analysis, node)) count += shapeSize(slot.shape);
  }
  return count;
}

/** Each node's weight matrix: its incoming connections' weight blocks stacked (as quantization stores them). */
export function weightMatrices(analysis: GraphAnalysis): WeightMatrix[] {
  const out: WeightMatrix[] = [];
  for (const node of Object.values(analysis.nodesById)) {
    let rows = 0;
    for (const slot of slotShapes(analysis, node)) if (slot.edgeId !== undefined) rows += slot.shape[0]!;
    const cols = analysis.sizes[node.id];
    if (rows > 0 && cols !== undefined) out.push({ rows, cols });
  }
  return out;
}

/** The shape of a node's first input (what a node slot's shape may depend on: a convolution's channels). */
export const firstInputShape = (analysis: GraphAnalysis, id: string): Shape | undefined => {
  const edge = (analysis.incoming[id] ?? [])[0];
  return edge === undefined ? undefined : analysis.shapes[edge.source];
};

/** A node's parameter slots with their shapes, where the shapes are known: node slots, then one per incoming edge. */
export function slotShapes(analysis: GraphAnalysis, node: NetworkNode): { name: string; edgeId?: string; shape: Shape }[] {
  const out: { name: string; edgeId?: string; shape: Shape }[] = [];
  const shape = analysis.shapes[node.id];
  if (shape === undefined) return out;
  for (const slot of kindOf(node.type).slots) {
    if (slot.on === 'node') {
      const s = slot.shape(node, shape, firstInputShape(analysis, node.id));
      if (s) out.push({ name: slot.name, shape: s });
    } else {
      for (const edge of analysis.incoming[node.id] ?? []) {
        const input = analysis.shapes[edge.source];
        const s = input === undefined ? null : slot.shape(node, shape, input);
        if (s) out.push({ name: slot.name, edgeId: edge.id, shape: s });
      }
    }
  }
  return out;
}

export function validateDocument(doc: NetworkDocument): ValidationReport {
  const analysis = analyzeGraph(doc);
  const problems: Problem[] = [...analysis.problems];
  const { nodesById, incoming, outgoing, sizes } = analysis;
  const nodes: NetworkNode[] = Object.values(nodesById);
  const outputs = nodes.filter((n) => kindOf(n.type).role === 'output');

  if (outputs.length === 0) {
    problems.push(problem('error', 'no-output', 'The network has no Output: add one and connect your last layer into it, so it knows what to predict.', []));
  } else if (outputs.length > 1) {
    problems.push(problem('error', 'multiple-outputs',
      `The network has ${outputs.length} Outputs (${outputs.map((o) => nodeLabel(o)).join(', ')}): keep one. A network here trains one prediction with one loss.`,
      outputs.map((o) => o.id)));
  }

  const finalOf = (id: string) => finalActivation(analysis, id);
  const hasOwnActivation = (id: string) => {
    const n = nodesById[id];
    return n !== undefined && kindOf(n.type).activation !== undefined;
  };
  for (const node of nodes) {
    const label = nodeLabel(node);
    const kind = kindOf(node.type);
    if (kind.validate) {
      problems.push(...kind.validate({
        node, shape: analysis.shapes[node.id], inputs: incoming[node.id] ?? [], outputs: outgoing[node.id] ?? [],
        nodesById, shapes: analysis.shapes, finalActivation: finalOf, hasOwnActivation,
      }));
    }
    problems.push(...nodeSlotProblems(analysis, node));

    // Softmax placement.
    if (kind.activation?.(node) === 'softmax') {
      const size = sizes[node.id];
      if (size === 1) {
        problems.push(problem('error', 'softmax-not-before-output',
          `${label} applies softmax to a single value, which always gives 1 and cannot learn: use sigmoid for one probability, or softmax on a layer of several units.`,
          [node.id], [], 'activation'));
      } else {
        const outs = outgoing[node.id] ?? [];
        const elsewhere = outs.filter((e) => nodesById[e.target]?.type !== 'output');
        if (elsewhere.length > 0) {
          problems.push(problem('warning', 'softmax-not-before-output',
            `${label} uses softmax but feeds ${elsewhere.map((e) => nodeLabel(nodesById[e.target])).join(', ')}: softmax turns values into class probabilities and belongs just before the Output. Use relu or tanh for a hidden layer.`,
            [node.id], elsewhere.map((e) => e.id), 'activation'));
        }
      }
    }
  }

  // Weight blocks.
  for (const node of nodes) {
    for (const edge of incoming[node.id] ?? []) {
      const weights = (edge as { weights?: unknown }).weights;
      if (weights === undefined) continue;
      const conn = `The connection ${nodeLabel(nodesById[edge.source])} → ${nodeLabel(node)}`;
      const kind = kindOf(node.type);
      if (!kind.slots.some((slot) => slot.on === 'edge')) {
        problems.push(problem('error', 'weights-on-unweighted',
          `${conn} carries weights, but ${nodeLabel(node)} is ${articleFor(kind.label)} ${kind.label}, which has no weights: only connections into a Neuron or a Dense layer do.`,
          [node.id], [edge.id], 'weights'));
        continue;
      }
      if (!Array.isArray(weights)) {
        problems.push(problem('error', 'weights-wrong-length', `${conn} has weights that are not a list of numbers.`, [node.id], [edge.id], 'weights'));
        continue;
      }
      const shape = edgeBlockShape(analysis, edge);
      if (shape && weights.length !== shape.rows * shape.cols) {
        problems.push(problem('error', 'weights-wrong-length',
          `${conn} has ${plural(weights.length, 'weight')} but needs ${shape.rows * shape.cols} (${shape.rows} value${shape.rows === 1 ? '' : 's'} in × ${plural(shape.cols, 'unit')}).`,
          [node.id], [edge.id], 'weights'));
        continue;
      }
      const bad = weights.findIndex((w) => typeof w !== 'number' || !Number.isFinite(w));
      if (bad >= 0) {
        problems.push(problem('error', 'weights-not-finite',
          `${conn} has a weight of ${String(weights[bad])} at position ${bad + 1}: weights must be finite numbers.`,
          [node.id], [edge.id], 'weights'));
      }
    }
  }

  // Warnings: what cannot reach an Output, and inputs never used.
  if (outputs.length > 0) {
    const reaches = new Set<string>(outputs.map((o) => o.id));
    const queue = outputs.map((o) => o.id);
    for (let q = 0; q < queue.length; q++) {
      for (const e of incoming[queue[q]!] ?? []) {
        if (!reaches.has(e.source)) {
          reaches.add(e.source);
          queue.push(e.source);
        }
      }
    }
    for (const node of nodes) {
      if (reaches.has(node.id)) continue;
      if (kindOf(node.type).role === 'input' && (outgoing[node.id] ?? []).length === 0) continue; // reported below
      problems.push(problem('warning', 'cannot-reach-output',
        `${nodeLabel(node)} does not lead to the Output, so it does not affect the prediction and will not learn: connect it onward or remove it.`,
        [node.id]));
    }
  }
  for (const node of nodes) {
    if (kindOf(node.type).role === 'input' && (outgoing[node.id] ?? []).length === 0) {
      problems.push(problem('warning', 'unused-input', `${nodeLabel(node)} is not connected to anything: connect it to a neuron or layer, or remove it.`, [node.id]));
    }
  }

  const parameterCount = countParameters(analysis);
  let workspacePerExample = 0;
  for (const node of nodes) {
    const shape = analysis.shapes[node.id];
    const workspace = kindOf(node.type).workspace;
    if (shape !== undefined && workspace) workspacePerExample += workspace(node as never, shape, firstInputShape(analysis, node.id), true);
  }
  const matrices = weightMatrices(analysis);
  return {
    errors: problems.filter((x) => x.severity === 'error'),
    warnings: problems.filter((x) => x.severity === 'warning'),
    sizes,
    shapes: analysis.shapes,
    parameterCount,
    workspacePerExample,
    memory: {
      fp32: parameterBytes(parameterCount, [], { format: 'fp32' }),
      fp16: parameterBytes(parameterCount, matrices, { format: 'fp16' }),
      int8: parameterBytes(parameterCount, matrices, { format: 'int8', per: 'unit' }),
    },
    analysis,
  };
}

function articleFor(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/**
 * Node slots other than Neuron's and Dense's bias (which their kinds check with their own words): stored values
 * must have the slot's length and be finite.
 */
function nodeSlotProblems(analysis: GraphAnalysis, node: NetworkNode): Problem[] {
  const kind = kindOf(node.type);
  const shape = analysis.shapes[node.id];
  const out: Problem[] = [];
  for (const slot of kind.slots) {
    if (slot.on !== 'node' || slot.name === 'bias' || !slot.read) continue;
    const stored = slot.read(node);
    if (stored === undefined) continue;
    const want = shape === undefined ? null : slot.shape(node, shape, firstInputShape(analysis, node.id));
    const n = want === null ? undefined : shapeSize(want);
    if (!Array.isArray(stored) || (n !== undefined && stored.length !== n)) {
      out.push(problem('error', 'param-wrong-length',
        `${nodeLabel(node)} has ${Array.isArray(stored) ? plural(stored.length, 'value') : 'something that is not a list'} for ${slot.name}${n !== undefined ? ` but needs ${n}` : ''}.`,
        [node.id], [], slot.name));
      continue;
    }
    const bad = stored.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) out.push(problem('error', 'param-not-finite', `${nodeLabel(node)} has ${String(stored[bad])} in ${slot.name} at position ${bad + 1}: it must be a finite number.`, [node.id], [], slot.name));
  }
  return out;
}
