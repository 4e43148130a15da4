/**
 * LayerNorm: normalises each example's values over the last axis, then scales and shifts them with learned gamma and
 * beta (one per position of the last axis). For each row x of the last axis (length c):
 *   μ = Σx/c,  σ² = Σ(x − μ)²/c,  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
 * backward (per row, with g = dy·γ):
 *   dγ += Σ_rows dy·x̂,  dβ += Σ_rows dy,  dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε)
 * Shape: its input's. Slots `gamma` (ones) and `beta` (zeros) on the node, shape [c], not regularised; stored in the
 * file as lists once trained. ONNX: LayerNormalization(X, gamma, beta, axis = −1, epsilon), opset 17.
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { type KindDef, type KindNode, type PlanNode, floats } from './kind';
import { exampleNetwork, finite, onnxOp, origin } from './common';
import { asImage, imageInput } from './image';

const props = z.object({
  /** Added to the variance before the square root, so a row of equal values does not divide by zero. */
  epsilon: finite().gt(0, { error: 'expected a number above 0' }).max(1, { error: 'expected a number of at most 1' }),
  /** The learned scale, one per position of the last axis; absent before the first training. */
  gamma: z.array(finite()).optional(),
  /** The learned shift, likewise. */
  beta: z.array(finite()).optional(),
});
export type LayerNormNode = KindNode<'layerNorm', z.infer<typeof props>>;

/** The length of the last axis, and how many rows of it one batch has. */
const lastAxis = (p: PlanNode) => p.shape[p.shape.length - 1]!;

