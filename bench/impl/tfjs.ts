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
import { largestLayer, timePerCall } from '../common';

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

export function tfjsImpl(backend: 'cpu' | 'wasm'): BenchImpl & { config(): TfjsConfig } {
  let s: Scenario;
  let ws: tf.Variable[] = [];
  let bs: tf.Variable[] = [];
  /** Every batch of the data set, made once before timing. */
  let xs: tf.Tensor2D[] = [];
  let ys: tf.Tensor2D[] = [];
  let optimizer: tf.Optimizer;
  let cursor = 0;
  let config: TfjsConfig;

  const logits = (x: tf.Tensor2D): tf.Tensor2D => {
    let h: tf.Tensor2D = x;
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
      ws = data.weights.map((w, l) => tf.variable(tf.tensor2d(w, [sizes[l], sizes[l + 1]])));
      bs = data.biases.map((b) => tf.variable(tf.tensor1d(b)));
      xs = [];
      ys = [];
      for (let r = 0; r + s.batch <= s.samples; r += s.batch) {
        xs.push(tf.tensor2d(data.x.slice(r * nIn, (r + s.batch) * nIn), [s.batch, nIn]));
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
    /** tf.matMul of the largest layer at the batch's shape, read back, on this backend. */
    async largestMatmulMs() {
      const { m, n } = largestLayer(s);
      const a = tf.randomNormal([s.batch, m]) as tf.Tensor2D;
      const b = tf.randomNormal([m, n]) as tf.Tensor2D;
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
