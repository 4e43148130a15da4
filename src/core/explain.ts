/**
 * Explain mode: one example through the network, number by number, for learners and teachers.
 *
 *   forward   each Neuron/Dense unit:  z = w₁·x₁ + w₂·x₂ + … + b,  a = f(z)   (Activation nodes: a = f(z))
 *   loss      the Output's loss on this example, with its formula and numbers
 *   backward  from the loss toward the inputs: each unit's dL/da and dL/dz, each weight's and bias's dL/dparam
 *   update    one plain SGD step on this example alone: new = old − lr · dL/dparam
 *
 * Every number is the core's own (net.explain: float32 values), so what a learner reads is what training computes.
 * The update is plain SGD whatever the training optimiser is: it is the textbook step the lesson explains.
 */
import type { NetworkDocument } from './document';
import { kindOf } from './kinds';
import type { ExplainForward } from './kinds/kind';
import { compileNetwork, type CompileOptions, type Network } from './network';

export type { ExplainForward, ExplainTerm } from './kinds/kind';

export interface ExplainLoss {
  name: string;
  value: number;
  /** The loss with this example's numbers, e.g. "L = (0.450166 − 1)² = 0.302317". */
  formula: string;
  output: number[];
  target: number[];
}

export type ExplainBackward =
  | { kind: 'unit'; nodeId: string; unit: number; /** dL/da */ outputGrad: number; /** dL/dz (null: no pre-activation) */ preactivationGrad: number | null }
  | { kind: 'weight'; edgeId: string; index: number; sourceUnit: number; unit: number; grad: number }
  | { kind: 'bias'; nodeId: string; index: number; biasGrad: number }
  /** Another node slot (LayerNorm's gamma, beta). */
  | { kind: 'param'; nodeId: string; slot: string; index: number; grad: number };

export type ExplainUpdate =
  | { kind: 'weight'; edgeId: string; index: number; old: number; new: number; grad: number }
  | { kind: 'bias'; nodeId: string; index: number; old: number; new: number; grad: number }
  | { kind: 'param'; nodeId: string; slot: string; index: number; old: number; new: number; grad: number };

export interface ExplainStep {
  x: number[];
  y: number[];
  learningRate: number;
  /** In topological order. */
  forward: ExplainForward[];
  loss: ExplainLoss;
  /** From the loss back toward the inputs: each node's units, then the weights and biases into it. */
  backward: ExplainBackward[];
  /** Every parameter, in the order of `backward`. */
  update: ExplainUpdate[];
}

export type ExplainResult = { ok: true; step: ExplainStep } | { ok: false; message: string; field?: 'x' | 'y' | 'learningRate' | 'document' };

export interface ExplainOptions extends Pick<CompileOptions, 'featureNames' | 'targetNames'> {
  /** Parameters to explain instead of the document's (e.g. a training snapshot's), in the network's layout. */
  params?: Float32Array;
}

/** Compile `doc` and explain one SGD step on the example (x, y). Never throws for bad input: it says what is wrong. */
export function explainStep(
  doc: NetworkDocument,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  learningRate: number,
  options: ExplainOptions = {},
): ExplainResult {
  const compileOptions: CompileOptions = {};
  if (options.featureNames) compileOptions.featureNames = options.featureNames;
  if (options.targetNames) compileOptions.targetNames = options.targetNames;
  const compiled = compileNetwork(doc, compileOptions);
  if (!compiled.ok) {
    return { ok: false, field: 'document', message: `The network cannot be explained yet: ${compiled.problems.map((p) => p.message).join(' ')}` };
  }
  const net = compiled.net;
  if (options.params) {
    if (options.params.length !== net.params.length) {
      return { ok: false, field: 'document', message: `The weights have ${options.params.length} values but the network needs ${net.params.length}.` };
    }
    net.setParams(options.params);
  }
  return explainNetwork(net, x, y, learningRate);
}

