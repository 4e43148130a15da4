import { arenaOf, type Arena } from './arena';
import { createThreadedGemm, type GemmThreadHost, type GemmThreadStatus, type ThreadedGemm } from './gemmThreads';
import { createSimdGemm, type SimdGemm } from './simd';

/**
 * The three matrix products a dense layer needs, on row-major Float32Array buffers with offsets (so a weight block
 * can live inside the one flat parameter array). All ACCUMULATE into C; C is M×N and K is the summed dimension:
 *
 *   gemmNN: C += A·B     A: M×K, B: K×N   forward        Z  += X · W
 *   gemmTN: C += Aᵀ·B    A: K×M, B: K×N   weight grad    dW += Xᵀ · dZ   (K = batch)
 *   gemmNT: C += A·Bᵀ    A: M×K, B: N×K   input grad     dX += dZ · Wᵀ
 *
 * Products of at least SIMD_MIN_WORK multiply-adds run in the packed, cache-blocked WebAssembly SIMD kernel
 * (wasm/gemm.wat, driven by simd.ts) when the runtime can compile it, summing in float32: deterministic, but not
 * bit-equal to the TypeScript kernels. Where the engine has relaxed SIMD its fused multiply-add is used
 * (setRelaxedSimdEnabled(false) turns that off; docs/kernels.md says what differs). setSimdEnabled(false) keeps
 * everything in TypeScript.
 *
 * The TypeScript kernels compute 4×4 tiles of C in sixteen local accumulators (registers), reading each loaded A and
 * B value four times; the ragged edges (M or N not a multiple of 4) use 1×4 and 4×1 tiles, the corner a dot product.
 * Sums are formed in float64 locals and rounded once when added to C. The `...Plain` versions are the textbook
 * loops, kept to test the fast ones against.
 */

let simdEnabled = true;
let relaxedEnabled = true;
let kernel: SimdGemm | null | undefined;
/** Copies counted by kernels replaced since (gemmCopyStats). */
const retiredCopies = { copiedIn: 0, copiedOut: 0 };
function retire(k: SimdGemm | null | undefined): void {
  if (!k) return;
  const c = k.copies();
  retiredCopies.copiedIn += c.copiedIn;
  retiredCopies.copiedOut += c.copiedOut;
}

/** Products with fewer multiply-adds than this stay in TypeScript (copying into WebAssembly would cost more). */
export const SIMD_MIN_WORK = 2048;
let minWork = SIMD_MIN_WORK;

/** Route products of at least `work` multiply-adds to the SIMD kernel (tests pass 1 to send every product there). */
export function setSimdMinWork(work: number): void {
  minWork = Math.max(1, work);
}

function simdKernel(): SimdGemm | null {
  if (!simdEnabled) return null;
  if (kernel === undefined || (kernel !== null && kernel.relaxed && !relaxedEnabled)) {
    retire(kernel);
    kernel = (relaxedEnabled ? createSimdGemm(true) : null) ?? createSimdGemm(false);
  }
  return kernel;
}

/**
 * Products of at least this many multiply-adds are split across threads when a thread host is installed
 * (setGemmThreads). Measured, not guessed: `npx tsx bench/threads.ts` times products of growing size on one thread and
 * on two on this 2-core machine, quiet; docs/kernels.md has the table. Below it, waking a worker and packing the
 * shared operand twice costs more than the second core gives back (all the Playground nets and the MNIST-sized MLP's
 * training products stay here; evaluating a whole test set, 1024³ and the bigger layers split).
 */
export const THREAD_MIN_WORK = 1 << 24;
let threadMinWork = THREAD_MIN_WORK;
let threadHost: GemmThreadHost | null = null;
let threaded: ThreadedGemm | null | undefined;

/** Split products of at least `work` multiply-adds across threads (tests pass 1 to split every product). */
export function setThreadMinWork(work: number): void {
  threadMinWork = Math.max(1, work);
}

/**
 * Install (or with null remove) the host that starts the worker threads large products are split across. The core
 * never starts threads itself; src/trainer/threads.ts provides the host for Node, Electron's utility process and
 * cross-origin-isolated pages. Returns the pool's status (threads in use, and why fewer than asked if so).
 */
export function setGemmThreads(host: GemmThreadHost | null): GemmThreadStatus {
  threaded?.dispose();
  retire(threaded);
  threaded = undefined;
  threadHost = host;
  return gemmThreadStatus();
}

/**
 * The thread pool, made over `arena` when the product has operands resident in one (a network's arena: the threads
 * then share its memory and read its buffers in place). A pool over another arena (the previous network's) is
 * replaced, with new workers; products with no resident operand use whichever pool there is.
 */
function threadedKernel(arena: Arena | undefined): ThreadedGemm | null {
  if (threadHost === null) return null;
  const single = simdKernel();
  if (single === null) return null;
  if (threaded !== undefined && threaded !== null && (threaded.relaxed !== single.relaxed || (arena !== undefined && threaded.arena !== arena))) {
    threaded.dispose();
    retire(threaded);
    threaded = undefined;
  }
  if (threaded === undefined) threaded = createThreadedGemm(single.relaxed, threadHost, undefined, () => threadMinWork, arena);
  return threaded;
}

