/**
 * A minimal, standalone TensorFlow.js-WASM script of the benchmark's MNIST-sized network (784-128-64-10, ReLU,
 * softmax) and of its LeNet-like CNN (conv 6@5×5 → maxpool 2 → conv 16@5×5 → maxpool 2 → 120 → 84 → 10, batch 32),
 * written from tfjs' own guides and sharing no code with the benchmark: its own random data, cut into
 * batches once; the network as tf.variables and ops; `tf.train.sgd(…).minimize` for a training step; a forward pass
 * read back with `data()` for inference. `npm run bench` runs it in the same interleaved rounds as its tfjs-wasm
 * peer and prints the peer's figure as a fraction of this one, so a harness that slows its peer down shows.
 *
 *   npx tsx bench/standalone-tfjs-wasm.ts infer-b256|infer-b1|mnist-train|lenet-train [warm-up s] [measure s] [--layers]
 *
 * --layers: the same network as a tf.sequential model, `predict` and `trainOnBatch` (for reference, not used by the
 * bench: `predict` cuts its input with slice even when it is a single batch, which on WASM costs the ~18 ms per call
 * that issue 16 found, so it measures slicing again).
 *
 * Prints one JSON line: { impl, scenario, throughput, unit }.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const SETUPS = {
  'infer-b1': { batch: 1, train: false },
  'infer-b256': { batch: 256, train: false },
  'mnist-train': { batch: 64, train: true },
  'lenet-train': { batch: 32, train: true },
} as const;
const SIZES = [784, 128, 64, 10];

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--layers');
  const layersApi = process.argv.includes('--layers');
  const [scenario, warmupArg, measureArg] = args as [keyof typeof SETUPS, string?, string?];
  const setup = SETUPS[scenario];
  if (!setup) throw new Error(`usage: standalone-tfjs-wasm.ts <${Object.keys(SETUPS).join('|')}> [warm-up s] [measure s] [--layers]`);
  const warmupMs = Number(warmupArg ?? 2) * 1000;
  const measureMs = Number(measureArg ?? 3) * 1000;

  setWasmPaths(join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  await tf.setBackend('wasm');
  await tf.ready();

  // 2048 samples, cut into batches once.
  const { batch } = setup;
  const lenet = scenario === 'lenet-train';
  const batches = Math.floor((lenet ? 1024 : 2048) / batch);
  const xShape: number[] = lenet ? [batch, 28, 28, 1] : [batch, SIZES[0]!];
  const xs = Array.from({ length: batches }, (): tf.Tensor2D => { const t: tf.Tensor = tf.randomNormal(xShape); return t as tf.Tensor2D; });
  const ys = Array.from({ length: batches }, () => tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D, 10) as tf.Tensor2D);
  const optimizer = tf.train.sgd(0.01);

  let step: (x: tf.Tensor2D, y: tf.Tensor2D) => Promise<void>;
  if (lenet) {
    // NHWC images, filters [fh, fw, in, out] as tf.conv2d takes them; Glorot-uniform-sized random weights.
    const conv1 = tf.variable(tf.randomUniform([5, 5, 1, 6], -0.3, 0.3)) as tf.Variable<tf.Rank.R4>;
    const b1 = tf.variable(tf.zeros([6]));
    const conv2 = tf.variable(tf.randomUniform([5, 5, 6, 16], -0.15, 0.15)) as tf.Variable<tf.Rank.R4>;
    const b2 = tf.variable(tf.zeros([16]));
    const dense = [[256, 120], [120, 84], [84, 10]].map(([m, n]) => tf.variable(tf.randomUniform([m!, n!], -0.15, 0.15)));
    const denseBias = [120, 84, 10].map((n) => tf.variable(tf.zeros([n])));
    // tfjs-wasm 4.22 has no Conv2DBackpropFilter kernel (https://github.com/tensorflow/tfjs/issues/8474): training
    // throws without one. The filter gradient is supplied as one more wasm convolution over transposed tensors,
    // dW = conv2d(xᵀ [c, h, w, b], dyᵀ [oh, ow, b, f]) transposed back; the input gradient is tf.conv2dTranspose.
    const conv = (first: boolean) => tf.customGrad((x, w, save) => {
      (save as tf.GradSaveFunc)([x as tf.Tensor4D, w as tf.Tensor4D]);
      return {
        value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'),
        gradFunc: (dy, [sx, sw]) => {
          const d = dy as tf.Tensor4D;
          const dw = tf.transpose(tf.conv2d(tf.transpose(sx!, [3, 1, 2, 0]) as tf.Tensor4D, tf.transpose(d, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid'), [1, 2, 0, 3]);
          return [first ? tf.zerosLike(sx!) : tf.conv2dTranspose(d, sw as tf.Tensor4D, sx!.shape as [number, number, number, number], 1, 'valid'), dw];
        },
      };
    }) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
    const conv1Op = conv(true);
    const conv2Op = conv(false);
    const logits = (x: tf.Tensor): tf.Tensor2D => {
      let h = tf.maxPool(tf.relu(tf.add(conv1Op(x as tf.Tensor4D, conv1), b1)) as tf.Tensor4D, 2, 2, 'valid');
      h = tf.maxPool(tf.relu(tf.add(conv2Op(h, conv2), b2)) as tf.Tensor4D, 2, 2, 'valid');
      let v = tf.reshape(h, [batch, 256]) as tf.Tensor2D;
      dense.forEach((w, l) => {
        const z = tf.add(tf.matMul(v, w), denseBias[l]!) as tf.Tensor2D;
        v = l < dense.length - 1 ? tf.relu(z) : z;
      });
      return v;
    };
    step = async (x, y) => {
      tf.tidy(() => {
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, logits(x)));
      });
    };
  } else if (layersApi) {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [SIZES[0]], units: SIZES[1], activation: 'relu' }),
        tf.layers.dense({ units: SIZES[2], activation: 'relu' }),
        tf.layers.dense({ units: SIZES[3], activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    step = async (x, y) => {
      if (setup.train) {
        await model.trainOnBatch(x, y);
      } else {
        const out = model.predict(x, { batchSize: batch }) as tf.Tensor;
        await out.data();
        out.dispose();
      }
    };
  } else {
    const weights = SIZES.slice(1).map((n, l) => tf.variable(tf.randomUniform([SIZES[l], n], -0.1, 0.1)));
    const biases = SIZES.slice(1).map((n) => tf.variable(tf.zeros([n])));
    const logits = (x: tf.Tensor2D): tf.Tensor2D => {
      let h = x;
      weights.forEach((w, l) => {
        const z = tf.add(tf.matMul(h, w), biases[l]) as tf.Tensor2D;
        h = l < weights.length - 1 ? tf.relu(z) : z;
      });
      return h;
    };
    step = async (x, y) => {
      if (setup.train) {
        tf.tidy(() => {
          optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, logits(x)));
        });
      } else {
        const out = tf.tidy(() => tf.softmax(logits(x)));
        await out.data();
        out.dispose();
      }
    };
  }

  let k = 0;
  const next = async (): Promise<void> => {
    await step(xs[k], ys[k]);
    k = (k + 1) % batches;
  };
  const warmEnd = performance.now() + warmupMs;
  while (performance.now() < warmEnd) await next();
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < measureMs) {
    await next();
    steps++;
  }
  const perSecond = (steps / (performance.now() - t0)) * 1000;
  const throughput = setup.train ? perSecond : perSecond * batch;
  const impl = layersApi ? 'tfjs-wasm-standalone-layers' : 'tfjs-wasm-standalone';
  process.stdout.write(JSON.stringify({ impl, scenario, throughput, unit: setup.train ? 'steps/s' : 'samples/s' }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
