/**
 * brain.js peer (2.0.0-beta, CPU NeuralNetwork): online SGD, one pattern at a time, the same initial weights.
 * Its patterns are made once in setup (brain.js' own format, `{ input, output }` typed arrays); the timed loop is
 * `trainPattern`, what `net.train()` runs per pattern, without its per-iteration bookkeeping. NeuralNetworkGPU is
 * not used: with no GPU (and no `gl` package) gpu.js falls back to running its kernels on the CPU, slower than this.
 */
import { createRequire } from 'node:module';
import * as brain from 'brain.js';
import type { BenchData, BenchImpl, PeerConfig, Scenario } from '../common';
import { timePerCall } from '../common';

interface BrainNetInternals {
  sizes: number[];
  weights: Float32Array[][];
  biases: Float32Array[];
  initialize(): void;
  trainPattern(value: { input: Float32Array; output: Float32Array }, logErrorRate?: boolean): number | null;
  runInput(input: Float32Array): Float32Array;
}

export function brainImpl(): BenchImpl & { config(): PeerConfig } {
  let s: Scenario;
  let net: BrainNetInternals;
  let patterns: { input: Float32Array; output: Float32Array }[] = [];
  let cursor = 0;
  return {
    name: 'brain.js',
    config: () => {
      const version = (createRequire(import.meta.url)('brain.js/package.json') as { version: string }).version;
      return { brain: version, mode: `brain.js ${version} NeuralNetwork (CPU), trainPattern per example` };
    },
    /** brain.js has no matrix product of its own: its yardstick is its own forward pass (runInput), per pattern of a batch. */
    async reference() {
      const input = patterns[0].input;
      const ms = await timePerCall(() => net.runInput(input));
      const perStep = s.mode === 'train' ? 3 : 1;
      return { ms: ms * s.batch * perStep, what: `runInput × ${s.batch}${perStep > 1 ? ` × ${perStep} (forward, backward, update)` : ''}` };
    },
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
