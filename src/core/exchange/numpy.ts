/**
 * Export → NumPy script: the network as a short Python script with NumPy only, its weights inline, written by each
 * node kind's own emitter (KindDef.numpy: forward and backward lines). Running it prints the outputs for a few
 * examples (the first rows of the document's data, or the inputs given), the loss against their targets, then takes
 * one plain gradient-descent step (w −= lr·∂L/∂w, the document's loss and learning rate, no momentum or L1/L2) and
 * prints the new weights and outputs: the exercise of the beginner's page, for any network.
 * The loss and its gradient are Netwright's (sum over output units, mean over rows), in their plain form (through
 * the activation's derivative, not fused with it), in float32 throughout.
 */
import type { ActivationName, NetworkDocument } from '../document';
import type { Dataset } from '../data/types';
import { ACTIVATION_CONSTANTS } from '../activations';
import { PROBABILITY_EPSILON } from '../losses';
import { codeContexts, compileForExport, indent, pyFloat } from './common';

/** Each activation in NumPy: its expression, its derivative dL/dz from z, a and dL/da, and the helpers they call. */
const NUMPY_ACTIVATIONS = {
  linear: { f: (z: string) => z, grad: (_z: string, _a: string, da: string) => da, helpers: [] },
  relu: { f: (z: string) => `np.maximum(${z}, 0)`, grad: (z: string, _a: string, da: string) => `${da} * (${z} > 0)`, helpers: [] },
  leakyRelu: {
    f: (z: string) => `np.where(${z} > 0, ${z}, ${ACTIVATION_CONSTANTS.leakyReluAlpha} * ${z})`,
    grad: (z: string, _a: string, da: string) => `${da} * np.where(${z} > 0, np.float32(1), np.float32(${ACTIVATION_CONSTANTS.leakyReluAlpha}))`,
    helpers: [],
  },
  elu: { f: (z: string) => `np.where(${z} > 0, ${z}, np.expm1(np.minimum(${z}, 0)))`, grad: (z: string, a: string, da: string) => `${da} * np.where(${z} > 0, np.float32(1), ${a} + 1)`, helpers: [] },
  sigmoid: { f: (z: string) => `sigmoid(${z})`, grad: (_z: string, a: string, da: string) => `${da} * ${a} * (1 - ${a})`, helpers: ['sigmoid'] },
  tanh: { f: (z: string) => `np.tanh(${z})`, grad: (_z: string, a: string, da: string) => `${da} * (1 - ${a} * ${a})`, helpers: [] },
  gelu: { f: (z: string) => `gelu(${z})`, grad: (z: string, _a: string, da: string) => `${da} * gelu_derivative(${z})`, helpers: ['gelu'] },
  sine: { f: (z: string) => `np.sin(${z})`, grad: (z: string, _a: string, da: string) => `${da} * np.cos(${z})`, helpers: [] },
  softmax: { f: (z: string) => `softmax(${z})`, grad: (_z: string, a: string, da: string) => `${a} * (${da} - (${da} * ${a}).sum(axis=1, keepdims=True))`, helpers: ['softmax'] },
} satisfies Record<ActivationName, { f(z: string): string; grad(z: string, a: string, da: string): string; helpers: string[] }>;

const HELPERS: Record<string, string[]> = {
  sigmoid: ['def sigmoid(z):', '    return 1 / (1 + np.exp(-z))'],
  gelu: [
    'def gelu(z):',
    '    """GELU, tanh approximation (as Netwright and PyTorch\'s approximate="tanh")."""',
    '    return 0.5 * z * (1 + np.tanh(np.float32(np.sqrt(2 / np.pi)) * (z + 0.044715 * z ** 3)))',
    '',
    '',
    'def gelu_derivative(z):',
    '    t = np.tanh(np.float32(np.sqrt(2 / np.pi)) * (z + 0.044715 * z ** 3))',
    '    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * np.float32(np.sqrt(2 / np.pi)) * (1 + 3 * 0.044715 * z * z)',
  ],
  softmax: ['def softmax(z):', '    e = np.exp(z - z.max(axis=1, keepdims=True))', '    return e / e.sum(axis=1, keepdims=True)'],
};

