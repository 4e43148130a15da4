/**
 * Resident buffers (src/core/arena.ts): a network's parameters, gradients and workspaces live in a WebAssembly arena
 * and the SIMD kernel reads and writes them there, without copying whole matrices in and out on every product.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { arenaOf, createArena } from '../../src/core/arena';
import {
  gemmCopyStats, gemmNN, gemmThreadStats, gemmThreadStatus, gemmNT, gemmTN, setRelaxedSimdEnabled, setSimdEnabled, setSimdMinWork, simdInUse,
} from '../../src/core/kernels';
import type { Network } from '../../src/core/network';
import { compileOrThrow, mlp, randomBatch } from './nn-helpers';
import { useDefaultKernels, useThreads } from './helpers/kernel-modes';

afterEach(() => useDefaultKernels());

function random(n: number, seed: number, into: Float32Array = new Float32Array(n)): Float32Array {
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    into[i] = s / 2 ** 31 - 1;
  }
  return into;
}

const MNIST = () => mlp(784, [{ units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }, { units: 10, activation: 'softmax' }], 'softmaxCrossEntropy', 7);
const BATCH = 64;

/** Three plain SGD steps on one batch; the parameters after them. */
function train(net: Network, steps: number): Float32Array {
  const { x, y } = randomBatch(net, BATCH, 'softmaxCrossEntropy', 3);
  const xs = net.floats(x.length);
  xs.set(x);
  for (let s = 0; s < steps; s++) {
    net.zeroGrads();
    net.forward(xs, BATCH, { training: true });
    net.backward(y, BATCH);
    for (let i = 0; i < net.params.length; i++) net.params[i] -= 0.05 * net.grads[i]!;
  }
  return Float32Array.from(net.params);
}

describe('resident buffers', () => {
  it('an arena hands out views that stay valid while it grows, and knows its own views', () => {
    const arena = createArena();
    expect(arena).not.toBeNull();
    const first = arena!.floats(10);
    first.fill(3);
    const big = arena!.floats(1 << 20); // grows the memory
    big[big.length - 1] = 5;
    expect(Array.from(first)).toEqual(new Array(10).fill(3));
    expect(arenaOf(first)).toBe(arena);
    expect(arenaOf(big.subarray(7))).toBe(arena);
    expect(arenaOf(new Float32Array(4))).toBeUndefined();
  });

  for (const relaxed of [false, true]) {
    const mode = relaxed ? 'relaxed SIMD' : 'SIMD';
    it(`${mode}: products on resident, partly resident and plain operands give the same bits`, () => {
      setSimdMinWork(1);
      setRelaxedSimdEnabled(relaxed);
      const arena = createArena()!;
      for (const [name, gemm] of [['NN', gemmNN], ['TN', gemmTN], ['NT', gemmNT]] as const) {
        for (const [M, N, K] of [[3, 5, 7], [64, 128, 784], [97, 521, 257]] as const) {
          const plain = () => [random(M * K, 1), random(K * N, 2), random(M * N, 3)] as const;
          const [a0, b0, c0] = plain();
          gemm(M, N, K, a0, 0, b0, 0, c0, 0);
          // Every mix of resident and plain operands (with offsets into the arena views).
          for (let mask = 1; mask < 8; mask++) {
            const put = (bit: number, n: number, seed: number): { v: Float32Array; off: number } => {
              if ((mask & bit) === 0) return { v: random(n, seed), off: 0 };
              const v = arena.floats(n + 5);
              random(n, seed, v.subarray(5));
              return { v, off: 5 };
            };
            const a = put(1, M * K, 1), b = put(2, K * N, 2), c = put(4, M * N, 3);
            gemm(M, N, K, a.v, a.off, b.v, b.off, c.v, c.off);
            expect(Array.from(c.v.subarray(c.off, c.off + M * N)), `gemm${name} ${M}×${N}×${K} mask ${mask}`).toEqual(Array.from(c0));
          }
        }
      }
    });

    it(`${mode}: a training step of the MNIST-sized MLP (784-128-64-10, batch 64) copies no whole matrix in or out`, () => {
      setRelaxedSimdEnabled(relaxed);
      expect(simdInUse()).toBe(true);
      const net = compileOrThrow(MNIST());
      expect(arenaOf(net.params)).toBeDefined();
      train(net, 1); // makes the workspace of this batch size
      const before = gemmCopyStats();
      train(net, 2);
      const after = gemmCopyStats();
      // The smallest matrix of a step is the output layer's activations, 64 × 10.
      expect(after.copiedIn - before.copiedIn).toBeLessThan(BATCH * 10);
      expect(after.copiedOut - before.copiedOut).toBeLessThan(BATCH * 10);
    });

    it(`${mode}: training on resident buffers gives the same bits as on plain arrays`, () => {
      setRelaxedSimdEnabled(relaxed);
      setSimdEnabled(false); // a network compiled without the kernel keeps plain arrays
      const plainNet = compileOrThrow(MNIST());
      setSimdEnabled(true);
      expect(arenaOf(plainNet.params)).toBeUndefined();
      const residentNet = compileOrThrow(MNIST());
      expect(arenaOf(residentNet.params)).toBeDefined();
      const before = gemmCopyStats();
      const plain = train(plainNet, 3);
      // The plain network really went through the copying path.
      expect(gemmCopyStats().copiedIn - before.copiedIn).toBeGreaterThan(784 * 128);
      expect(Array.from(train(residentNet, 3))).toEqual(Array.from(plain));
    });
  }

  it('2 threads: the pool shares the network\'s arena, a training step copies no whole matrix, and the bits are those of one thread', () => {
    const one = train(compileOrThrow(MNIST()), 3);
    useThreads(2, true); // every product split
    expect(gemmThreadStatus().threads).toBe(2);
    const threaded = compileOrThrow(MNIST());
    expect(Array.from(train(threaded, 3))).toEqual(Array.from(one));
    const before = gemmCopyStats();
    const split = gemmThreadStats()!.split;
    train(threaded, 2);
    const after = gemmCopyStats();
    // Every product of the 2 steps was split (3 forward, 3 weight gradients, 2 input gradients each).
    expect(gemmThreadStats()!.split - split).toBe(2 * 8);
    expect(after.copiedIn - before.copiedIn).toBeLessThan(BATCH * 10);
    expect(after.copiedOut - before.copiedOut).toBeLessThan(BATCH * 10);
  });

  it('2 threads: products on resident, partly resident and plain operands give the same bits', () => {
    const arena = createArena()!;
    const [M, N, K] = [97, 521, 257];
    const [a0, b0, c0] = [random(M * K, 1), random(K * N, 2), random(M * N, 3)];
    setSimdMinWork(1);
    gemmNN(M, N, K, a0, 0, b0, 0, c0, 0);
    useThreads(2, true);
    for (let mask = 0; mask < 8; mask++) {
      const put = (bit: number, n: number, seed: number): { v: Float32Array; off: number } => {
        if ((mask & bit) === 0) return { v: random(n, seed), off: 0 };
        const v = arena.floats(n + 3);
        random(n, seed, v.subarray(3));
        return { v, off: 3 };
      };
      const a = put(1, M * K, 1), b = put(2, K * N, 2), c = put(4, M * N, 3);
      gemmNN(M, N, K, a.v, a.off, b.v, b.off, c.v, c.off);
      expect(Array.from(c.v.subarray(c.off, c.off + M * N)), `mask ${mask}`).toEqual(Array.from(c0));
    }
  });
});
