/**
 * TensorFlow.js peer: the same MLP as tf.variables, trained with tf.train.sgd on the CPU or WASM backend.
 *
 * Run as its documentation suggests: every batch is made once, as its own tensor, before anything is timed (cutting
 * batches with tf.slice from one big tensor costs ~18 ms per call on the WASM backend, whatever the batch, so the
 * benchmark measured slicing); the timed loop holds only what a training or inference step costs. The WASM backend
 * runs its best binary here: SIMD where WebAssembly SIMD validates; threads where tfjs allows them (it turns them off
 * under Node, https://github.com/tensorflow/tfjs/issues/3830, so one thread here).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BenchData, BenchImpl, PeerConfig, Scenario } from '../common';
import { cnnShapes, largestProduct, timePerCall } from '../common';

export interface TfjsConfig extends PeerConfig {
  tfjs: string;
  backend: string;
  /** WASM only: tfjs' own probes, and the threads XNNPACK runs with. */
  WASM_HAS_SIMD_SUPPORT?: boolean;
  WASM_HAS_MULTITHREAD_SUPPORT?: boolean;
  threads?: number;
}

/** The folder holding the WASM binaries (plain, SIMD, threaded SIMD): tfjs picks one by its probes. */
export function wasmBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

/** Start a backend at its best configuration and say what it is. */
export async function startTfjs(backend: 'cpu' | 'wasm'): Promise<TfjsConfig> {
  // A prefix (not one fixed file) so tfjs loads the SIMD or threaded-SIMD binary when its probes allow them.
  if (backend === 'wasm') setWasmPaths(wasmBinaryFolder());
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  await tf.ready();
  const config: TfjsConfig = { tfjs: tf.version.tfjs, backend: tf.getBackend() };
  if (backend === 'wasm') {
    config.WASM_HAS_SIMD_SUPPORT = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    config.WASM_HAS_MULTITHREAD_SUPPORT = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
    config.threads = getThreadsCount();
  }
  config.mode = backend === 'wasm'
    ? `tfjs ${config.tfjs} wasm, SIMD ${config.WASM_HAS_SIMD_SUPPORT ? 'on' : 'off'}, ${config.threads} thread${config.threads === 1 ? '' : 's'}${config.WASM_HAS_MULTITHREAD_SUPPORT ? '' : ' (tfjs allows no WASM threads under Node)'}`
    : `tfjs ${config.tfjs} cpu (plain JS kernels; tfjs-node, the native binding, is not installed)`;
  return config;
}