/** Explain one SGD step on an already compiled network (its parameters are left unchanged). */
export function explainNetwork(net: Network, x: ArrayLike<number>, y: ArrayLike<number>, learningRate: number): ExplainResult {
  if (!Number.isFinite(learningRate) || learningRate <= 0) {
    return { ok: false, field: 'learningRate', message: `The learning rate must be a positive number; got ${learningRate}.` };
  }
  const checked = checkVector('x', x, net.featureNames) ?? checkVector('y', y, net.targetNames);
  if (checked) return checked;
  const xs = Float32Array.from(x);
  const ys = Float32Array.from(y);
  const ex = net.explain(xs, ys);
  const { analysis, layout, params } = net;
  const nodes = analysis.nodesById;

  const forward: ExplainForward[] = [];
  for (const id of analysis.order) {
    const node = nodes[id];
    const info = ex.nodes[id];
    if (!node || !info) continue;
    const kind = kindOf(node.type);
    if (!kind.explain) continue;
    const incoming = analysis.incoming[id] ?? [];
    forward.push(...kind.explain({
      node, id, z: info.z, a: info.a, inputs: incoming.map((e) => ex.nodes[e.source]?.a ?? new Float32Array(0)), incoming,
      edgeBlocks: layout.edges, slots: layout.nodes[id] ?? {}, params,
    }));
  }

  const outputNode = nodes[net.outputNodeId];
  const outputKind = outputNode ? kindOf(outputNode.type) : undefined;
  const lossName = outputNode && outputKind?.loss ? outputKind.loss(outputNode) : 'mse';
  const target = Array.from(net.targetColumns, (c) => ys[c]!);
  const output = Array.from(ex.output);
  const loss: ExplainLoss = { name: lossName, value: ex.loss, formula: lossFormula(lossName, output, target, ex.loss), output, target };

  const backward: ExplainBackward[] = [];
  const update: ExplainUpdate[] = [];
  const step = (old: number, grad: number) => Math.fround(old - learningRate * grad);
  for (let k = analysis.order.length - 1; k >= 0; k--) {
    const id = analysis.order[k]!;
    const node = nodes[id];
    const info = ex.nodes[id];
    const role = node ? kindOf(node.type).role : undefined;
    if (!node || !info || role === 'output' || role === 'input' || info.outputGrad === null) continue;
    for (let unit = 0; unit < info.a.length; unit++) {
      backward.push({ kind: 'unit', nodeId: id, unit, outputGrad: info.outputGrad[unit]!, preactivationGrad: info.preactivationGrad ? info.preactivationGrad[unit]! : null });
    }
    for (const [slot, block] of Object.entries(layout.nodes[id] ?? {})) {
      for (let index = 0; index < block.length; index++) {
        const grad = ex.grads[block.offset + index]!;
        const old = params[block.offset + index]!;
        if (slot === 'bias') {
          backward.push({ kind: 'bias', nodeId: id, index, biasGrad: grad });
          update.push({ kind: 'bias', nodeId: id, index, old, new: step(old, grad), grad });
        } else {
          backward.push({ kind: 'param', nodeId: id, slot, index, grad });
          update.push({ kind: 'param', nodeId: id, slot, index, old, new: step(old, grad), grad });
        }
      }
    }
    for (const edge of analysis.incoming[id] ?? []) {
      const block = layout.edges[edge.id];
      if (!block) continue;
      for (let index = 0; index < block.rows * block.cols; index++) {
        const grad = ex.grads[block.offset + index]!;
        const old = params[block.offset + index]!;
        backward.push({ kind: 'weight', edgeId: edge.id, index, sourceUnit: Math.floor(index / block.cols), unit: index % block.cols, grad });
        update.push({ kind: 'weight', edgeId: edge.id, index, old, new: step(old, grad), grad });
      }
    }
  }
  return { ok: true, step: { x: Array.from(xs), y: Array.from(ys), learningRate, forward, loss, backward, update } };
}

function checkVector(field: 'x' | 'y', values: ArrayLike<number>, names: readonly string[]): ExplainResult | null {
  const what = field === 'x' ? 'input' : 'target';
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    return { ok: false, field, message: `The example's ${what} values must be a list of numbers.` };
  }
  if (values.length !== names.length) {
    return { ok: false, field, message: `The example needs ${names.length} ${what} value${names.length === 1 ? '' : 's'} (${names.join(', ')}); it has ${values.length}.` };
  }
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) {
      return { ok: false, field, message: `The example's ${what} "${names[i]}" must be a finite number; got ${String(values[i])}.` };
    }
  }
  return null;
}

/** A short, readable number: up to 6 significant digits, no trailing zeros, a real minus sign. */
export function explainNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const text = abs >= 1e-4 && abs < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(3);
  return text.replace('-', '−');
}

function lossFormula(name: string, output: number[], target: number[], value: number): string {
  const n = explainNumber;
  const parts = output.map((p, i) => ({ p, t: target[i] ?? 0 }));
  const signed = (t: number) => (t < 0 ? `(${n(t)})` : n(t));
  let body: string;
  if (name === 'mse') {
    body = parts.map(({ p, t }) => `(${n(p)} − ${signed(t)})²`).join(' + ');
  } else if (name === 'binaryCrossEntropy') {
    body = parts.map(({ p, t }) => `−[${n(t)}·ln ${n(p)} + (1 − ${n(t)})·ln(1 − ${n(p)})]`).join(' + ');
  } else {
    const k = parts.findIndex(({ t }) => t === Math.max(...target));
    body = `−ln ${n(parts[k]?.p ?? NaN)}`;
  }
  return `L = ${body} = ${n(value)}`;
}

/** The formula of one forward unit with its numbers, e.g. "z = 0.5·1 + (−0.3)·2 + 0.3 = 0.2". */
export function forwardFormula(f: ExplainForward): string {
  const n = explainNumber;
  const wrap = (v: number) => (v < 0 ? `(${n(v)})` : n(v));
  if (f.kind === 'activation') return `a = ${f.activation}(${n(f.z)}) = ${n(f.a)}`;
  if (f.kind === 'formula') return f.formula ?? `a = ${n(f.a)}`;
  const pieces = f.terms.map((t) => `${wrap(t.weight)}·${wrap(t.input)}`);
  if (f.bias !== null) pieces.push(wrap(f.bias));
  return `z = ${pieces.length > 0 ? pieces.join(' + ') : '0'} = ${n(f.z)}`;
}
