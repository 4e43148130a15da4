/**
 * Matrix products split across worker threads (src/core/gemmThreads.ts, host src/trainer/threads.ts): the same bits
 * for any thread count, training included, and a pool that survives losing a worker (one thread, a clear status,
 * never a hang).
 */
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makePlaneSet } from '../../src/core/data';
import { createThreadedGemm, type GemmThreadHost, type GemmThreadInit } from '../../src/core/gemmThreads';
import {
  gemmNN, gemmNT, gemmTN, gemmThreadStats, gemmThreadStatus, setGemmThreads, setRelaxedSimdEnabled, setSimdMinWork, setThreadMinWork,
} from '../../src/core/kernels';
import { createTrainingSession } from '../../src/core/train';
import { nodeThreadHost, startGemmThreads, threadLabel } from '../../src/trainer/threads';
import { dense, doc, edge, input, output } from './nn-helpers';
import { useDefaultKernels, useThreads } from './helpers/kernel-modes';

afterEach(() => useDefaultKernels());
afterAll(() => useDefaultKernels());

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

type Gemm = typeof gemmNN;
const products: [string, Gemm][] = [['NN', gemmNN], ['TN', gemmTN], ['NT', gemmNT]];

/** C0 + op(A)·op(B) for a random M×N×K product. */
function product(gemm: Gemm, M: number, N: number, K: number, seed: number): Float32Array {
  const A = random(M * K, seed);
  const B = random(K * N, seed + 1);
  const C = random(M * N, seed + 2);
  gemm(M, N, K, A, 0, B, 0, C, 0);
  return C;
}

/** One thread (no pool) vs `threads`, every product split. */
function onThreads<T>(threads: number, run: () => T): T {
  useThreads(threads, true);
  try {
    return run();
  } finally {
    useThreads(1, false);
  }
}

describe('matrix products on worker threads', () => {
  for (const relaxed of [false, true]) {
    for (const [name, gemm] of products) {
      for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [64, 128, 784], [97, 521, 257], [200, 9, 300], [5, 700, 40]] as const) {
        it(`gemm${name} ${M}×${N}×${K} (${relaxed ? 'relaxed SIMD' : 'SIMD'}) gives the same bits on 1, 2 and 3 threads`, () => {
          setSimdMinWork(1);
          setRelaxedSimdEnabled(relaxed);
          const one = product(gemm, M, N, K, M + N + K);
          for (const threads of [2, 3]) {
            const many = onThreads(threads, () => {
              expect(gemmThreadStatus()).toEqual({ threads, requested: threads });
              return product(gemm, M, N, K, M + N + K);
            });
            expect(Array.from(many)).toEqual(Array.from(one));
          }
        });
      }
    }
  }

  for (const threads of [2, 3]) {
    it(`${threads} threads: the worker threads really compute parts of the products, with the same bits`, async () => {
      setSimdMinWork(1);
      const one = product(gemmNN, 256, 200, 300, 9);
      useThreads(threads, true);
      // The workers start with the first split product; until they run, the calling thread claims every part.
      // Wait for them the way a long training run would meet them: product after product, yielding in between.
      let stats = gemmThreadStats();
      for (let i = 0; i < 2000 && (stats?.partsByWorkers ?? 0) === 0; i++) {
        expect(Array.from(product(gemmNN, 256, 200, 300, 9))).toEqual(Array.from(one));
        await new Promise((resolve) => setTimeout(resolve, 5));
        stats = gemmThreadStats();
      }
      expect(stats!.partsByWorkers).toBeGreaterThan(0);
      expect(gemmThreadStatus()).toEqual({ threads, requested: threads });
    });
  }

  it('products that alternate between few and many parts give the same bits as one thread (late workers claim nothing stale)', async () => {
    setSimdMinWork(1);
    const shapes = [[3, 2, 2], [48, 40, 36], [5, 9, 1], [64, 24, 30]] as const; // 3 parts, 12 parts (≥ 16 multiply-adds split 4 per thread)
    const one = shapes.map(([M, N, K]) => product(gemmNN, M, N, K, M * N));
    useThreads(3, true);
    // At least 300 rounds, and on until the workers (which start with the first split product, later on a loaded
    // machine) have taken parts too: the check is about late workers, so they must have been in the race.
    const workersTookParts = () => (gemmThreadStats()?.partsByWorkers ?? 0) > 0;
    for (let round = 0; round < 300 || (!workersTookParts() && round < 20_000); round++) {
      const [M, N, K] = shapes[round % shapes.length]!;
      expect(Array.from(product(gemmNN, M, N, K, M * N))).toEqual(Array.from(one[round % shapes.length]!));
      if (round % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(workersTookParts()).toBe(true);
  });

  it('training gives bit-identical parameters on 1, 2 and 3 threads (every product split)', () => {
    const made = makePlaneSet('spiral', { samples: 300, noise: 0.1, seed: 4 });
    if (!made.ok) throw new Error(made.message);
    const d = doc(
      [input('in', ['x', 'y']), dense('h1', 48, 'relu'), dense('h2', 40, 'tanh'), dense('o', 1, 'sigmoid'), output('out', 'binaryCrossEntropy', ['label'])],
      [edge('in', 'h1'), edge('h1', 'h2'), edge('h2', 'o'), edge('o', 'out')],
      7,
    );
    const train = () => {
      const s = createTrainingSession(d, made.dataset, { optimizer: 'adam', learningRate: 0.01, batchSize: 32 });
      if (!s.ok) throw new Error('session');
      s.session.stepBatches(40);
      return Array.from(s.session.net.params);
    };
    setSimdMinWork(1);
    const one = train();
    const two = onThreads(2, train);
    const three = onThreads(3, train);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    // and training moved the parameters (so the comparison can fail)
    const untrained = createTrainingSession(d, made.dataset, { optimizer: 'adam', learningRate: 0.01, batchSize: 32 });
    if (!untrained.ok) throw new Error('session');
    expect(Array.from(untrained.session.net.params)).not.toEqual(one);
  });

  it('startGemmThreads uses the machine\'s cores under Node and names them', () => {
    const status = startGemmThreads(2);
    expect(status).toEqual({ threads: 2, requested: 2 });
    expect(threadLabel(status)).toBe('2 threads for large products');
    expect(threadLabel({ threads: 1, requested: 1, problem: 'no SharedArrayBuffer' })).toBe('1 thread for large products (no SharedArrayBuffer)');
    setGemmThreads(null);
  });
});

