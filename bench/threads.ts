/**
 * Where splitting a product across threads starts to pay: the measurement behind THREAD_MIN_WORK (src/core/kernels.ts).
 * For products of growing size (MLP-like and conv-like shapes, NN/TN/NT), times each on one thread and on N threads in
 * the same process, alternating the two in every round (so load from other processes hits both alike), and prints
 * the median time of each and the speed-up. THREAD_MIN_WORK is set near the smallest work from which N threads
 * are faster in every round. Run on a quiet machine:
 *
 *   npx tsx bench/threads.ts [--threads 2] [--rounds 5]
 */
import { gemmNN, gemmNT, gemmTN, setGemmThreads, setThreadMinWork, THREAD_MIN_WORK } from '../src/core/kernels';
import { nodeThreadHost } from '../src/trainer/threads';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const threads = arg('threads', 2);
const rounds = arg('rounds', 5);

const SHAPES: [kind: 'NN' | 'TN' | 'NT', M: number, N: number, K: number][] = [
  ['NN', 10, 8, 8], ['NN', 32, 16, 16], ['NN', 32, 32, 64], ['NN', 64, 64, 64], ['NN', 64, 64, 128], ['TN', 64, 128, 64],
  ['NN', 64, 128, 128], ['NN', 64, 128, 256], ['NT', 64, 256, 128], ['NN', 64, 256, 256], ['NN', 64, 128, 784],
  ['TN', 784, 128, 64], ['NN', 4096, 8, 9], ['NN', 9216, 6, 25], ['NN', 128, 256, 512], ['NN', 256, 256, 512],
  ['NN', 512, 512, 512],
];
const kernels = { NN: gemmNN, TN: gemmTN, NT: gemmNT };

/** Median microseconds per product over batches of at least 20 ms. */
function time(run: () => void): number {
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) run();
    const ms = performance.now() - t0;
    if (ms >= 20) return (ms * 1000) / calls;
    calls *= 2;
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const host = nodeThreadHost(threads);
if (!host) throw new Error('worker_threads are unavailable');
setThreadMinWork(1);
console.log(`# one thread vs ${threads}, every product split (THREAD_MIN_WORK is now ${THREAD_MIN_WORK}); ${rounds} alternating rounds`);
console.log('product | multiply-adds | 1 thread µs | threads µs | speed-up median (min–max)');
for (const [kind, M, N, K] of SHAPES) {
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
  const c = new Float32Array(M * N);
  const run = () => kernels[kind](M, N, K, a, 0, b, 0, c, 0);
  const one: number[] = [];
  const many: number[] = [];
  setGemmThreads(host);
  run(); // start the workers
  for (let r = 0; r < rounds; r++) {
    for (const split of r % 2 ? [true, false] : [false, true]) {
      setThreadMinWork(split ? 1 : Number.MAX_SAFE_INTEGER);
      (split ? many : one).push(time(run));
    }
  }
  const ratios = one.map((x, i) => x / many[i]!);
  console.log(`gemm${kind} ${M}×${N}×${K} | ${M * N * K} | ${median(one).toFixed(1)} | ${median(many).toFixed(1)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
}
setGemmThreads(null);
