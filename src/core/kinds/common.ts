/**
 * Pieces several kinds share: the weighted sum of Neuron and Dense (z = Σ_e a_src·W_e + b, a = f(z)), the activation
 * reference in float64, field builders for the props schemas, and the example-network builder the tests use.
 * A kind that needs one of these imports it; nothing here knows which kinds exist.
 */
import { z } from 'zod';
import { ACTIVATIONS, ACTIVATION_CONSTANTS } from '../activations';
import { ACTIVATION_NAMES, emptyDocument, type ActivationName, type NetworkDocument, type NetworkEdge, type NetworkNode } from '../document';
import { gemmNN, gemmNT, gemmTN } from '../kernels';
import type {
  CodeContext, ExplainContext, ExplainForward, ExplainTerm, NumpyCode, OnnxExportContext, OnnxImportContext, OnnxOpSchema, PlanNode, PyTorchCode, PyTorchParam,
  RunContext, Workspace,
} from './kind';
import { floats } from './kind';

// ---------------------------------------------------------------------------------------------------------------
// Field builders (the messages are the file format's plain words)

export const finite = () => z.number();
export const positiveInt = () => z.number().int({ error: 'expected a positive integer' }).min(1, { error: 'expected a positive integer' });
export const activationField = () => z.enum(ACTIVATION_NAMES);

// ---------------------------------------------------------------------------------------------------------------
// Weighted sum: Neuron and Dense

const isLinear = (p: PlanNode) => p.activation?.name === 'linear';

export function allocateWeighted(ws: Workspace, p: PlanNode, i: number): void {
  const n = ws.batch * p.size;
  ws.z[i] = floats(ws, n);
  ws.a[i] = isLinear(p) ? ws.z[i]! : floats(ws, n);
  if (p.needsGrad) {
    ws.da[i] = floats(ws, n);
    ws.dz[i] = isLinear(p) ? ws.da[i] : floats(ws, n);
  }
}

/** z = Σ_e a_src·W_e + b,  a = f(z) */
export function forwardWeighted(c: RunContext, p: PlanNode, i: number): void {
  const { ws, params } = c;
  const B = ws.batch;
  const size = p.size;
  const z = ws.z[i]!;
  if (p.bias) {
    const o = p.bias.offset;
    for (let r = 0; r < B; r++) for (let k = 0; k < size; k++) z[r * size + k] = params[o + k]!;
  } else z.fill(0);
  for (let k = 0; k < p.inputs.length; k++) {
    const block = p.blocks[k]!;
    gemmNN(B, size, block.rows, ws.a[p.inputs[k]!]!, 0, params, block.offset, z, 0);
  }
  p.activation!.apply(z, ws.a[i]!, B, size);
}