const tfConv = (x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D => tf.conv2d(x, w, 1, 'valid');

/**
 * The filter gradient of a stride-1 'valid' tf.conv2d with wasm ops only. tfjs-wasm 4.22 has no
 * Conv2DBackpropFilter kernel (training any conv net on it throws "Kernel 'Conv2DBackpropFilter' not registered for
 * backend 'wasm'", https://github.com/tensorflow/tfjs/issues/8474, open), so a tfjs-wasm user who wants to train
 * one must supply it. The cheapest way in its own ops is one more convolution, which runs in XNNPACK:
 *   dW[ky, kx, ci, f] = Σ_{b,oy,ox} x[b, oy+ky, ox+kx, ci] · dy[b, oy, ox, f]
 *                     = conv2d(xᵀ [ci, h, w, b], dyᵀ [oh, ow, b, f])[ci, ky, kx, f].
 * The input gradient is tfjs' own (tf.conv2dTranspose, the Conv2DBackpropInput kernel wasm has).
 */
function wasmFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const r = tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, 'valid');
  return tf.transpose(r, [1, 2, 0, 3]);
}
const wasmConvWith = (inputGrad: boolean) => tf.customGrad((x, w, save) => {
  const xs = x as tf.Tensor4D;
  const ws = w as tf.Tensor4D;
  (save as tf.GradSaveFunc)([xs, ws]);
  return {
    value: tf.conv2d(xs, ws, 1, 'valid'),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      const d = dy as tf.Tensor4D;
      // The first layer's input is the data: tfjs' own gradient would not compute its gradient either.
      return [inputGrad ? tf.conv2dTranspose(d, sw, sx.shape, 1, 'valid') : tf.zerosLike(sx), wasmFilterGrad(sx, d)];
    },
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
const wasmConv = wasmConvWith(true);
const wasmConvFirst = wasmConvWith(false);

export function tfjsImpl(backend: 'cpu' | 'wasm'): BenchImpl & { config(): TfjsConfig } {
  let s: Scenario;
  let ws: tf.Variable[] = [];
  let bs: tf.Variable[] = [];
  /** Every batch of the data set, made once before timing ([batch, h, w, c] for a CNN). */
  let xs: tf.Tensor[] = [];
  let ys: tf.Tensor2D[] = [];
  let optimizer: tf.Optimizer;
  let cursor = 0;
  let config: TfjsConfig;

  /** A CNN as tfjs' own ops: tf.conv2d (NHWC, 'valid'), tf.maxPool, tf.reshape, tf.matMul. */
  const cnnLogits = (x: tf.Tensor): tf.Tensor2D => {
    let h: tf.Tensor = x;
    let l = 0;
    for (const layer of s.cnn!.layers) {
      if (layer.kind === 'conv') {
        const conv = backend === 'wasm' ? (l === 0 ? wasmConvFirst : wasmConv) : tfConv;
        h = tf.relu(tf.add(conv(h as tf.Tensor4D, ws[l] as tf.Tensor4D), bs[l]!));
        l++;
      } else if (layer.kind === 'maxPool') h = tf.maxPool(h as tf.Tensor4D, layer.size, layer.size, 'valid');
      else if (layer.kind === 'flatten') h = tf.reshape(h, [s.batch, -1]);
      else {
        const z = tf.add(tf.matMul(h as tf.Tensor2D, ws[l] as tf.Tensor2D), bs[l]!);
        // The last layer's softmax is the loss's (softmaxCrossEntropy takes logits).
        h = layer.activation === 'relu' ? tf.relu(z) : z;
        l++;
      }
    }
    return h as tf.Tensor2D;
  };

  const logits = (x: tf.Tensor): tf.Tensor2D => {
    if (s.cnn) return cnnLogits(x);
    let h = x as tf.Tensor2D;
    for (let l = 0; l < ws.length; l++) {
      const z = tf.add(tf.matMul(h, ws[l]), bs[l]) as tf.Tensor2D;
      h = l === ws.length - 1 ? z : s.hidden === 'tanh' ? tf.tanh(z) : tf.relu(z);
    }
    return h;
  };

  const next = (): number => {
    const k = cursor;
    cursor = (cursor + 1) % xs.length;
    return k;
  };

  return {
    name: `tfjs-${backend}`,
    supports: () => true,
    config: () => config,
    async setup(scenario: Scenario, data: BenchData) {
      s = scenario;
      config = await startTfjs(backend);
      const sizes = s.sizes;
      const nIn = sizes[0];
      const nOut = sizes[sizes.length - 1];
      if (s.cnn) {
        const shaped = cnnShapes(s.cnn).filter((l) => l.layer.kind === 'conv' || l.layer.kind === 'dense');
        ws = data.weights.map((w, l) => {
          const { layer, input, output } = shaped[l]!;
          return tf.variable(layer.kind === 'conv' ? tf.tensor4d(w, [layer.kernel, layer.kernel, input[2]!, output[2]!]) : tf.tensor2d(w, [input[0]!, output[0]!]));
        });
      } else ws = data.weights.map((w, l) => tf.variable(tf.tensor2d(w, [sizes[l], sizes[l + 1]])));
      bs = data.biases.map((b) => tf.variable(tf.tensor1d(b)));
      xs = [];
      ys = [];
      const xShape = s.cnn ? [s.batch, ...s.cnn.image] : [s.batch, nIn];
      for (let r = 0; r + s.batch <= s.samples; r += s.batch) {
        xs.push(tf.tensor(data.x.slice(r * nIn, (r + s.batch) * nIn), xShape));
        ys.push(tf.tensor2d(data.y.slice(r * nOut, (r + s.batch) * nOut), [s.batch, nOut]));
      }
      optimizer = tf.train.sgd(s.learningRate);
    },
    async run(count: number) {
      let last = 0;
      for (let i = 0; i < count; i++) {
        const k = next();
        if (s.mode === 'train') {
          const wantCost = i === count - 1;
          const cost = tf.tidy(() => {
            const c = optimizer.minimize(() => {
              const z = logits(xs[k]);
              return s.output === 'sigmoid' ? tf.losses.sigmoidCrossEntropy(ys[k], z) : tf.losses.softmaxCrossEntropy(ys[k], z);
            }, wantCost);
            return c ?? tf.scalar(0);
          });
          if (wantCost) last = (await cost.data())[0];
          cost.dispose();
        } else {
          const out = tf.tidy(() => {
            const z = logits(xs[k]);
            return s.output === 'sigmoid' ? tf.sigmoid(z) : tf.softmax(z);
          });
          // Read the result back, as a user of the output would.
          last = (await out.data())[0];
          out.dispose();
        }
      }
      return last;
    },
    /** tf.matMul of the largest product of a step (a dense layer, or a convolution's im2col product), read back, on this backend. */
    async largestMatmulMs() {
      const { M, K, N } = largestProduct(s);
      const a = tf.randomNormal([M, K]) as tf.Tensor2D;
      const b = tf.randomNormal([K, N]) as tf.Tensor2D;
      const ms = await timePerCall(async () => {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      });
      a.dispose();
      b.dispose();
      return ms;
    },
  };
}
