/**
 * Activations, each travelling with its derivative, registered in one table keyed by the names saved in files.
 *
 * Elementwise activations give `f(z)` and `df(z, a)` = da/dz, expressed from whichever of z and a = f(z) is exact
 * and cheap (sigmoid and tanh from a; relu from z; ...). `apply`/`backprop` run the same maths over a batch buffer;
 * the hot ones (linear, relu, tanh, sigmoid) have their own loops so no call happens per element.
 *
 * softmax is vector-wise (over the units of one example) and has no scalar f/df: its `backprop` is the
 * Jacobian-vector product dz_j = a_j (da_j − Σ_k da_k a_k). It is meant to sit right before an Output with a
 * softmax cross-entropy loss, where the loss fuses with it (see losses.ts), but the maths is correct anywhere.
 *
 * gelu uses the tanh approximation (Hendrycks & Gimpel; PyTorch `approximate='tanh'`, ONNX Gelu approximate="tanh"):
 * gelu(z) = ½ z (1 + tanh(√(2/π)(z + 0.044715 z³))). It is exact to implement and to cross-check by composition.
 */
import type { ActivationName } from './document';

export interface Activation {
  /** The name saved in files. */
  name: ActivationName;
  /** Vector-wise (softmax): f and df are not defined per element. */
  vectorWise: boolean;
  /** a = f(z) for one element (NaN for vector-wise activations). */
  f(z: number): number;
  /** da/dz for one element, from z and a = f(z) (NaN for vector-wise activations). */
  df(z: number, a: number): number;
  /** a[r, c] = f(z[r, c]) over a rows × cols buffer. `a` may be `z` (in place). */
  apply(z: Float32Array, a: Float32Array, rows: number, cols: number): void;
  /** dz = da · f'(z) (overwrites dz; `dz` may be `da`) over a rows × cols buffer; for softmax the Jacobian-vector product per row. */
  backprop(z: Float32Array, a: Float32Array, da: Float32Array, dz: Float32Array, rows: number, cols: number): void;
}

/** Logistic sigmoid that never overflows: for z < 0 it is computed as e^z / (1 + e^z). */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

const LEAKY_ALPHA = 0.01;
const ELU_ALPHA = 1;
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

function gelu(z: number): number {
  return 0.5 * z * (1 + Math.tanh(GELU_C * (z + GELU_K * z * z * z)));
}
/** d/dz of the tanh-approximate gelu. */
function geluDerivative(z: number): number {
  const t = Math.tanh(GELU_C * (z + GELU_K * z * z * z));
  return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * z * z);
}

/** An elementwise activation whose batch loops call f/df per element (fine for the less common ones). */
function elementwise(name: ActivationName, f: (z: number) => number, df: (z: number, a: number) => number): Activation {
  return {
    name,
    vectorWise: false,
    f,
    df,
    apply(z, a, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) a[i] = f(z[i]);
    },
    backprop(z, a, da, dz, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) dz[i] = da[i] * df(z[i], a[i]);
    },
  };
}

const linear: Activation = {
  name: 'linear',
  vectorWise: false,
  f: (z) => z,
  df: () => 1,
  apply(z, a, rows, cols) {
    if (a === z) return;
    const n = rows * cols;
    for (let i = 0; i < n; i++) a[i] = z[i]!;
  },
  backprop(_z, _a, da, dz, rows, cols) {
    if (dz === da) return;
    const n = rows * cols;
    for (let i = 0; i < n; i++) dz[i] = da[i]!;
  },
};

const relu: Activation = {
  name: 'relu',
  vectorWise: false,
  f: (z) => (z > 0 ? z : 0),
  // At the kink z = 0 the derivative is taken as 0 (as TF.js and PyTorch do).
  df: (z) => (z > 0 ? 1 : 0),
  apply(z, a, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const v = z[i];
      a[i] = v > 0 ? v : 0;
    }
  },
  backprop(z, _a, da, dz, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) dz[i] = z[i] > 0 ? da[i] : 0;
  },
};

const tanh: Activation = {
  name: 'tanh',
  vectorWise: false,
  f: Math.tanh,
  df: (_z, a) => 1 - a * a,
  apply(z, a, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]);
  },
  backprop(_z, a, da, dz, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const v = a[i];
      dz[i] = da[i] * (1 - v * v);
    }
  },
};

const sigmoidActivation: Activation = {
  name: 'sigmoid',
  vectorWise: false,
  f: sigmoid,
  df: (_z, a) => a * (1 - a),
  apply(z, a, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) a[i] = sigmoid(z[i]);
  },
  backprop(_z, a, da, dz, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const v = a[i];
      dz[i] = da[i] * v * (1 - v);
    }
  },
};

const softmax: Activation = {
  name: 'softmax',
  vectorWise: true,
  f: () => NaN,
  df: () => NaN,
  apply(z, a, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let c = 0; c < cols; c++) if (z[o + c] > max) max = z[o + c];
      let sum = 0;
      for (let c = 0; c < cols; c++) {
        const e = Math.exp(z[o + c] - max);
        a[o + c] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let c = 0; c < cols; c++) a[o + c] *= inv;
    }
  },
  backprop(_z, a, da, dz, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += da[o + c] * a[o + c];
      for (let c = 0; c < cols; c++) dz[o + c] = a[o + c] * (da[o + c] - dot);
    }
  },
};

export const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = {
  linear,
  relu,
  leakyRelu: elementwise('leakyRelu', (z) => (z > 0 ? z : LEAKY_ALPHA * z), (z) => (z > 0 ? 1 : LEAKY_ALPHA)),
  // elu: for z ≤ 0, a = α(e^z − 1), so da/dz = α e^z = a + α.
  elu: elementwise('elu', (z) => (z > 0 ? z : ELU_ALPHA * Math.expm1(z)), (z, a) => (z > 0 ? 1 : a + ELU_ALPHA)),
  sigmoid: sigmoidActivation,
  tanh,
  gelu: elementwise('gelu', gelu, (z) => geluDerivative(z)),
  sine: elementwise('sine', Math.sin, (z) => Math.cos(z)),
  softmax,
};

/** The constants the activations use, for documentation and for exporters (ONNX, PyTorch code). */
export const ACTIVATION_CONSTANTS = { leakyReluAlpha: LEAKY_ALPHA, eluAlpha: ELU_ALPHA, gelu: 'tanh-approximation' } as const;
