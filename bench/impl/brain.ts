/** brain.js peer (2.0.0-beta, CPU NeuralNetwork): online SGD, one pattern at a time, the same initial weights. */
import * as brain from 'brain.js';
import type { BenchData, BenchImpl, Scenario } from '../common';

interface BrainNetInternals {
  sizes: number[];
  weights: Float32Array[][];
  biases: Float32Array[];
  initialize(): void;
  trainPattern(value: { input: Float32Array; output: Float32Array }, logErrorRate?: boolean): number | null;
}

export function brainImpl(): BenchImpl {
  let s: Scenario;
  let net: BrainNetInternals;
  let patterns: { input: Float32Array; output: Float32Array }[] = [];
  let cursor = 0;
  return {
    name: 'brain.js',
    // Per-pattern JS objects: the MNIST-sized net is out of its league, and it has no softmax output.
    supports: (scenario) => scenario.output === 'sigmoid' && scenario.mode === 'train',
    async setup(scenario: Scenario, data: BenchData) {
      s = scenario;
      const nIn = s.sizes[0];
      const nOut = s.sizes[s.sizes.length - 1];
      net = new brain.NeuralNetwork({
        inputSize: nIn,
        hiddenLayers: s.sizes.slice(1, -1),
        outputSize: nOut,
        activation: s.hidden,
        learningRate: s.learningRate,
        // brain.js refuses momentum 0; this is plain SGD in effect (its momentum term costs the same either way).
        momentum: 1e-9,
      }) as unknown as BrainNetInternals;
      net.initialize();
      for (let l = 0; l < data.weights.length; l++) {
        const m = s.sizes[l];
        const n = s.sizes[l + 1];
        for (let j = 0; j < n; j++) {
          for (let i = 0; i < m; i++) net.weights[l + 1][j][i] = data.weights[l][i * n + j];
          net.biases[l + 1][j] = data.biases[l][j];
        }
      }
      patterns = [];
      for (let r = 0; r < s.samples; r++) {
        patterns.push({ input: data.x.slice(r * nIn, (r + 1) * nIn), output: data.y.slice(r * nOut, (r + 1) * nOut) });
      }
    },
    async run(count: number) {
      let last = 0;
      // One unit of work = one batch worth of patterns, so samples/s compare directly.
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < s.batch; k++) {
          if (cursor >= patterns.length) cursor = 0;
          const err = net.trainPattern(patterns[cursor++], k === s.batch - 1 && i === count - 1);
          if (err !== null) last = err;
        }
      }
      return last;
    },
  };
}