/**
 * How many threads large products are split across now, and why fewer than asked if so. The workers start at the
 * first product big enough to split (a Playground net never starts them); until then this says what will be used.
 */
export function gemmThreadStatus(): GemmThreadStatus {
  if (threadHost === null) return { threads: 1, requested: 1 };
  const requested = threadHost.threads;
  const unavailable = { threads: 1, requested, problem: 'shared WebAssembly memory is unavailable here; products run on one thread' };
  if (threaded === undefined) return typeof SharedArrayBuffer === 'function' && simdKernel() !== null ? { threads: requested, requested } : unavailable;
  return threaded === null ? unavailable : threaded.status();
}

/** Products split so far by the current pool, and the parts its calling thread and its workers computed (or null). */
export function gemmThreadStats(): ReturnType<ThreadedGemm['stats']> | null {
  return threaded ? threaded.stats() : null;
}

/**
 * Floats copied into the WebAssembly memory and out of it by the products so far (the single-thread kernels ever
 * made, and the thread pools): operands that were not resident (src/core/arena.ts) are copied, resident ones not.
 */
export function gemmCopyStats(): { copiedIn: number; copiedOut: number } {
  const total = { ...retiredCopies };
  for (const k of [kernel, threaded]) {
    if (k) {
      const c = k.copies();
      total.copiedIn += c.copiedIn;
      total.copiedOut += c.copiedOut;
    }
  }
  return total;
}

/** The kernel for a product of `work` multiply-adds: null for the TypeScript loops. */
function kernelFor(work: number, a: Float32Array, b: Float32Array, c: Float32Array): SimdGemm | null {
  if (work < minWork) return null;
  if (work >= threadMinWork && threadHost !== null) {
    const pool = threadedKernel(arenaOf(c) ?? arenaOf(b) ?? arenaOf(a));
    if (pool !== null && pool.status().threads > 1) return pool;
  }
  return simdKernel();
}

/** Turn the WebAssembly SIMD path on or off (tests compare the two). Returns whether SIMD is now in use. */
export function setSimdEnabled(on: boolean): boolean {
  simdEnabled = on;
  return simdKernel() !== null;
}

/** Whether the kernels currently use WebAssembly SIMD for large products. */
export function simdInUse(): boolean {
  return simdKernel() !== null;
}

/**
 * Allow or forbid relaxed SIMD's fused multiply-add (tests force it off to compare; it is on by default where the
 * engine has it). Returns whether the kernel now in use fuses.
 */
export function setRelaxedSimdEnabled(on: boolean): boolean {
  if (on !== relaxedEnabled) {
    retire(kernel);
    kernel = undefined;
  }
  relaxedEnabled = on;
  return relaxedSimdInUse();
}

/** Whether large products currently use relaxed SIMD's fused multiply-add. */
export function relaxedSimdInUse(): boolean {
  return simdKernel()?.relaxed ?? false;
}

/** C[i,j] += Σ_k A[aOff + i·ai + k·ak] · B[bOff + k·bk + j·bj] for i in [i0, i1), j in [j0, j1). */
function stridedEdge(
  i0: number, i1: number, j0: number, j1: number, N: number, K: number,
  A: Float32Array, aOff: number, ai: number, ak: number,
  B: Float32Array, bOff: number, bk: number, bj: number,
  C: Float32Array, cOff: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      let a = aOff + i * ai;
      let b = bOff + j * bj;
      for (let k = 0; k < K; k++, a += ak, b += bk) s += A[a] * B[b];
      C[cOff + i * N + j] += s;
    }
  }
}

/**
 * The ragged edges of a 4×4-tiled product, with strided access (A[aOff + i·ai + k·ak], B[bOff + k·bk + j·bj]):
 * rows [M4, M) in 1×4 tiles, columns [N4, N) of rows [0, M4) in 4×1 tiles, and the corner one value at a time.
 * A batch of one row (inference, trace) runs entirely here, so it still reads B in rows.
 */
function edges(
  M: number, N: number, K: number, M4: number, N4: number,
  A: Float32Array, aOff: number, ai: number, ak: number,
  B: Float32Array, bOff: number, bk: number, bj: number,
  C: Float32Array, cOff: number,
): void {
  for (let i = M4; i < M; i++) {
    for (let j = 0; j < N4; j += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let a = aOff + i * ai;
      let b = bOff + j * bj;
      for (let k = 0; k < K; k++, a += ak, b += bk) {
        const v = A[a];
        c0 += v * B[b]; c1 += v * B[b + bj]; c2 += v * B[b + 2 * bj]; c3 += v * B[b + 3 * bj];
      }
      const c = cOff + i * N + j;
      C[c] += c0; C[c + 1] += c1; C[c + 2] += c2; C[c + 3] += c3;
    }
  }
  for (let j = N4; j < N; j++) {
    for (let i = 0; i < M4; i += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let a = aOff + i * ai;
      let b = bOff + j * bj;
      for (let k = 0; k < K; k++, a += ak, b += bk) {
        const v = B[b];
        c0 += A[a] * v; c1 += A[a + ai] * v; c2 += A[a + 2 * ai] * v; c3 += A[a + 3 * ai] * v;
      }
      const c = cOff + i * N + j;
      C[c] += c0; C[c + N] += c1; C[c + 2 * N] += c2; C[c + 3 * N] += c3;
    }
  }
  if (M4 < M && N4 < N) stridedEdge(M4, M, N4, N, N, K, A, aOff, ai, ak, B, bOff, bk, bj, C, cOff);
}