export interface NumpyOptions {
  dataset?: Dataset;
  /** The example rows (values of the data's feature columns); default: the data's first training rows. */
  inputs?: number[][];
  /** Their targets (one value per output unit); default: the data's. */
  targets?: number[][];
  /** The step's learning rate; default: the document's. */
  learningRate?: number;
  params?: Float32Array;
}

export type NumpyResult = { ok: true; script: string } | { ok: false; message: string };

/** The example rows a script shows when none are given. */
export const NUMPY_EXAMPLES = 4;

function arrayLiteral(values: ArrayLike<number>, shape: readonly number[]): string {
  const v = Array.from(values, pyFloat);
  if (shape.length <= 1) return `np.array([${v.join(', ')}], dtype=np.float32)`;
  const cols = shape[1]!;
  const rows: string[] = [];
  for (let r = 0; r < shape[0]!; r++) rows.push(`[${v.slice(r * cols, (r + 1) * cols).join(', ')}]`);
  return `np.array([${rows.join(', ')}], dtype=np.float32)`;
}

export function exportNumpy(doc: NetworkDocument, options: NumpyOptions = {}): NumpyResult {
  const compiled = compileForExport(doc, 'a NumPy script', options.dataset, options.params);
  if (!compiled.ok) return compiled;
  const c = compiled.value;
  const { plan, params } = c;
  const names = compiled.names;
  const used = new Set<string>();
  const contexts = codeContexts(c, names, {
    modelInput: 'x',
    activation: (act, e) => {
      NUMPY_ACTIVATIONS[act].helpers.forEach((h) => used.add(h));
      return NUMPY_ACTIVATIONS[act].f(e);
    },
    activationGrad: (act, z, a, da) => NUMPY_ACTIVATIONS[act].grad(z, a, da),
    literal: arrayLiteral,
  });

  // Examples and targets.
  const width = plan.featureNames.length;
  const outputs = plan.nodes[plan.outputIndex]!.size;
  let inputs = options.inputs;
  let targets = options.targets;
  const ds = options.dataset;
  if (ds && ds.train.n > 0) {
    const rows = Math.min(NUMPY_EXAMPLES, ds.train.n);
    const outW = ds.targetNames.length;
    inputs ??= Array.from({ length: rows }, (_, r) => Array.from(ds.train.x.subarray(r * width, (r + 1) * width)));
    if (!options.inputs) targets ??= Array.from({ length: rows }, (_, r) => Array.from(plan.targetColumns, (k) => ds.train.y[r * outW + k]!));
  }
  inputs ??= [Array.from({ length: width }, () => 0)];
  const badRow = inputs.findIndex((row) => row.length !== width);
  if (badRow >= 0) return { ok: false, message: `Cannot export a NumPy script: example ${badRow + 1} has ${inputs[badRow]!.length} values but the network reads ${width} (${plan.featureNames.join(', ')})` };
  if (targets && (targets.length !== inputs.length || targets.some((t) => t.length !== outputs))) {
    return { ok: false, message: `Cannot export a NumPy script: give one target of ${outputs} value(s) per example (${inputs.length} example(s))` };
  }
  const lr = options.learningRate ?? doc.training.learningRate;

  const paramLines: string[] = [];
  const paramVars: string[] = [];
  const forward: string[] = [];
  const backward: string[][] = [];
  plan.nodes.forEach((p, i) => {
    const code = p.kind.numpy(contexts[i]!);
    forward.push(...code.forward);
    backward.push(code.backward);
    for (const param of code.params) {
      const block = 'edge' in param.part ? c.layout.edges[param.part.edge]! : c.layout.nodes[p.id]![param.part.slot]!;
      const length = 'rows' in block ? block.rows * block.cols : block.length;
      const what = 'edge' in param.part ? `the weights of ${plan.nodes[p.inputs[(c.analysis.incoming[p.id] ?? []).findIndex((e) => 'edge' in param.part && e.id === param.part.edge)]!]!.node.name} → ${p.node.name}` : `the ${param.part.slot} of ${p.node.name}`;
      paramLines.push(`# ${what}`, `${param.variable} = ${arrayLiteral(params.subarray(block.offset, block.offset + length), param.shape)}`);
      paramVars.push(param.variable);
    }
  });
  const out = names[plan.nodes[plan.outputIndex]!.id]!;
  const eps = String(PROBABILITY_EPSILON);
  const lossLines = plan.loss.name === 'mse'
    ? ['loss = ((p - target) ** 2).sum() / len(x)', 'd_p = 2 * (p - target) / len(x)']
    : plan.loss.name === 'binaryCrossEntropy'
      ? [`q = np.clip(p, ${eps}, 1 - ${eps})`, 'loss = -(target * np.log(q) + (1 - target) * np.log(1 - q)).sum() / len(x)', 'd_p = np.where(q == p, (p - target) / (p * (1 - p)), 0) / len(x)']
      : [`q = np.clip(p, ${eps}, 1 - ${eps})`, 'loss = -(target * np.log(q)).sum() / len(x)', 'd_p = np.where(q == p, -target / p, 0) / len(x)'];
  const gradNodes = plan.nodes.filter((_, i) => i !== plan.outputIndex).map((p) => names[p.id]!);
  const helperLines = [...used].sort().flatMap((h) => [...HELPERS[h]!, '', '']);
  const rowsText = (rows: number[][]) => `np.array([${rows.map((r) => `[${r.map(pyFloat).join(', ')}]`).join(', ')}], dtype=np.float32)`;

  const script = [
    `"""${doc.name.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}: the network in NumPy, exported from Netwright.`,
    '',
    'Run it with python3: it prints the outputs for the examples at the end, their loss, then takes one learning step',
    `(each weight w -= lr * dLoss/dw, lr = ${String(lr)}) and prints the new weights and outputs.`,
    'Change a weight below and run it again to watch the outputs move.',
    '"""',
    'import json',
    'import sys',
    '',
    'import numpy as np',
    '',
    `FEATURES = [${plan.featureNames.map((f) => JSON.stringify(f)).join(', ')}]`,
    '',
    '# The parameters (float32): w_<from>_<to> has a row per value of <from> and a column per unit of <to>; b_<node> is a bias.',
    ...paramLines,
    `PARAMETERS = [${paramVars.map((v) => JSON.stringify(v)).join(', ')}]`,
    '',
    '',
    ...helperLines,
    'def forward(x):',
    '    """x: one row per example, one column per FEATURES entry. Returns the network\'s outputs."""',
    '    training = False  # BatchNorm uses its running statistics',
    ...indent(forward, 4),
    `    return ${out}`,
    '',
    '',
    'def learning_step(x, target, lr):',
    `    """One step of gradient descent on the examples x toward target (${plan.loss.name}); returns the loss before it."""`,
    `    global ${paramVars.length > 0 ? paramVars.join(', ') : 'FEATURES'}`,
    '    training = True  # BatchNorm uses the batch\'s statistics and updates its running ones',
    ...indent(forward, 4),
    `    p = ${out}`,
    ...indent(lossLines, 4),
    '    # Backward: each node adds into its inputs\' gradients, from the output back to the inputs.',
    ...indent(gradNodes.map((n) => `d_${n} = np.zeros_like(${n})`), 4),
    `    d_${out} = d_p`,
    ...indent([...backward].reverse().flat(), 4),
    ...indent(paramVars.map((v) => `${v} = ${v} - np.float32(lr) * g_${v}`), 4),
    '    return loss',
    '',
    '',
    `x = ${rowsText(inputs)}`,
    targets ? `target = ${rowsText(targets)}` : `target = np.zeros((${inputs.length}, ${outputs}), dtype=np.float32)  # no data: give your own targets`,
    `lr = ${String(lr)}`,
    '',
    'if __name__ == "__main__":',
    '    np.set_printoptions(precision=4, suppress=True)',
    '    before = forward(x)',
    '    loss = learning_step(x, target, lr)',
    '    after = forward(x)',
    '    if "--json" in sys.argv:',
    '        print(json.dumps({"outputs": before.tolist(), "loss": float(loss), "after": after.tolist(),',
    '                          "parameters": {name: globals()[name].tolist() for name in PARAMETERS}}))',
    '    else:',
    '        print("outputs:")',
    '        for row in before:',
    '            print("  " + " ".join(f"{v:.4f}" for v in row))',
    '        print(f"loss: {loss:.4f}")',
    '        print(f"after one step with lr {lr}:")',
    '        for name in PARAMETERS:',
    '            print(f"  {name} = {globals()[name].tolist()}")',
    '        print("outputs:")',
    '        for row in after:',
    '            print("  " + " ".join(f"{v:.4f}" for v in row))',
    '',
  ].join('\n');
  return { ok: true, script };
}
