/**
 * Losses over a batch: rows = examples, cols = output units, row-major buffers.
 *
 * Conventions (one for all three, so numbers in the explain view add up):
 * - The loss of one example is the SUM over its output units; the batch loss is the MEAN over examples.
 *   mse: Σ_j (p_j − t_j)², so the worked example's loss is (output − 1)².
 *   (TF.js/Keras average over units too; with one output unit the two agree.)
 * - Every gradient is of the batch loss, so it carries the 1/rows factor.
 *
 * Each loss has a plain form on the network's output p and, where it has a link activation, a fused form on the
 * producer's pre-activation z that is stable for any z:
 * - binaryCrossEntropy, link sigmoid: L = max(z, 0) − z·t + log(1 + e^−|z|), dL/dz = sigmoid(z) − t.
 *   Plain form (producer is not sigmoid): p is taken as a probability, clipped to [ε, 1 − ε] with ε = 1e-7.
 * - softmaxCrossEntropy, link softmax: L = logsumexp(z) − Σ t_j z_j (for one-hot t), dL/dz = softmax(z) − t (targets summing to 1 per row: one-hot
 *   or a distribution).
 *   Plain form (producer is not softmax): p is taken as probabilities, L = −Σ t_j log(clip(p_j)).
 * This is Keras' `from_logits=False` contract: the network's output is always what the producer emits.
 */
import type { ActivationName, LossName } from './document';

export const PROBABILITY_EPSILON = 1e-7;

export interface Loss {
  name: LossName;
  /** The activation this loss fuses with, if any. */
  link: ActivationName | null;
  /** Batch loss from outputs p. */
  value(p: Float32Array, t: Float32Array, rows: number, cols: number): number;
  /** dLoss/dp (overwrites dp). */
  gradient(p: Float32Array, t: Float32Array, rows: number, cols: number, dp: Float32Array): void;
  /** Batch loss from the link's pre-activation z (only when link is not null). */
  valueFromLogits(z: Float32Array, t: Float32Array, rows: number, cols: number): number;
  /** dLoss/dz from z's activation a = link(z) (overwrites dz): (a − t) / rows. */
  gradientFromLogits(a: Float32Array, t: Float32Array, rows: number, cols: number, dz: Float32Array): void;
}

/** Fused link gradient shared by both cross-entropies: dL/dz = (link(z) − t) / rows. */
function linkGradient(a: Float32Array, t: Float32Array, rows: number, cols: number, dz: Float32Array): void {
  const n = rows * cols;
  const scale = 1 / rows;
  for (let i = 0; i < n; i++) dz[i] = (a[i] - t[i]) * scale;
}

const clip = (p: number): number => (p < PROBABILITY_EPSILON ? PROBABILITY_EPSILON : p > 1 - PROBABILITY_EPSILON ? 1 - PROBABILITY_EPSILON : p);

export const mse: Loss = {
  name: 'mse',
  link: null,
  value(p, t, rows, cols) {
    let sum = 0;
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const d = p[i] - t[i];
      sum += d * d;
    }
    return sum / rows;
  },
  gradient(p, t, rows, cols, dp) {
    const n = rows * cols;
    const scale = 2 / rows;
    for (let i = 0; i < n; i++) dp[i] = (p[i] - t[i]) * scale;
  },
  valueFromLogits() {
    throw new Error('mse has no link activation to fuse with');
  },
  gradientFromLogits() {
    throw new Error('mse has no link activation to fuse with');
  },
};

export const binaryCrossEntropy: Loss = {
  name: 'binaryCrossEntropy',
  link: 'sigmoid',
  value(p, t, rows, cols) {
    let sum = 0;
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const q = clip(p[i]);
      sum -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
    }
    return sum / rows;
  },
  gradient(p, t, rows, cols, dp) {
    const n = rows * cols;
    const scale = 1 / rows;
    for (let i = 0; i < n; i++) {
      const q = p[i];
      // Inside the clip the derivative of −[t log q + (1−t) log(1−q)]; outside it the clip is flat.
      dp[i] = q < PROBABILITY_EPSILON || q > 1 - PROBABILITY_EPSILON ? 0 : ((q - t[i]) / (q * (1 - q))) * scale;
    }
  },
  valueFromLogits(z, t, rows, cols) {
    let sum = 0;
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const v = z[i];
      sum += Math.max(v, 0) - v * t[i] + Math.log1p(Math.exp(-Math.abs(v)));
    }
    return sum / rows;
  },
  gradientFromLogits: linkGradient,
};

export const softmaxCrossEntropy: Loss = {
  name: 'softmaxCrossEntropy',
  link: 'softmax',
  value(p, t, rows, cols) {
    let sum = 0;
    const n = rows * cols;
    for (let i = 0; i < n; i++) if (t[i] !== 0) sum -= t[i] * Math.log(clip(p[i]));
    return sum / rows;
  },
  gradient(p, t, rows, cols, dp) {
    const n = rows * cols;
    const scale = 1 / rows;
    for (let i = 0; i < n; i++) {
      const q = p[i];
      dp[i] = q < PROBABILITY_EPSILON || q > 1 - PROBABILITY_EPSILON ? 0 : (-t[i] / q) * scale;
    }
  },
  valueFromLogits(z, t, rows, cols) {
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let c = 0; c < cols; c++) if (z[o + c] > max) max = z[o + c];
      let s = 0;
      for (let c = 0; c < cols; c++) s += Math.exp(z[o + c] - max);
      const logSumExp = max + Math.log(s);
      // −Σ t_j log softmax(z)_j = Σ t_j (logsumexp(z) − z_j)
      for (let c = 0; c < cols; c++) if (t[o + c] !== 0) sum += t[o + c] * (logSumExp - z[o + c]);
    }
    return sum / rows;
  },
  gradientFromLogits: linkGradient,
};

export const LOSSES: Readonly<Record<LossName, Loss>> = { mse, binaryCrossEntropy, softmaxCrossEntropy };
