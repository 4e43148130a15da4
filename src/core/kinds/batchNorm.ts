/**
 * BatchNorm: normalises each channel (the last axis: an image's channels, a vector's features) with statistics of
 * the batch while training and with running statistics otherwise, then scales and shifts it with learned gamma and
 * beta. Over the m = batch·h·w values x of a channel:
 *   training:   μ = Σx/m,  σ² = Σ(x − μ)²/m,  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β;
 *               running mean ← momentum·mean + (1 − momentum)·μ, running variance likewise with σ²
 *   inference:  x̂ = (x − mean)/√(variance + ε),  y = γ·x̂ + β  (an affine map per channel)
 * backward, training (g = dy·γ): dγ += Σ dy·x̂, dβ += Σ dy, dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε);
 * backward, inference: dx = g/√(variance + ε), dmean = −Σ g/√(var + ε), dvariance = −½ Σ g·(x − mean)·(var + ε)^−3/2
 * (the exact gradient of the inference function; training never takes this path, so the running statistics move only
 * by their update).
 * Slots on the node, shape [c], not regularised: gamma (ones), beta (zeros), mean (zeros), variance (ones): all four
 * are saved in the file. ONNX: BatchNormalization (inference form) on [N, c] or on NCHW.
 */
import { z } from 'zod';
import type { NetworkNode } from '../document';
import { exampleNetwork, finite, onnxOp, origin } from './common';
import { asImage, fromNchw, imageInput, toNchw } from './image';
import { type KindDef, type KindNode, type PlanNode, floats } from './kind';

const props = z.object({
  /** How much of the running statistics each training batch keeps: running ← momentum·running + (1 − momentum)·batch. */
  momentum: finite().min(0, { error: 'expected a number from 0 to 1' }).max(1, { error: 'expected a number from 0 to 1' }),
  epsilon: finite().gt(0, { error: 'expected a number above 0' }).max(1, { error: 'expected a number of at most 1' }),
  gamma: z.array(finite()).optional(),
  beta: z.array(finite()).optional(),
  /** The running mean and variance of each channel, used outside training; absent before the first training. */
  mean: z.array(finite()).optional(),
  variance: z.array(finite()).optional(),
});
export type BatchNormNode = KindNode<'batchNorm', z.infer<typeof props>>;

const channels = (p: PlanNode) => p.shape[p.shape.length - 1]!;

const slot = (name: 'gamma' | 'beta' | 'mean' | 'variance', init: 'zeros' | 'ones') => ({
  name, on: 'node' as const, init, regularized: false,
  shape: (_node: BatchNormNode, output: readonly number[]) => [output[output.length - 1]!],
  read: (node: BatchNormNode) => node[name],
  write: (node: BatchNormNode, values: readonly number[]) => ({ ...node, [name]: [...values] }),
  clear: (node: BatchNormNode) => {
    const { [name]: _dropped, ...rest } = node;
    return rest as BatchNormNode;
  },
});