/** A host whose workers the test can reach, and which resolves `exited` when the pool is told a worker ended. */
function watchedHost(threads: number) {
  const inner = nodeThreadHost(threads)!;
  const handles: { terminate(): void }[] = [];
  let told!: (reason: string) => void;
  const exited = new Promise<string>((resolve) => (told = resolve));
  const host: GemmThreadHost = {
    threads,
    spawn(init, onExit) {
      const handle = inner.spawn(init, (reason) => {
        onExit(reason);
        told(reason);
      });
      handles.push(handle);
      return handle;
    },
  };
  return { host, handles, exited };
}

describe('a worker thread that dies', () => {
  it('leaves the pool on one thread with a clear status, and products give the same bits', async () => {
    setSimdMinWork(1);
    const before = product(gemmNN, 90, 130, 200, 5);
    const { host, handles, exited } = watchedHost(2);
    setGemmThreads(host);
    setThreadMinWork(1);
    expect(Array.from(product(gemmNN, 90, 130, 200, 5))).toEqual(Array.from(before));
    expect(gemmThreadStatus().threads).toBe(2);
    handles[0]!.terminate();
    expect(await exited).toMatch(/exited with code/);
    const status = gemmThreadStatus();
    expect(status.threads).toBe(1);
    expect(status.requested).toBe(2);
    expect(status.problem).toMatch(/^worker thread 1 stopped \(exited with code \d+\); large products now run on one thread/);
    expect(Array.from(product(gemmNN, 90, 130, 200, 5))).toEqual(Array.from(before));
  });

  it('never started: the calling thread does every part itself', () => {
    const silent: GemmThreadHost = { threads: 3, spawn: () => ({ terminate: () => {} }) };
    const pool = createThreadedGemm(false, silent)!;
    const A = random(40 * 50, 1), B = random(50 * 60, 2);
    const C = new Float32Array(40 * 60), ref = new Float32Array(40 * 60);
    pool.gemm(40, 60, 50, A, 0, A.length, 50, 1, B, 0, B.length, 60, 1, C, 0);
    setSimdMinWork(1);
    setRelaxedSimdEnabled(false);
    gemmNN(40, 60, 50, A, 0, B, 0, ref, 0);
    expect(Array.from(C)).toEqual(Array.from(ref));
    expect(pool.status()).toEqual({ threads: 3, requested: 3 });
    pool.dispose();
  });

  it('in the middle of a product: the caller gives up with an error naming the product, and the pool goes to one thread', async () => {
    // A worker that claims a part of the next product and then never finishes it (as if killed half-way).
    const stuck = `const { parentPort } = require('node:worker_threads');
    parentPort.once('message', (init) => {
      const ctl = new Int32Array(init.memory.buffer, 0, 32);
      let seen = Atomics.load(ctl, 0);
      parentPort.postMessage('waiting');
      for (;;) {
        Atomics.wait(ctl, 0, seen);
        seen = Atomics.load(ctl, 0);
        const v = Atomics.load(ctl, 1); // claim as gemmThreads does: compare-and-swap on the product's CLAIM word
        if ((v & 255) < ((v >>> 8) & 255) && Atomics.compareExchange(ctl, 1, v, v + 1) === v) break; // keep it forever
      }
      Atomics.wait(ctl, 3, 0);
    });`;
    const workers: Worker[] = [];
    let waiting!: () => void;
    const ready = new Promise<void>((resolve) => (waiting = resolve));
    const host: GemmThreadHost = {
      threads: 2,
      spawn(init: GemmThreadInit) {
        const w = new Worker(stuck, { eval: true });
        w.once('message', () => waiting());
        w.postMessage(init);
        workers.push(w);
        return { terminate: () => void w.terminate() };
      },
    };
    const pool = createThreadedGemm(false, host, 300)!;
    await ready;
    const n = 384;
    const A = random(n * n, 1), C = new Float32Array(n * n);
    // The caller computes its part (tens of ms) while the woken worker claims the other; should the worker be slower
    // to wake than the caller is to do both parts, the product simply completes, and the next one is tried.
    let error: unknown;
    for (let attempt = 0; attempt < 20 && error === undefined; attempt++) {
      try {
        pool.gemm(n, n, n, A, 0, A.length, n, 1, A, 0, A.length, n, 1, C, 0);
      } catch (e) {
        error = e;
      }
    }
    expect(String(error)).toMatch(
      /^Error: matrix product 384×384×384: a worker thread stopped in the middle of a product \(no part finished in 300 ms\); large products now run on one thread$/,
    );
    expect(pool.status().threads).toBe(1);
    expect(pool.status().problem).toMatch(/stopped in the middle of a product/);
    for (const w of workers) void w.terminate();
  });
});