/** C (M×N) += A (M×K) · B (K×N). */
export function gemmNN(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  const fast = kernelFor(M * N * K, A, B, C);
  if (fast !== null) return fast.gemm(M, N, K, A, aOff, M * K, K, 1, B, bOff, K * N, N, 1, C, cOff);
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  gemmNNTiles(M4, N4, N, K, A, aOff, B, bOff, C, cOff);
  edges(M, N, K, M4, N4, A, aOff, K, 1, B, bOff, N, 1, C, cOff);
}

function gemmNNTiles(
  M4: number, N4: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  for (let i = 0; i < M4; i += 4) {
    const r0 = aOff + i * K;
    const r1 = r0 + K;
    const r2 = r1 + K;
    const r3 = r2 + K;
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let b = bOff + j;
      for (let k = 0; k < K; k++, b += N) {
        const a0 = A[r0 + k], a1 = A[r1 + k], a2 = A[r2 + k], a3 = A[r3 + k];
        const b0 = B[b], b1 = B[b + 1], b2 = B[b + 2], b3 = B[b + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let c = cOff + i * N + j;
      C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += N;
      C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += N;
      C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += N;
      C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
    }
  }
}

/** C (M×N) += Aᵀ · B, A: K×M, B: K×N. */
export function gemmTN(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  const fast = kernelFor(M * N * K, A, B, C);
  if (fast !== null) return fast.gemm(M, N, K, A, aOff, K * M, 1, M, B, bOff, K * N, N, 1, C, cOff);
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  gemmTNTiles(M, M4, N4, N, K, A, aOff, B, bOff, C, cOff);
  edges(M, N, K, M4, N4, A, aOff, 1, M, B, bOff, N, 1, C, cOff);
}

function gemmTNTiles(
  M: number, M4: number, N4: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let a = aOff + i;
      let b = bOff + j;
      for (let k = 0; k < K; k++, a += M, b += N) {
        const a0 = A[a], a1 = A[a + 1], a2 = A[a + 2], a3 = A[a + 3];
        const b0 = B[b], b1 = B[b + 1], b2 = B[b + 2], b3 = B[b + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let c = cOff + i * N + j;
      C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += N;
      C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += N;
      C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += N;
      C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
    }
  }
}

/** C (M×N) += A · Bᵀ, A: M×K, B: N×K. */
export function gemmNT(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  const fast = kernelFor(M * N * K, A, B, C);
  if (fast !== null) return fast.gemm(M, N, K, A, aOff, M * K, K, 1, B, bOff, N * K, 1, K, C, cOff);
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  gemmNTTiles(M4, N4, N, K, A, aOff, B, bOff, C, cOff);
  edges(M, N, K, M4, N4, A, aOff, K, 1, B, bOff, 1, K, C, cOff);
}

function gemmNTTiles(
  M4: number, N4: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  for (let i = 0; i < M4; i += 4) {
    const r0 = aOff + i * K;
    const r1 = r0 + K;
    const r2 = r1 + K;
    const r3 = r2 + K;
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      const s0 = bOff + j * K;
      const s1 = s0 + K;
      const s2 = s1 + K;
      const s3 = s2 + K;
      for (let k = 0; k < K; k++) {
        const a0 = A[r0 + k], a1 = A[r1 + k], a2 = A[r2 + k], a3 = A[r3 + k];
        const b0 = B[s0 + k], b1 = B[s1 + k], b2 = B[s2 + k], b3 = B[s3 + k];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let c = cOff + i * N + j;
      C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += N;
      C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += N;
      C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += N;
      C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
    }
  }
}

/** Textbook C (M×N) += A (M×K) · B (K×N), i-k-j order. */
export function gemmNNPlain(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) {
      const a = A[aOff + i * K + k];
      for (let j = 0; j < N; j++) C[cOff + i * N + j] += a * B[bOff + k * N + j];
    }
}

/** Textbook C (M×N) += Aᵀ · B, A: K×M, B: K×N. */
export function gemmTNPlain(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  for (let k = 0; k < K; k++)
    for (let i = 0; i < M; i++) {
      const a = A[aOff + k * M + i];
      for (let j = 0; j < N; j++) C[cOff + i * N + j] += a * B[bOff + k * N + j];
    }
}

/** Textbook C (M×N) += A · Bᵀ, A: M×K, B: N×K. */
export function gemmNTPlain(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number,
): void {
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[aOff + i * K + k] * B[bOff + j * K + k];
      C[cOff + i * N + j] += s;
    }
}
