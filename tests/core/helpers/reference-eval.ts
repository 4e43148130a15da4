/**
 * A deliberately naive reference evaluator: one example at a time, in float64, straight from the document's
 * definitions (src/core/document.ts), sharing no code with the engine or the graph analysis. Every weight and bias
 * must be present. Dropout is evaluated as at inference time (identity).
 *
 * Activation constants follow the engine's table: leakyRelu α = 0.01, elu α = 1, gelu is the tanh approximation,
 * relu'(0) is irrelevant here (values only).
 */
import type { ActivationName, NetworkDocument, NetworkEdge, NetworkNode } from '../../../src/core/document';
import { createRng } from '../../../src/core/random';

/** The node kinds this reference evaluator computes (image kinds have their own float64 reference in the kinds table). */
export const EVALUATED_KINDS: ReadonlySet<string> = new Set(['input', 'neuron', 'dense', 'activation', 'dropout', 'output', 'add', 'concat']);

export type Example = Record<string, number>;

export function activate(name: ActivationName, z: number[]): number[] {
  switch (name) {
    case 'linear': return z.slice();
    case 'relu': return z.map((v) => (v > 0 ? v : 0));
    case 'leakyRelu': return z.map((v) => (v > 0 ? v : 0.01 * v));
    case 'elu': return z.map((v) => (v > 0 ? v : Math.exp(v) - 1));
    case 'sigmoid': return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh': return z.map((v) => Math.tanh(v));
    case 'gelu': return z.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    case 'sine': return z.map((v) => Math.sin(v));
    case 'softmax': {
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    }
  }
}

/** Every node's output vector for one example (feature name → value). Throws on anything it cannot evaluate. */
export function evaluateAll(doc: NetworkDocument, example: Example): Map<string, number[]> {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const values = new Map<string, number[]>();
  const visiting = new Set<string>();
  const into = (id: string): NetworkEdge[] => doc.edges.filter((e) => e.target === id);

  const value = (id: string): number[] => {
    const cached = values.get(id);
    if (cached) return cached;
    if (visiting.has(id)) throw new Error(`cycle at ${id}`);
    visiting.add(id);
    const node = byId.get(id);
    if (!node) throw new Error(`unknown node ${id}`);
    const out = compute(node);
    visiting.delete(id);
    values.set(id, out);
    return out;
  };

  const weightedSum = (node: NetworkNode, units: number, bias: number[]): number[] => {
    const z = bias.slice();
    for (const e of into(node.id)) {
      const x = value(e.source);
      if (!e.weights) throw new Error(`edge ${e.id} has no weights`);
      if (e.weights.length !== x.length * units) throw new Error(`edge ${e.id} has ${e.weights.length} weights, expected ${x.length * units}`);
      for (let i = 0; i < x.length; i++) for (let j = 0; j < units; j++) z[j]! += x[i]! * e.weights[i * units + j]!;
    }
    return z;
  };

  const compute = (node: NetworkNode): number[] => {
    const ins = into(node.id);
    switch (node.type) {
      case 'input':
        return node.features.map((f) => {
          if (!(f in example)) throw new Error(`example has no feature ${f}`);
          return example[f]!;
        });
      case 'neuron':
        return activate(node.activation, weightedSum(node, 1, [node.bias]));
      case 'dense': {
        let bias = new Array<number>(node.units).fill(0);
        if (node.useBias) {
          if (!node.bias) throw new Error(`dense ${node.id} has no bias`);
          bias = node.bias.slice();
        }
        return activate(node.activation, weightedSum(node, node.units, bias));
      }
      case 'activation':
        return activate(node.activation, value(ins[0]!.source));
      case 'dropout':
      case 'output':
        if (ins.length !== 1) throw new Error(`${node.id} needs one input`);
        return value(ins[0]!.source).slice();
      case 'add': {
        const vs = ins.map((e) => value(e.source));
        return vs[0]!.map((_, i) => vs.reduce((a, v) => a + v[i]!, 0));
      }
      case 'concat': {
        const key = (e: NetworkEdge) => e.order ?? Infinity;
        const sorted = [...ins].sort((a, b) => (key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) : a.id < b.id ? -1 : 1));
        return sorted.flatMap((e) => value(e.source));
      }
      default:
        // Kinds added since this evaluator was written are checked by tests/core/kinds against their own reference.
        throw new Error(`this evaluator does not know the kind "${node.type}"`);
    }
  };

  for (const node of doc.nodes) value(node.id);
  return values;
}

/** The value of the (single) Output node for one example. */
export function evaluate(doc: NetworkDocument, example: Example): number[] {
  const output = doc.nodes.find((n) => n.type === 'output');
  if (!output) throw new Error('no output');
  return evaluateAll(doc, example).get(output.id)!;
}

/** Every feature name the Inputs of a document read. */
export function featureNames(doc: NetworkDocument): string[] {
  return doc.nodes.flatMap((n) => (n.type === 'input' ? n.features : []));
}

/** A random example over the document's features, values in [-2, 2). */
export function randomExample(doc: NetworkDocument, seed: number): Example {
  const rng = createRng(seed);
  return Object.fromEntries(featureNames(doc).map((f) => [f, rng.uniform(-2, 2)]));
}

/**
 * The document with every weight block and bias filled with random values in [-1, 1), rounded to float32 like a
 * Float32Array would hold them. Block sizes come from the sizes given (node id → output size).
 */
export function withRandomWeights(doc: NetworkDocument, sizes: Record<string, number>, seed: number): NetworkDocument {
  const rng = createRng(seed);
  const r = () => Math.fround(rng.uniform(-1, 1));
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.type === 'neuron') return { ...n, bias: r() };
      if (n.type === 'dense') return n.useBias ? { ...n, bias: Array.from({ length: n.units }, r) } : n;
      return n;
    }),
    edges: doc.edges.map((e) => {
      const target = byId.get(e.target);
      if (!target || (target.type !== 'neuron' && target.type !== 'dense')) return e;
      const cols = target.type === 'neuron' ? 1 : target.units;
      return { ...e, weights: Array.from({ length: sizes[e.source]! * cols }, r) };
    }),
  };
}