/** dz = da·f'(z);  dW_e += a_srcᵀ·dz;  db += Σ_rows dz;  da_src += dz·W_eᵀ */
export function backwardWeighted(c: RunContext, p: PlanNode, i: number): void {
  const { ws, params, grads } = c;
  const B = ws.batch;
  const size = p.size;
  const dz = ws.dz[i]!;
  /** dLoss/dz = dLoss/da · f'(z), unless the loss already gave dLoss/dz. */
  if (c.fusedIndex !== i) p.activation!.backprop(ws.z[i]!, ws.a[i]!, ws.da[i]!, dz, B, size);
  if (p.bias) {
    const o = p.bias.offset;
    for (let r = 0; r < B; r++) for (let k = 0; k < size; k++) grads[o + k] += dz[r * size + k]!;
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
}

/** Each unit's z = w₁·x₁ + … + b with its numbers, then a = f(z). */
export function explainWeighted(ctx: ExplainContext<{ activation: ActivationName }>): ExplainForward[] {
  const out: ExplainForward[] = [];
  const bias = ctx.slots.bias;
  for (let unit = 0; unit < ctx.a.length; unit++) {
    const terms: ExplainTerm[] = [];
    ctx.incoming.forEach((edge, k) => {
      const block = ctx.edgeBlocks[edge.id];
      const source = ctx.inputs[k];
      if (!block || !source) return;
      for (let r = 0; r < block.rows; r++) {
        const index = r * block.cols + unit;
        terms.push({ edgeId: edge.id, sourceId: edge.source, sourceUnit: r, index, weight: ctx.params[block.offset + index]!, input: source[r]! });
      }
    });
    out.push({
      nodeId: ctx.id, unit, kind: 'weighted', terms,
      bias: bias ? ctx.params[bias.offset + unit]! : null,
      z: ctx.z![unit]!, activation: ctx.node.activation, a: ctx.a[unit]!,
    });
  }
  return out;
}

/** Gemm(A, W, b) then the activation, where A is the source or Concat(sources) and W stacks the edges' blocks. */
export function exportWeighted(ctx: OnnxExportContext<{ activation: ActivationName }>): string {
  const { plan: p, base, params, inputs } = ctx;
  let a = inputs[0]!;
  if (inputs.length > 1) {
    a = ctx.unique(`${base}/inputs`);
    ctx.add('Concat', a, [...inputs], [a], [ctx.attrInt('axis', 1)]);
  }
  const rows = p.blocks.reduce((s, b) => s + b.rows, 0);
  const w = new Float32Array(rows * p.size);
  let r = 0;
  for (const b of p.blocks) {
    w.set(params.subarray(b.offset, b.offset + b.rows * b.cols), r * p.size);
    r += b.rows;
  }
  const gemmInputs = [a, (ctx.weights ?? ctx.constant)(ctx.unique(`${base}/W`), [rows, p.size], w)];
  if (p.bias) gemmInputs.push(ctx.constant(ctx.unique(`${base}/b`), [p.size], params.subarray(p.bias.offset, p.bias.offset + p.bias.length)));
  const act = ctx.node.activation;
  const zName = act === 'linear' ? base : ctx.unique(`${base}/z`);
  ctx.add('Gemm', zName, gemmInputs, [zName]);
  if (act !== 'linear') ctx.activation(act, base, zName, base);
  return base;
}

/** The plain float64 weighted sum of one example, then the activation. */
export function referenceWeighted(activation: ActivationName, inputs: readonly number[][], weights: readonly number[][], bias: readonly number[] | undefined, units: number): number[] {
  const zs: number[] = [];
  for (let j = 0; j < units; j++) {
    let s = bias?.[j] ?? 0;
    inputs.forEach((v, k) => v.forEach((x, r) => (s += x * weights[k]![r * units + j]!)));
    zs.push(s);
  }
  return referenceActivation(activation, zs);
}

/** An activation in float64 (softmax over the whole vector). */
export function referenceActivation(activation: ActivationName, zs: readonly number[]): number[] {
  if (activation === 'softmax') {
    const m = Math.max(...zs);
    const e = zs.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  }
  const f = ACTIVATIONS[activation].f;
  return zs.map((v) => f(v));
}

/** Import helper: the activation an ONNX operator names, if it is one (checking the attributes Netwright fixes). */
/** An operator's schema (kind.ts, OnnxOpSchema): the first opset with it, its input and output counts, its attributes. */
export const onnxOp = (since: number, inputs: readonly [number, number], outputs: readonly [number, number], attributes: OnnxOpSchema['attributes'] = {}, required: readonly string[] = []): OnnxOpSchema =>
  ({ since, inputs, outputs, attributes, required });

/** Element-wise operators of one input and one output. */
const unary = (attributes: OnnxOpSchema['attributes'] = {}, since = 1) => onnxOp(since, [1, 1], [1, 1], attributes);

/** The schema of each activation operator the importer reads. */
export const ONNX_ACTIVATION_SCHEMAS: Readonly<Record<string, OnnxOpSchema>> = {
  Relu: unary(), LeakyRelu: unary({ alpha: 'float' }), Elu: unary({ alpha: 'float' }), Sigmoid: unary(), Tanh: unary(),
  Gelu: unary({ approximate: 'string' }, 20), Sin: unary({}, 7), Softmax: unary({ axis: 'int' }),
};

export const ONNX_ACTIVATION_OF: Readonly<Record<string, ActivationName>> = {
  Relu: 'relu', LeakyRelu: 'leakyRelu', Elu: 'elu', Sigmoid: 'sigmoid', Tanh: 'tanh', Gelu: 'gelu', Sin: 'sine', Softmax: 'softmax',
};

export function checkActivationAttributes(ctx: OnnxImportContext, activation: ActivationName): void {
  const show = (v: number) => String(Number(v.toPrecision(7)));
  if (activation === 'leakyRelu') {
    const alpha = ctx.floatAttr('alpha', ACTIVATION_CONSTANTS.leakyReluAlpha);
    if (Math.abs(alpha - 0.01) > 1e-7) throw ctx.fail(`LeakyRelu with alpha ${show(alpha)} is not supported (Netwright's leaky ReLU uses 0.01)`);
  }
  if (activation === 'elu') {
    const alpha = ctx.floatAttr('alpha', ACTIVATION_CONSTANTS.eluAlpha);
    if (Math.abs(alpha - 1) > 1e-7) throw ctx.fail(`Elu with alpha ${show(alpha)} is not supported (Netwright's ELU uses 1)`);
  }
  if (activation === 'gelu') {
    const approximate = ctx.attr('approximate')?.s ?? 'none';
    if (approximate !== 'tanh') throw ctx.fail(`Gelu with approximate="${approximate}" is not supported (Netwright's gelu is the tanh approximation)`);
  }
  if (activation === 'softmax') {
    const axis = ctx.intAttr('axis', ctx.opset >= 13 ? -1 : 1);
    if (axis !== -1 && axis !== 1) throw ctx.fail(`Softmax along axis ${axis} is not supported (only the last axis)`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Example networks for the table-driven tests

type EdgeSpec = [source: string, target: string, extra?: Partial<NetworkEdge>];

/**
 * A document of the given nodes and edges (edges numbered e0, e1, …), with the data names x1…xk / y1…ym the nodes
 * use and a fixed seed, so a test can compile it and get the same weights every time.
 */
export function exampleNetwork(name: string, nodes: NetworkNode[], edges: EdgeSpec[]): NetworkDocument {
  const doc = emptyDocument(name);
  return {
    ...doc,
    training: { ...doc.training, seed: 7 },
    nodes,
    edges: edges.map(([source, target, extra], i) => ({ id: `e${i}`, source, target, ...(extra ?? {}) })),
  };
}

/** Node builders for the examples: `at` gives every node the origin as position and its id as name. */
export const origin = { x: 0, y: 0 };

// ---------------------------------------------------------------------------------------------------------------
// Code emitters shared by Neuron and Dense (src/core/exchange: the PyTorch project's model.py, the NumPy script)

/** The inputs side by side: one input as it is, several joined along the features. */
const joined = (inputs: readonly string[], join: string) => (inputs.length === 1 ? inputs[0]! : `${join}([${inputs.join(', ')}], ${join.startsWith('np') ? 'axis' : 'dim'}=1)`);

/** nn.Linear over the inputs joined end to end (the edges' blocks stacked, as in the ONNX export), then the activation. */
export function pytorchWeighted(ctx: CodeContext<{ activation: ActivationName }>): PyTorchCode {
  const { name, plan: p, inputs, edges } = ctx;
  const rows = ctx.inputSizes.reduce((t, s) => t + s, 0);
  const act = ctx.node.activation;
  const x = joined(inputs, 'torch.cat');
  const linear = act === 'linear';
  const z = linear ? name : `${name}_z`;
  const forward = [`${z} = self.${name}(${x})`];
  if (!linear) forward.push(`${name} = ${ctx.activation(act, z)}`);
  const params: PyTorchParam[] = [{ path: `${name}.weight`, parts: edges.map((e) => ({ edge: e.id })), transpose: true, regularized: true }];
  if (p.bias) params.push({ path: `${name}.bias`, parts: [{ slot: 'bias' }], transpose: false, regularized: false });
  return {
    init: [`self.${name} = nn.Linear(${rows}, ${p.size}, bias=${p.bias ? 'True' : 'False'})`],
    forward,
    preactivation: z,
    params,
  };
}

/** z = Σ_e input_e @ w_e + b, a = f(z); backward: dz, then each weight's and input's gradient. */
export function numpyWeighted(ctx: CodeContext<{ activation: ActivationName }>): NumpyCode {
  const { name, plan: p, inputs, edges } = ctx;
  const act = ctx.node.activation;
  const weights = edges.map((e, k) => ({ variable: `w_${inputs[k]}_${name}`, part: { edge: e.id }, shape: [ctx.inputSizes[k]!, p.size] as const }));
  const bias = p.bias ? { variable: `b_${name}`, part: { slot: 'bias' }, shape: [p.size] as const } : null;
  const sum = [...weights.map((w, k) => `${inputs[k]} @ ${w.variable}`), ...(bias ? [bias.variable] : [])].join(' + ');
  const backward = [`d_${name}_z = ${ctx.activationGrad(act, `${name}_z`, name, `d_${name}`)}`];
  weights.forEach((w, k) => {
    backward.push(`g_${w.variable} = ${inputs[k]}.T @ d_${name}_z`);
    backward.push(`d_${inputs[k]} += d_${name}_z @ ${w.variable}.T`);
  });
  if (bias) backward.push(`g_${bias.variable} = d_${name}_z.sum(axis=0)`);
  return {
    forward: [`${name}_z = ${sum}`, `${name} = ${ctx.activation(act, `${name}_z`)}`],
    backward,
    params: [...weights, ...(bias ? [bias] : [])],
  };
}
