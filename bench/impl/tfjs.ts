/** TensorFlow.js peer: the same MLP as tf.variables, trained with tf.train.sgd on the CPU or WASM backend. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BenchData, BenchImpl, Scenario } from '../common';

export function tfjsImpl(backend: 'cpu' | 'wasm'): BenchImpl {
  let s: Scenario;
  let ws: tf.Variable[] = [];
  let bs: tf.Variable[] = [];
  let xAll: tf.Tensor2D;
  let yAll: tf.Tensor2D;
  let optimizer: tf.Optimizer;
  let cursor = 0;

  const logits = (x: tf.Tensor2D): tf.Tensor2D => {
    let h: tf.Tensor2D = x;
    for (let l = 0; l < ws.length; l++) {
      const z = tf.add(tf.matMul(h, ws[l]), bs[l]) as tf.Tensor2D;
      h = l === ws.length - 1 ? z : s.hidden === 'tanh' ? tf.tanh(z) : tf.relu(z);
    }
    return h;
  };

  const nextBatch = (): [tf.Tensor2D, tf.Tensor2D] => {
    if (cursor + s.batch > s.samples) cursor = 0;
    const x = tf.slice(xAll, [cursor, 0], [s.batch, -1]);
    const y = tf.slice(yAll, [cursor, 0], [s.batch, -1]);
    cursor += s.batch;
    return [x, y];
  };

  return {
    name: `tfjs-${backend}`,
    supports: () => true,
    async setup(scenario: Scenario, data: BenchData) {
      s = scenario;
      if (backend === 'wasm') {
        const require = createRequire(import.meta.url);
        const pkg = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
        setWasmPaths(join(pkg, 'dist') + '/');
      }
      await tf.setBackend(backend);
      await tf.ready();
      const sizes = s.sizes;
      ws = data.weights.map((w, l) => tf.variable(tf.tensor2d(w, [sizes[l], sizes[l + 1]])));
      bs = data.biases.map((b) => tf.variable(tf.tensor1d(b)));
      xAll = tf.tensor2d(data.x, [s.samples, sizes[0]]);
      yAll = tf.tensor2d(data.y, [s.samples, sizes[sizes.length - 1]]);
      optimizer = tf.train.sgd(s.learningRate);
    },
    async run(count: number) {
      let last = 0;
      for (let i = 0; i < count; i++) {
        if (s.mode === 'train') {
          const wantCost = i === count - 1;
          const cost = tf.tidy(() => {
            const [x, y] = nextBatch();
            const c = optimizer.minimize(() => {
              const z = logits(x);
              return s.output === 'sigmoid' ? tf.losses.sigmoidCrossEntropy(y, z) : tf.losses.softmaxCrossEntropy(y, z);
            }, wantCost);
            return c ?? tf.scalar(0);
          });
          if (wantCost) last = (await cost.data())[0];
          cost.dispose();
        } else {
          const out = tf.tidy(() => {
            const [x] = nextBatch();
            const z = logits(x);
            return s.output === 'sigmoid' ? tf.sigmoid(z) : tf.softmax(z);
          });
          // Read the result back, as a user of the output would.
          last = (await out.data())[0];
          out.dispose();
        }
      }
      return last;
    },
  };
}
