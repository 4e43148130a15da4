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
import { NODE_TYPES } from './nodes';

export type { Problem, ProblemCode } from './graph';

export interface MemoryEstimate {
  /** Bytes for all parameters at 4, 2 and 1 byte each. */
  fp32: number;
  fp16: number;
  int8: number;
}

export interface ValidationReport {
  errors: Problem[];
  warnings: Problem[];
  /** Output size of every node whose size can be inferred. */
  sizes: Record<string, number>;
  /** Weights of every block into a Neuron or Dense (whose size is known) plus biases. */
  parameterCount: number;
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
    if (node?.type === 'dropout') return ins.length === 1 ? [ins[0]!.source] : [];
    if (node?.type === 'concat') return ins.map((e) => e.source);
    return [];
  };
  const resolve = (id: string): ActivationName | undefined => {
    const node = analysis.nodesById[id];
    if (node === undefined) return undefined;
    switch (node.type) {
      case 'neuron':
      case 'dense':
      case 'activation':
        return node.activation;
      case 'dropout': {
        const ins = inputsOf(id);
        return ins.length === 1 ? (known.get(ins[0]!) ?? undefined) : undefined;
      }
      case 'concat': {
        const acts = inputsOf(id).map((source) => known.get(source) ?? undefined);
        const first = acts[0];
        if (first === undefined || first === 'softmax' || !acts.every((a) => a === first)) return undefined;
        return first;
      }
      default:
        return undefined;
    }
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

export function countParameters(analysis: GraphAnalysis): number {
  let count = 0;
  for (const node of Object.values(analysis.nodesById)) {
    if (node.type === 'neuron') count += 1;
    else if (node.type === 'dense') {
      if (node.useBias !== false && analysis.sizes[node.id] !== undefined) count += analysis.sizes[node.id]!;
    } else continue;
    for (const edge of analysis.incoming[node.id] ?? []) {
      const shape = edgeBlockShape(analysis, edge);
      if (shape) count += shape.rows * shape.cols;
    }
  }
  return count;
}

export function validateDocument(doc: NetworkDocument): ValidationReport {
  const analysis = analyzeGraph(doc);
  const problems: Problem[] = [...analysis.problems];
  const { nodesById, incoming, outgoing, sizes } = analysis;
  const nodes: NetworkNode[] = Object.values(nodesById);
  const outputs = nodes.filter((n) => n.type === 'output');

  if (outputs.length === 0) {
    problems.push(problem('error', 'no-output', 'The network has no Output: add one and connect your last layer into it, so it knows what to predict.', []));
  } else if (outputs.length > 1) {
    problems.push(problem('error', 'multiple-outputs',
      `The network has ${outputs.length} Outputs (${outputs.map((o) => nodeLabel(o)).join(', ')}): keep one. A network here trains one prediction with one loss.`,
      outputs.map((o) => o.id)));
  }

  for (const node of nodes) {
    const label = nodeLabel(node);
    switch (node.type) {
      case 'output': {
        const targets = Array.isArray(node.targets) ? node.targets : [];
        if (targets.length === 0) {
          problems.push(problem('error', 'no-targets', `${label} has no target column: choose what it should predict.`, [node.id], [], 'targets'));
        }
        const ins = incoming[node.id] ?? [];
        const size = sizes[node.id];
        if (ins.length !== 1 || size === undefined) break;
        const source = ins[0]!.source;
        const act = finalActivation(analysis, source);
        const from = nodeLabel(nodesById[source]);
        const sourceType = nodesById[source]!.type;
        /** What is wrong with the producer and how to fix it, after "but <producer> …". */
        const fix = (who: string, got: ActivationName | undefined, want: ActivationName, output: string) =>
          sourceType === 'neuron' || sourceType === 'dense' || sourceType === 'activation'
            ? `has a ${got} activation: give ${who} a ${want} activation`
            : `${got === undefined ? 'is not squashed by any activation' : `ends in a ${got} activation`}: put a ${want} Activation between ${who} and ${output}`;
        if (node.loss === 'binaryCrossEntropy') {
          if (size !== 1) {
            problems.push(problem('error', 'loss-activation-mismatch',
              `${label} uses binary cross-entropy, which compares one probability with a 0/1 target, but receives ${plural(size, 'value')}: feed it a single sigmoid unit, or use softmax cross-entropy for several classes.`,
              [node.id, source], [ins[0]!.id], 'loss'));
          } else if (act !== 'sigmoid') {
            problems.push(problem('error', 'loss-activation-mismatch',
              `${label} uses binary cross-entropy, which needs a probability between 0 and 1, but ${from} ${fix(from, act, 'sigmoid', label)}.`,
              [node.id, source], [ins[0]!.id], 'loss'));
          }
        } else if (node.loss === 'softmaxCrossEntropy') {
          if (size < 2) {
            problems.push(problem('error', 'loss-activation-mismatch',
              `${label} uses softmax cross-entropy, which needs one value per class (at least 2), but receives ${plural(size, 'value')}: use binary cross-entropy with a sigmoid for a yes/no target.`,
              [node.id, source], [ins[0]!.id], 'loss'));
          } else if (act !== 'softmax') {
            problems.push(problem('error', 'loss-activation-mismatch',
              `${label} uses softmax cross-entropy, which needs class probabilities, but ${from} ${fix(from, act, 'softmax', label)}.`,
              [node.id, source], [ins[0]!.id], 'loss'));
          }
        }
        break;
      }
      case 'dropout':
        if (typeof node.rate !== 'number' || !Number.isFinite(node.rate) || node.rate < 0 || node.rate >= 1) {
          problems.push(problem('error', 'invalid-dropout-rate',
            `${label} drops a fraction of ${String(node.rate)}: the rate must be at least 0 and below 1 (e.g. 0.2 drops one value in five).`,
            [node.id], [], 'rate'));
        }
        break;
      case 'neuron':
        if (typeof node.bias !== 'number' || !Number.isFinite(node.bias)) {
          problems.push(problem('error', 'bias-not-finite', `${label} has a bias of ${String(node.bias)}: a bias must be a finite number.`, [node.id], [], 'bias'));
        }
        break;
      case 'dense':
        if (node.bias !== undefined) {
          const units = sizes[node.id];
          if (!Array.isArray(node.bias) || (units !== undefined && node.bias.length !== units)) {
            problems.push(problem('error', 'bias-wrong-length',
              `${label} has ${Array.isArray(node.bias) ? plural(node.bias.length, 'bias', 'biases') : 'a bias that is not a list'}${units !== undefined ? ` but ${plural(units, 'unit')}: it needs one bias per unit` : ''}.`,
              [node.id], [], 'bias'));
          } else {
            const bad = node.bias.findIndex((b) => typeof b !== 'number' || !Number.isFinite(b));
            if (bad >= 0) {
              problems.push(problem('error', 'bias-not-finite', `${label} has a bias of ${String(node.bias[bad])} for unit ${bad + 1}: biases must be finite numbers.`, [node.id], [], 'bias'));
            }
          }
        }
        break;
      default:
        break;
    }

    // Softmax placement.
    if ((node.type === 'neuron' || node.type === 'dense' || node.type === 'activation') && node.activation === 'softmax') {
      const size = sizes[node.id];
      if (node.type === 'neuron' || size === 1) {
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
      if (!NODE_TYPES[node.type].weighted) {
        problems.push(problem('error', 'weights-on-unweighted',
          `${conn} carries weights, but ${nodeLabel(node)} is ${articleFor(NODE_TYPES[node.type].label)} ${NODE_TYPES[node.type].label}, which has no weights: only connections into a Neuron or a Dense layer do.`,
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
      if (node.type === 'input' && (outgoing[node.id] ?? []).length === 0) continue; // reported below
      problems.push(problem('warning', 'cannot-reach-output',
        `${nodeLabel(node)} does not lead to the Output, so it does not affect the prediction and will not learn: connect it onward or remove it.`,
        [node.id]));
    }
  }
  for (const node of nodes) {
    if (node.type === 'input' && (outgoing[node.id] ?? []).length === 0) {
      problems.push(problem('warning', 'unused-input', `${nodeLabel(node)} is not connected to anything: connect it to a neuron or layer, or remove it.`, [node.id]));
    }
  }

  const parameterCount = countParameters(analysis);
  return {
    errors: problems.filter((x) => x.severity === 'error'),
    warnings: problems.filter((x) => x.severity === 'warning'),
    sizes,
    parameterCount,
    memory: { fp32: parameterCount * 4, fp16: parameterCount * 2, int8: parameterCount },
    analysis,
  };
}

function articleFor(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
