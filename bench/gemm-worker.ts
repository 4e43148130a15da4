/**
 * Times one matrix product in this (fresh) process and prints one JSON line { gflops, config }. Started by bench/gemm.ts.
 *   gemm-worker.ts netwright <NN|TN|NT> M N K [seconds] [relaxed|norelaxed] [threads=N]
 *     threads=N: split products across N threads as the trainer does (src/trainer/threads.ts; default 1)
 *   gemm-worker.ts tfjs-wasm <NN|TN|NT> M N K [seconds]   (tf.matMul with transposeA / transposeB to match)
 *   gemm-worker.ts netwright@TREE ...   Netwright's kernels from another checkout (e.g. main, for before/after)
 * C is M×N, K the summed dimension, as in src/core/kernels.ts. GFLOP/s = 2·M·N·K per product.
 */
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import type * as Kernels from '../src/core/kernels';
import type * as Threads from '../src/trainer/threads';
import { startTfjs } from './impl/tfjs';

type Kind = 'NN' | 'TN' | 'NT';

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/** Calls per second of `run`, after a warm-up, growing the batch of calls until one batch takes ≥ 50 ms. */
async function rate(run: () => void | Promise<void>, seconds: number): Promise<number> {
  let chunk = 1;
  const warmEnd = performance.now() + Math.min(1000, seconds * 500);
  while (performance.now() < warmEnd) {
    const t0 = performance.now();
    for (let i = 0; i < chunk; i++) await run();
    if (performance.now() - t0 < 50) chunk *= 2;
  }
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < chunk; i++) await run();
    calls += chunk;
  }
  return (calls / (performance.now() - t0)) * 1000;
}

async function main(): Promise<void> {
  const [impl, kindArg, mArg, nArg, kArg, secondsArg, relaxedArg] = process.argv.slice(2);
  const kind = kindArg as Kind;
  const [M, N, K] = [Number(mArg), Number(nArg), Number(kArg)];
  const seconds = Number(secondsArg ?? 2);
  if (!['NN', 'TN', 'NT'].includes(kind) || !(M > 0 && N > 0 && K > 0)) throw new Error('usage: gemm-worker.ts <netwright|tfjs-wasm> <NN|TN|NT> M N K [seconds]');
  const flop = 2 * M * N * K;
  const a = random(M * K);
  const b = random(K * N);
  if (impl!.startsWith('netwright')) {
    const tree = impl!.startsWith('netwright@') ? impl!.slice('netwright@'.length) : new URL('..', import.meta.url).pathname;
    const kernels = (await import(pathToFileURL(`${tree}/src/core/kernels.ts`).href)) as typeof Kernels;
    // Older checkouts have no relaxed-SIMD switch.
    if (typeof kernels.setRelaxedSimdEnabled === 'function') kernels.setRelaxedSimdEnabled(relaxedArg !== 'norelaxed');
    const threadsArg = process.argv.find((a) => a.startsWith('threads='));
    const threads = threadsArg ? Number(threadsArg.slice('threads='.length)) : 1;
    if (threads > 1) {
      const { nodeThreadHost } = (await import(pathToFileURL(`${tree}/src/trainer/threads.ts`).href)) as typeof Threads;
      kernels.setGemmThreads(nodeThreadHost(threads));
    }
    const c = new Float32Array(M * N);
    const f = kind === 'NN' ? kernels.gemmNN : kind === 'TN' ? kernels.gemmTN : kernels.gemmNT;
    const perSecond = await rate(() => f(M, N, K, a, 0, b, 0, c, 0), seconds);
    const relaxed = typeof kernels.relaxedSimdInUse === 'function' && kernels.relaxedSimdInUse();
    const mode = !kernels.simdInUse() ? 'TypeScript' : relaxed ? 'WebAssembly relaxed SIMD (FMA)' : 'WebAssembly SIMD';
    const used = typeof kernels.gemmThreadStatus === 'function' ? kernels.gemmThreadStatus().threads : 1;
    const split = used > 1 && M * N * K < kernels.THREAD_MIN_WORK ? ' (this shape is below the split threshold: 1 thread)' : '';
    process.stdout.write(JSON.stringify({ gflops: (perSecond * flop) / 1e9, config: `${mode}, ${used} thread${used === 1 ? '' : 's'}${split}` }) + '\n');
  } else if (impl === 'tfjs-wasm') {
    const config = await startTfjs('wasm');
    const at = tf.tensor2d(a, kind === 'TN' ? [K, M] : [M, K]);
    const bt = tf.tensor2d(b, kind === 'NT' ? [N, K] : [K, N]);
    const perSecond = await rate(async () => {
      const c = tf.matMul(at, bt, kind === 'TN', kind === 'NT');
      await c.data();
      c.dispose();
    }, seconds);
    process.stdout.write(JSON.stringify({ gflops: (perSecond * flop) / 1e9, config: config.mode }) + '\n');
  } else throw new Error(`unknown implementation ${impl}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
