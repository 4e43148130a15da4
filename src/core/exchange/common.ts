/**
 * What the code exporters share: Python identifiers from the user's node names, the compiled network they read, and
 * each node's code context (src/core/kinds/kind.ts CodeContext).
 */
import type { ActivationName, NetworkDocument } from '../document';
import type { Dataset } from '../data/types';
import { float32Text } from '../export';
import type { CodeContext, PlanNode } from '../kinds/kind';
import { compilePlan, type CompiledParameters } from '../network/compile';

/** Python's keywords and the names the generated code uses itself. */
const RESERVED = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'match', 'case', 'type',
  'x', 'self', 'torch', 'nn', 'F', 'np', 'json', 'forward', 'logits', 'target', 'lr', 'loss', 'step', 'main', 'print', 'len', 'range',
  'sum', 'min', 'max', 'abs', 'float', 'int', 'list', 'dict', 'object', 'training', 'eval', 'train', 'parameters', 'state_dict',
  // The NumPy script's loss (p, q, d_p) and the window loops of the image kinds (ky, kx).
  'p', 'q', 'ky', 'kx',
]);

/** A Python identifier from a node's name: ASCII letters, digits and _, not starting with a digit, not reserved. */
export function pythonIdentifier(name: string): string {
  let id = name.replace(/ß/g, 'ss').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').replace(/__+/g, '_');
  if (id === '') id = 'node';
  if (/^[0-9]/.test(id)) id = `n_${id}`;
  if (id.startsWith('d_') || id.startsWith('g_') || id.startsWith('w_') || id.startsWith('b_')) id = `n_${id}`;
  if (RESERVED.has(id)) id = `${id}_`;
  return id;
}

/** Each node's identifier (by node id), unique: a repeated name gets _2, _3, … in plan order. */
export function pythonNames(nodes: readonly PlanNode[]): Record<string, string> {
  const used = new Set<string>();
  const out: Record<string, string> = {};
  for (const p of nodes) {
    const base = pythonIdentifier(p.node.name);
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
    used.add(id);
    out[p.id] = id;
  }
  return out;
}

export type Compiled = { ok: true; value: CompiledParameters; names: Record<string, string> } | { ok: false; message: string };

/** The document compiled for export: with the data set's columns when there is one, and `params` when given. */
export function compileForExport(doc: NetworkDocument, what: string, dataset?: Dataset, params?: Float32Array): Compiled {
  const compiled = compilePlan(doc, dataset ? { featureNames: dataset.featureNames, targetNames: dataset.targetNames } : {});
  if (!compiled.ok) return { ok: false, message: `Cannot export ${what}: ${compiled.problems[0]!.message}` };
  if (params) {
    if (params.length !== compiled.value.layout.size) return { ok: false, message: `Cannot export ${what}: ${params.length} parameters were given but the network has ${compiled.value.layout.size}` };
    compiled.value.params.set(params);
  }
  return { ok: true, value: compiled.value, names: pythonNames(compiled.value.plan.nodes) };
}

/** A Python float literal of a float32 value: the shortest decimal that reads back to it. */
export function pyFloat(v: number): string {
  const t = float32Text(v);
  if (t === 'NaN') return 'float("nan")';
  if (t === 'Infinity') return 'float("inf")';
  if (t === '-Infinity') return '-float("inf")';
  return t === '-0' ? '-0.0' : t;
}

/** A Python string literal. */
export const pyString = (s: string): string => JSON.stringify(s);

/** The code context of each plan node, in plan order. */
export function codeContexts(
  c: CompiledParameters, names: Record<string, string>,
  library: { modelInput: string; activation(act: ActivationName, expr: string): string; activationGrad(act: ActivationName, z: string, a: string, da: string): string; literal(values: ArrayLike<number>, shape: readonly number[]): string },
): CodeContext<never>[] {
  const { plan, analysis, params } = c;
  return plan.nodes.map((p) => ({
    node: p.node as never,
    plan: p,
    name: names[p.id]!,
    inputs: p.inputs.map((k) => names[plan.nodes[k]!.id]!),
    inputSizes: p.inputs.map((k) => plan.nodes[k]!.size),
    inputShapes: p.inputs.map((k) => plan.nodes[k]!.shape),
    edges: analysis.incoming[p.id] ?? [],
    modelInput: library.modelInput,
    activation: library.activation,
    activationGrad: library.activationGrad,
    params,
    literal: library.literal,
  }));
}

/** Lines indented by `n` spaces. */
export const indent = (lines: readonly string[], n: number): string[] => lines.map((l) => (l === '' ? '' : ' '.repeat(n) + l));