export const layerNorm: KindDef<'layerNorm', typeof props> = {
  type: 'layerNorm',
  idPrefix: 'norm',
  label: 'LayerNorm',
  description: 'Rescales each example’s values to mean 0 and spread 1, then applies a learned scale (gamma) and shift (beta).',
  props,
  defaults: () => ({ epsilon: 1e-5 }),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: true,
  infer: ({ inputs }) => (inputs.length === 1 && inputs[0] !== undefined ? { shape: inputs[0] } : undefined),
  slots: [
    {
      name: 'gamma', on: 'node', shape: (_node, output) => [output[output.length - 1]!], init: 'ones', regularized: false,
      read: (node) => node.gamma,
      write: (node, values) => ({ ...node, gamma: [...values] }),
      clear: ({ gamma: _dropped, ...node }) => node,
    },
    {
      name: 'beta', on: 'node', shape: (_node, output) => [output[output.length - 1]!], init: 'zeros', regularized: false,
      read: (node) => node.beta,
      write: (node, values) => ({ ...node, beta: [...values] }),
      clear: ({ beta: _dropped, ...node }) => node,
    },
  ],
  allocate(ws, p, i) {
    const n = ws.batch * p.size;
    ws.a[i] = floats(ws, n);
    if (p.needsGrad) ws.da[i] = floats(ws, n);
    // x̂ (batch × size), then 1/√(σ² + ε) of each row, then a row of g = dy·γ for backward.
    ws.scratch[i] = floats(ws, n + n / lastAxis(p) + lastAxis(p));
  },
  forward(c, p, i) {
    const { ws, params } = c;
    const x = ws.a[p.inputs[0]!]!;
    const y = ws.a[i]!;
    const s = ws.scratch[i]!;
    const cols = lastAxis(p);
    const rows = (ws.batch * p.size) / cols;
    const n = ws.batch * p.size;
    const eps = (p.node as LayerNormNode).epsilon;
    const g = p.slots.gamma!.offset;
    const b = p.slots.beta!.offset;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let mean = 0;
      for (let k = 0; k < cols; k++) mean += x[o + k]!;
      mean /= cols;
      let variance = 0;
      for (let k = 0; k < cols; k++) {
        const d = x[o + k]! - mean;
        variance += d * d;
      }
      const rstd = 1 / Math.sqrt(variance / cols + eps);
      s[n + r] = rstd;
      for (let k = 0; k < cols; k++) {
        const xhat = (x[o + k]! - mean) * rstd;
        s[o + k] = xhat;
        y[o + k] = params[g + k]! * xhat + params[b + k]!;
      }
    }
  },
  backward(c, p, i) {
    const { ws, params, grads } = c;
    const dy = ws.da[i]!;
    const s = ws.scratch[i]!;
    const cols = lastAxis(p);
    const n = ws.batch * p.size;
    const rows = n / cols;
    const g = p.slots.gamma!.offset;
    const b = p.slots.beta!.offset;
    const gRow = n + rows;
    const src = p.inputs[0]!;
    const dx = ws.da[src];
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let sumG = 0;
      let sumGX = 0;
      for (let k = 0; k < cols; k++) {
        const d = dy[o + k]!;
        const xhat = s[o + k]!;
        /** dLoss/dγ += dy·x̂,  dLoss/dβ += dy */
        grads[g + k] += d * xhat;
        grads[b + k] += d;
        const gk = d * params[g + k]!;
        s[gRow + k] = gk;
        sumG += gk;
        sumGX += gk * xhat;
      }
      if (!dx) continue;
      const rstd = s[n + r]!;
      const meanG = sumG / cols;
      const meanGX = sumGX / cols;
      /** dLoss/dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε) */
      for (let k = 0; k < cols; k++) dx[o + k] += (s[gRow + k]! - meanG - s[o + k]! * meanGX) * rstd;
    }
  },
  explain(ctx) {
    const x = ctx.inputs[0] ?? new Float32Array(0);
    const g = ctx.slots.gamma;
    const b = ctx.slots.beta;
    // Statistics of each row of the last axis (a vector: the whole value; an image: the channels of one pixel).
    const c = g?.length ?? (x.length || 1);
    const stats = (row: number) => {
      const xs = x.subarray(row * c, row * c + c);
      const mean = xs.reduce((t, v) => t + v, 0) / c;
      return { mean, variance: xs.reduce((t, v) => t + (v - mean) ** 2, 0) / c };
    };
    const show = (v: number) => String(Number(v.toPrecision(6))).replace('-', '−');
    return Array.from(ctx.a, (a, unit) => {
      const { mean, variance } = stats(Math.floor(unit / c));
      const k = unit % c;
      return {
        nodeId: ctx.id, unit, kind: 'formula' as const, terms: [], bias: null, z: x[unit] ?? 0, activation: 'layerNorm', a,
        formula: `a = ${show(g ? ctx.params[g.offset + k]! : 1)}·(${show(x[unit] ?? 0)} − ${show(mean)})/√(${show(variance)} + ${show(ctx.node.epsilon)}) + ${show(b ? ctx.params[b.offset + k]! : 0)} = ${show(a)}`,
      };
    });
  },
  onnx: {
    export(ctx) {
      const { plan: p, params, base } = ctx;
      const gamma = ctx.constant(ctx.unique(`${base}/gamma`), [lastAxis(p)], params.subarray(p.slots.gamma!.offset, p.slots.gamma!.offset + lastAxis(p)));
      const beta = ctx.constant(ctx.unique(`${base}/beta`), [lastAxis(p)], params.subarray(p.slots.beta!.offset, p.slots.beta!.offset + lastAxis(p)));
      const attrs = [ctx.attrInt('axis', -1), ctx.attrFloat('epsilon', ctx.node.epsilon)];
      const img = asImage(p.shape);
      if (!img) {
        ctx.add('LayerNormalization', base, [ctx.inputs[0]!, gamma, beta], [base], attrs);
        return base;
      }
      // An image: over its channels at each pixel, as Netwright computes it, not over the flat row [N, h·w·c]:
      // Reshape to [N, h, w, c], normalise its last axis, and Reshape back.
      const nhwc = ctx.unique(`${base}/nhwc`);
      ctx.add('Reshape', nhwc, [ctx.inputs[0]!, ctx.intConstant(ctx.unique(`${base}/nhwc_shape`), [4], [-1, ...img])], [nhwc]);
      const normed = ctx.unique(`${base}/normed`);
      ctx.add('LayerNormalization', normed, [nhwc, gamma, beta], [normed], attrs);
      ctx.add('Reshape', base, [normed, ctx.intConstant(ctx.unique(`${base}/flat_shape`), [2], [-1, p.size])], [base]);
      return base;
    },
    import: {
      ops: { LayerNormalization: onnxOp(17, [2, 3], [1, 3], { axis: 'int', epsilon: 'float', stash_type: 'int' }) },
      run(ctx) {
        const input = ctx.value(ctx.ins[0] ?? '');
        const from = ctx.sourceOf(input);
        // An image in NHWC (as Netwright exports one) normalises its channels; a [N, size] value its whole row.
        const image = input.kind === 'node' && input.image?.layout === 'nhwc' ? input.image : undefined;
        const width = image ? image.shape[image.shape.length - 1]! : from.size;
        const axis = ctx.intAttr('axis', -1);
        if (axis !== -1 && axis !== (image ? 3 : 1)) throw ctx.fail(`LayerNormalization along axis ${axis} is not supported (only the last axis)`);
        const constant = (name: string | undefined, what: string): number[] | undefined => {
          if (name === undefined) return undefined;
          const v = ctx.value(name);
          if (v.kind !== 'const' || !v.tensor.floats || v.tensor.floats.length !== width) throw ctx.fail(`its ${what} must be a constant float32 tensor of ${width} values`);
          return Array.from(v.tensor.floats);
        };
        const gamma = constant(ctx.ins[1], 'scale');
        const beta = constant(ctx.ins[2], 'bias') ?? new Array<number>(width).fill(0);
        const epsilon = Math.fround(ctx.floatAttr('epsilon', 1e-5));
        const id = ctx.addNode({ id: '', type: 'layerNorm', name: ctx.name, position: { ...origin }, epsilon, gamma, beta });
        ctx.connect(from.id, id);
        ctx.set({ kind: 'node', nodeId: id, size: from.size, ...(image ? { image } : {}) });
      },
    },
  },
  pytorch: (ctx) => ({
    init: [`self.${ctx.name} = nn.LayerNorm(${lastAxis(ctx.plan)}, eps=${String(ctx.node.epsilon)})`],
    // nn.LayerNorm normalises the last axis: an image's channels once its flat rows are [N, h·w, c].
    forward: [asImage(ctx.plan.shape)
      ? `${ctx.name} = self.${ctx.name}(${ctx.inputs[0]!}.reshape(-1, ${ctx.plan.size / lastAxis(ctx.plan)}, ${lastAxis(ctx.plan)})).reshape(-1, ${ctx.plan.size})`
      : `${ctx.name} = self.${ctx.name}(${ctx.inputs[0]!})`],
    params: [
      { path: `${ctx.name}.weight`, parts: [{ slot: 'gamma' }], transpose: false, regularized: false },
      { path: `${ctx.name}.bias`, parts: [{ slot: 'beta' }], transpose: false, regularized: false },
    ],
  }),
  numpy(ctx) {
    const { name } = ctx;
    const x = ctx.inputs[0]!;
    const c = lastAxis(ctx.plan);
    // An image's flat rows as [N, h·w, c], so that axis −1 is its channels (a vector: [N, c] as it is).
    const image = asImage(ctx.plan.shape) !== null;
    const xs = image ? `${name}_in` : x;
    const dy = image ? `${name}_dy` : `d_${name}`;
    const sumAxes = image ? '(0, 1)' : '0';
    return {
      forward: [
        ...(image ? [`${xs} = ${x}.reshape(len(${x}), -1, ${c})`] : []),
        `${name}_mean = ${xs}.mean(axis=-1, keepdims=True)`,
        `${name}_rstd = 1 / np.sqrt(((${xs} - ${name}_mean) ** 2).mean(axis=-1, keepdims=True) + np.float32(${String(ctx.node.epsilon)}))`,
        `${name}_xhat = (${xs} - ${name}_mean) * ${name}_rstd`,
        image ? `${name} = (gamma_${name} * ${name}_xhat + beta_${name}).reshape(len(${x}), -1)` : `${name} = gamma_${name} * ${name}_xhat + beta_${name}`,
      ],
      backward: [
        ...(image ? [`${dy} = d_${name}.reshape(len(${x}), -1, ${c})`] : []),
        `g_gamma_${name} = (${dy} * ${name}_xhat).sum(axis=${sumAxes})`,
        `g_beta_${name} = ${dy}.sum(axis=${sumAxes})`,
        `${name}_g = ${dy} * gamma_${name}`,
        `d_${x} += ((${name}_g - ${name}_g.mean(axis=-1, keepdims=True) - ${name}_xhat * (${name}_g * ${name}_xhat).mean(axis=-1, keepdims=True)) * ${name}_rstd)${image ? `.reshape(len(${x}), -1)` : ''}`,
      ],
      params: [
        { variable: `gamma_${name}`, part: { slot: 'gamma' }, shape: [c] },
        { variable: `beta_${name}`, part: { slot: 'beta' }, shape: [c] },
      ],
    };
  },
  reference(node, inputs, params, _x, _names, shapes) {
    const x = inputs[0]!;
    // Each row of the last axis on its own (a vector: one row; an image: the channels of each pixel).
    const c = shapes[0]?.[shapes[0].length - 1] ?? x.length;
    const gamma = params.node.gamma ?? new Array<number>(c).fill(1);
    const beta = params.node.beta ?? new Array<number>(c).fill(0);
    const out: number[] = [];
    for (let r = 0; r < x.length; r += c) {
      const row = x.slice(r, r + c);
      const mean = row.reduce((t, v) => t + v, 0) / c;
      const variance = row.reduce((t, v) => t + (v - mean) ** 2, 0) / c;
      row.forEach((v, k) => out.push(gamma[k]! * ((v - mean) / Math.sqrt(variance + node.epsilon)) + beta[k]!));
    }
    return out;
  },
  examples: {
    networks: () => [
      exampleNetwork('layer norm between two layers, with trained gamma and beta', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2', 'x3'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 4, activation: 'linear', useBias: true },
        { id: 'ln', type: 'layerNorm', name: 'ln', position: origin, epsilon: 1e-5, gamma: [1.5, 0.5, -1, 2], beta: [0.1, -0.2, 0.3, 0] },
        { id: 'g', type: 'dense', name: 'g', position: origin, units: 2, activation: 'tanh', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['h', 'ln'], ['ln', 'g'], ['g', 'out']]),
      exampleNetwork('layer norm of a convolution\'s feature maps (over the channels at each pixel)', [
        imageInput('a', [3, 3, 1]),
        { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 3, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', activation: 'tanh', useBias: true },
        { id: 'ln', type: 'layerNorm', name: 'ln', position: origin, epsilon: 1e-5, gamma: [1.5, 0.5, -1], beta: [0.1, -0.2, 0.3] },
        { id: 'f', type: 'flatten', name: 'f', position: origin },
        { id: 'g', type: 'dense', name: 'g', position: origin, units: 2, activation: 'tanh', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'c'], ['c', 'ln'], ['ln', 'f'], ['f', 'g'], ['g', 'out']]),
      exampleNetwork('layer norm straight into the output, fresh gamma and beta', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'sigmoid', useBias: true },
        { id: 'ln', type: 'layerNorm', name: 'ln', position: origin, epsilon: 0.01 },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2', 'y3'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['h', 'ln'], ['ln', 'out']]),
    ],
    wrongArity: () => exampleNetwork('layer norm with two inputs', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1'] },
      { id: 'b', type: 'input', name: 'b', position: origin, features: ['x2'] },
      { id: 'ln', type: 'layerNorm', name: 'ln', position: origin, epsilon: 1e-5 },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'ln'], ['b', 'ln'], ['ln', 'out']]),
    wrongShape: () => ({ none: 'LayerNorm normalises over the last axis of any shape' }),
  },
};