export const batchNorm: KindDef<'batchNorm', typeof props> = {
  type: 'batchNorm',
  idPrefix: 'bn',
  label: 'BatchNorm',
  description: 'Rescales each channel to mean 0 and spread 1 over the batch (running averages when not training), then applies a learned scale and shift.',
  props,
  defaults: () => ({ momentum: 0.9, epsilon: 1e-5 }),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: true,
  infer: ({ inputs }) => (inputs.length === 1 && inputs[0] !== undefined ? { shape: inputs[0] } : undefined),
  slots: [slot('gamma', 'ones'), slot('beta', 'zeros'), slot('mean', 'zeros'), slot('variance', 'ones')],
  allocate(ws, p, i) {
    const n = ws.batch * p.size;
    ws.a[i] = floats(ws, n);
    if (p.needsGrad) ws.da[i] = floats(ws, n);
    // x̂ (batch × size), then 1/√(σ² + ε) of each channel, then two sums per channel for backward.
    ws.scratch[i] = floats(ws, n + 3 * channels(p));
  },
  forward(c, p, i) {
    const { ws, params } = c;
    const x = ws.a[p.inputs[0]!]!;
    const y = ws.a[i]!;
    const s = ws.scratch[i]!;
    const C = channels(p);
    const n = ws.batch * p.size;
    const rows = n / C;
    const node = p.node as BatchNormNode;
    const g = p.slots.gamma!.offset;
    const b = p.slots.beta!.offset;
    const rm = p.slots.mean!.offset;
    const rv = p.slots.variance!.offset;
    const rstd = s.subarray(n, n + C);
    const mean = s.subarray(n + C, n + 2 * C);
    if (ws.training) {
      mean.fill(0);
      for (let r = 0; r < rows; r++) for (let k = 0; k < C; k++) mean[k] += x[r * C + k]!;
      for (let k = 0; k < C; k++) mean[k] /= rows;
      const variance = s.subarray(n + 2 * C, n + 3 * C).fill(0);
      for (let r = 0; r < rows; r++) for (let k = 0; k < C; k++) {
        const d = x[r * C + k]! - mean[k]!;
        variance[k] += d * d;
      }
      const m = node.momentum;
      for (let k = 0; k < C; k++) {
        variance[k] /= rows;
        rstd[k] = 1 / Math.sqrt(variance[k]! + node.epsilon);
        params[rm + k] = m * params[rm + k]! + (1 - m) * mean[k]!;
        params[rv + k] = m * params[rv + k]! + (1 - m) * variance[k]!;
      }
    } else {
      for (let k = 0; k < C; k++) {
        mean[k] = params[rm + k]!;
        rstd[k] = 1 / Math.sqrt(params[rv + k]! + node.epsilon);
      }
    }
    for (let r = 0; r < rows; r++) for (let k = 0; k < C; k++) {
      const e = r * C + k;
      const xhat = (x[e]! - mean[k]!) * rstd[k]!;
      s[e] = xhat;
      y[e] = params[g + k]! * xhat + params[b + k]!;
    }
  },
  backward(c, p, i) {
    const { ws, params, grads } = c;
    const dy = ws.da[i]!;
    const s = ws.scratch[i]!;
    const C = channels(p);
    const n = ws.batch * p.size;
    const rows = n / C;
    const g = p.slots.gamma!.offset;
    const b = p.slots.beta!.offset;
    const rstd = s.subarray(n, n + C);
    const sumG = s.subarray(n + C, n + 2 * C).fill(0);
    const sumGX = s.subarray(n + 2 * C, n + 3 * C).fill(0);
    for (let r = 0; r < rows; r++) for (let k = 0; k < C; k++) {
      const e = r * C + k;
      const d = dy[e]!;
      /** dLoss/dγ += dy·x̂,  dLoss/dβ += dy */
      grads[g + k] += d * s[e]!;
      grads[b + k] += d;
      const gk = d * params[g + k]!;
      sumG[k] += gk;
      sumGX[k] += gk * s[e]!;
    }
    const dx = ws.da[p.inputs[0]!];
    if (ws.training) {
      if (!dx) return;
      /** dLoss/dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε) */
      for (let r = 0; r < rows; r++) for (let k = 0; k < C; k++) {
        const e = r * C + k;
        dx[e] += (dy[e]! * params[g + k]! - sumG[k]! / rows - s[e]! * (sumGX[k]! / rows)) * rstd[k]!;
      }
      return;
    }
    const rm = p.slots.mean!.offset;
    const rv = p.slots.variance!.offset;
    for (let k = 0; k < C; k++) {
      /** dLoss/dmean = −Σg/√(var + ε);  dLoss/dvariance = −½·Σ g·x̂ /(var + ε) */
      grads[rm + k] -= sumG[k]! * rstd[k]!;
      grads[rv + k] -= 0.5 * sumGX[k]! * rstd[k]! * rstd[k]!;
    }
    if (!dx) return;
    /** dLoss/dx = dy·γ/√(var + ε) */
    for (let r = 0; r < rows; r++) for (let k = 0; k < C; k++) dx[r * C + k] += dy[r * C + k]! * params[g + k]! * rstd[k]!;
  },
  onnx: {
    export(ctx) {
      const { plan: p, params, base } = ctx;
      const C = channels(p);
      const slotTensor = (name: 'gamma' | 'beta' | 'mean' | 'variance') => ctx.constant(ctx.unique(`${base}/${name}`), [C], params.subarray(p.slots[name]!.offset, p.slots[name]!.offset + C));
      const img = asImage(p.shape);
      const x = img ? toNchw(ctx, ctx.inputs[0]!, img) : ctx.inputs[0]!;
      const out = img ? ctx.unique(`${base}/bn`) : base;
      ctx.add('BatchNormalization', out, [x, slotTensor('gamma'), slotTensor('beta'), slotTensor('mean'), slotTensor('variance')], [out],
        [ctx.attrFloat('epsilon', ctx.node.epsilon), ctx.attrFloat('momentum', ctx.node.momentum)]);
      return img ? fromNchw(ctx, out, p.shape, base) : base;
    },
    import: {
      ops: { BatchNormalization: onnxOp(9, [5, 5], [1, 3], { epsilon: 'float', momentum: 'float', training_mode: 'int', spatial: 'int' }) },
      run(ctx) {
        const v = ctx.value(ctx.ins[0] ?? '');
        const image = v.kind === 'node' ? v.image : undefined;
        if (image && image.layout !== 'nchw') throw ctx.fail('BatchNormalization of an image is supported only in NCHW layout');
        if (ctx.onnx.outputs.filter((o) => o !== '').length > 1 || ctx.intAttr('training_mode', 0) !== 0) throw ctx.fail('BatchNormalization in training mode is not supported (only its inference form)');
        const from = ctx.sourceOf(v);
        const C = image ? asImage(image.shape)![2] : from.size;
        const constant = (k: number, what: string): number[] => {
          const t = ctx.value(ctx.ins[k] ?? '');
          if (t.kind !== 'const' || !t.tensor.floats || t.tensor.floats.length !== C) throw ctx.fail(`its ${what} must be a constant float32 tensor of ${C} values`);
          return Array.from(t.tensor.floats);
        };
        const node: BatchNormNode = {
          id: '', type: 'batchNorm', name: ctx.name, position: { ...origin },
          momentum: Math.fround(ctx.floatAttr('momentum', 0.9)), epsilon: Math.fround(ctx.floatAttr('epsilon', 1e-5)),
          gamma: constant(1, 'scale'), beta: constant(2, 'bias'), mean: constant(3, 'mean'), variance: constant(4, 'variance'),
        };
        const id = ctx.addNode(node);
        ctx.connect(from.id, id);
        ctx.set(image ? { kind: 'node', nodeId: id, size: from.size, image } : { kind: 'node', nodeId: id, size: from.size });
      },
    },
  },
  // Written out rather than nn.BatchNorm: PyTorch's momentum is 1 − Netwright's, and it updates the running variance
  // with the unbiased batch variance where Netwright (as Keras) uses the biased one. The values are flat NHWC rows,
  // so each channel is a column of x.reshape(-1, C).
  pytorch(ctx) {
    const { name, plan: p } = ctx;
    const C = channels(p);
    const x = ctx.inputs[0]!;
    const m = String(ctx.node.momentum);
    const eps = String(ctx.node.epsilon);
    return {
      init: [
        `self.${name} = nn.Module()`,
        `self.${name}.gamma = nn.Parameter(torch.ones(${C}))`,
        `self.${name}.beta = nn.Parameter(torch.zeros(${C}))`,
        `self.${name}.register_buffer("mean", torch.zeros(${C}))`,
        `self.${name}.register_buffer("variance", torch.ones(${C}))`,
      ],
      forward: [
        `${name}_x = ${x}.reshape(-1, ${C})`,
        'if self.training:',
        `    ${name}_mean = ${name}_x.mean(dim=0)`,
        `    ${name}_variance = ((${name}_x - ${name}_mean) ** 2).mean(dim=0)`,
        '    with torch.no_grad():',
        `        self.${name}.mean.mul_(${m}).add_(${name}_mean.detach(), alpha=1 - ${m})`,
        `        self.${name}.variance.mul_(${m}).add_(${name}_variance.detach(), alpha=1 - ${m})`,
        'else:',
        `    ${name}_mean, ${name}_variance = self.${name}.mean, self.${name}.variance`,
        `${name} = (self.${name}.gamma * (${name}_x - ${name}_mean) / torch.sqrt(${name}_variance + ${eps}) + self.${name}.beta).reshape(-1, ${p.size})`,
      ],
      params: (['gamma', 'beta', 'mean', 'variance'] as const).map((slot) => ({ path: `${name}.${slot}`, parts: [{ slot }], transpose: false, regularized: false })),
    };
  },
  numpy(ctx) {
    const { name, plan: p } = ctx;
    const C = channels(p);
    const x = ctx.inputs[0]!;
    const m = String(ctx.node.momentum);
    const v = (slot: string) => `${slot}_${name}`;
    return {
      forward: [
        `${name}_x = ${x}.reshape(-1, ${C})`,
        'if training:',
        `    ${name}_mu = ${name}_x.mean(axis=0)`,
        `    ${name}_var = ((${name}_x - ${name}_mu) ** 2).mean(axis=0)`,
        `    # The running statistics: running = ${m} * running + (1 - ${m}) * batch`,
        `    ${v('mean')}[...] = np.float32(${m}) * ${v('mean')} + np.float32(1 - ${m}) * ${name}_mu`,
        `    ${v('variance')}[...] = np.float32(${m}) * ${v('variance')} + np.float32(1 - ${m}) * ${name}_var`,
        'else:',
        `    ${name}_mu, ${name}_var = ${v('mean')}, ${v('variance')}`,
        `${name}_rstd = 1 / np.sqrt(${name}_var + np.float32(${String(ctx.node.epsilon)}))`,
        `${name}_xhat = (${name}_x - ${name}_mu) * ${name}_rstd`,
        `${name} = (${v('gamma')} * ${name}_xhat + ${v('beta')}).reshape(len(${x}), ${p.size})`,
      ],
      // The step is a training step: the batch's statistics (the running ones move by their update, not by gradient).
      backward: [
        `${name}_dy = d_${name}.reshape(-1, ${C})`,
        `g_${v('gamma')} = (${name}_dy * ${name}_xhat).sum(axis=0)`,
        `g_${v('beta')} = ${name}_dy.sum(axis=0)`,
        `g_${v('mean')} = np.zeros_like(${v('mean')})`,
        `g_${v('variance')} = np.zeros_like(${v('variance')})`,
        `${name}_g = ${name}_dy * ${v('gamma')}`,
        `d_${x} += ((${name}_g - ${name}_g.mean(axis=0) - ${name}_xhat * (${name}_g * ${name}_xhat).mean(axis=0)) * ${name}_rstd).reshape(len(${x}), -1)`,
      ],
      params: (['gamma', 'beta', 'mean', 'variance'] as const).map((slot) => ({ variable: v(slot), part: { slot }, shape: [C] })),
    };
  },
  reference(node, inputs, params) {
    const x = inputs[0]!;
    const C = params.node.gamma!.length;
    return x.map((v, e) => {
      const k = e % C;
      return params.node.gamma![k]! * (v - params.node.mean![k]!) / Math.sqrt(params.node.variance![k]! + node.epsilon) + params.node.beta![k]!;
    });
  },
  examples: {
    networks: () => [
      exampleNetwork('batch norm per feature between two layers, with running statistics', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2', 'x3'] },
        { id: 'h', type: 'dense', name: 'h', position: origin, units: 3, activation: 'linear', useBias: true },
        { id: 'bn', type: 'batchNorm', name: 'bn', position: origin, momentum: 0.9, epsilon: 1e-3, gamma: [1.5, 0.5, -1], beta: [0.1, -0.2, 0.3], mean: [0.2, -0.1, 0.5], variance: [0.8, 1.7, 0.4] },
        { id: 'g', type: 'dense', name: 'g', position: origin, units: 2, activation: 'tanh', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'h'], ['h', 'bn'], ['bn', 'g'], ['g', 'out']]),
      exampleNetwork('batch norm per channel of a convolution, fresh statistics', [
        imageInput('a', [3, 3, 2]),
        { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 2, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: false },
        { id: 'bn', type: 'batchNorm', name: 'bn', position: origin, momentum: 0.99, epsilon: 1e-5 },
        { id: 'f', type: 'flatten', name: 'f', position: origin },
        { id: 'g', type: 'dense', name: 'g', position: origin, units: 2, activation: 'linear', useBias: true },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
      ] satisfies NetworkNode[], [['a', 'c'], ['c', 'bn'], ['bn', 'f'], ['f', 'g'], ['g', 'out']]),
    ],
    wrongArity: () => exampleNetwork('batch norm with two inputs', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1'] },
      { id: 'b', type: 'input', name: 'b', position: origin, features: ['x2'] },
      { id: 'bn', type: 'batchNorm', name: 'bn', position: origin, momentum: 0.9, epsilon: 1e-5 },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'bn'], ['b', 'bn'], ['bn', 'out']]),
    wrongShape: () => ({ none: 'BatchNorm normalises the last axis of any shape: per feature for vectors, per channel for images' }),
  },
};
