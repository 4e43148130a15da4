import { arenaOf, type Arena } from './arena';
import { GEMM_RELAXED_SHARED, GEMM_SIMD_SHARED } from './wasm/gemm.generated';
import { KC, MC, NC, bytesOf, line, type GemmExport, type SimdGemm } from './simd';

/**
 * Large matrix products split across threads over one shared WebAssembly memory.
 *
 * The core starts no thread itself (it runs in pages, workers, Node and Electron alike, and must not import any of
 * them): the host hands it a `GemmThreadHost` that can start a worker running GEMM_THREAD_SOURCE (src/trainer/threads.ts
 * does so with worker_threads under Node and in Electron's utility process, and with nested Web Workers in a
 * cross-origin-isolated page). Every thread, the calling one included, instantiates the same shared-memory build of
 * wasm/gemm.wat over the same `WebAssembly.Memory({ shared: true })`, and has its own packing workspace in it.
 *
 * A product is cut into as many parts as there are threads: blocks of rows of C (a multiple of 4), or of columns (a
 * multiple of 8) when C is wider than tall (whichever repeats less packing: each part packs the whole of the other
 * operand). Each part is claimed by whichever thread gets to it first (an atomic counter), so a slow or missing worker
 * only means the caller does more parts itself. Each value of C is computed by exactly one thread, summed in the order
 * wasm/gemm.wat's `gemm` fixes (k in order within KC blocks), so results are bit for bit the same for any number of
 * threads, and for any thread computing any part.
 *
 * The memory is the pool's own, or a network's arena (src/core/arena.ts): then the control block and the workspaces
 * are allocated in the arena, and the network's resident buffers are passed to the threads where they are (only
 * operands that are not resident are copied in, and C out).
 *
 * Control block (Int32, at byte `ctl` of the memory), written by the caller, read by the workers:
 *   SEQ     bumped for each product (workers Atomics.wait on it)
 *   CLAIM   (product's SEQ & 0xffff) << 16 | parts << 8 | the next part, one word: a part is claimed by
 *           compare-and-swap, only while the word names the product the thread woke for and has parts left (a late
 *           worker cannot take a part of the next product, nor count the next product's parts against this one's)
 *   DONE    parts finished (the caller Atomics.wait's on it)           QUIT   1: workers return
 *   PARTS   parts of this product                                      SPLIT_N  1: parts are column blocks
 *   M N K, A/B/C byte addresses and strides of the current product.
 */

/** Indices into the control block. Also spelt out in GEMM_THREAD_SOURCE (which cannot import). */
const SEQ = 0, CLAIM = 1, DONE = 2, QUIT = 3, PARTS = 4, SPLIT_N = 5, M_ = 6, N_ = 7, K_ = 8;
const A_ = 9, ARS = 10, ACS = 11, B_ = 12, BRS = 13, BCS = 14, C_ = 15;
const CONTROL_INTS = 32;

/** What each worker is sent, once, as its first message. */
export interface GemmThreadInit {
  /** The shared WebAssembly.Memory. */
  memory: unknown;
  /** The compiled shared-memory module (a WebAssembly.Module; structured-cloneable). */
  module: unknown;
  /** Byte address of the control block. */
  ctl: number;
  /** This worker's thread number (1…threads-1; the caller is 0). */
  index: number;
  /** Byte addresses of its workspace: packed A, packed B, the scratch tile. */
  pa: number;
  pb: number;
  tmp: number;
}

/** A started worker thread, as the host hands it back. */
export interface GemmWorkerHandle {
  terminate(): void;
}

/** What the host provides: how many threads to use, and how to start one. */
export interface GemmThreadHost {
  /** Threads in all, the calling thread included (the pool starts threads - 1 workers). */
  readonly threads: number;
  /**
   * Start a worker running GEMM_THREAD_SOURCE and post it `init`. Call `onExit(reason)` once if the worker ends or
   * fails (it never ends by itself while the pool lives).
   */
  spawn(init: GemmThreadInit, onExit: (reason: string) => void): GemmWorkerHandle;
}

/** The pool's state, for status lines and tests. */
export interface GemmThreadStatus {
  /** Threads a large product is split across now (1 after a worker died). */
  threads: number;
  /** Threads asked for. */
  requested: number;
  /** Why fewer threads than requested are in use, if so. */
  problem?: string;
}

export interface ThreadedGemm extends SimdGemm {
  /** The arena whose memory the threads share, if the pool was made over one. */
  readonly arena: Arena | undefined;
  status(): GemmThreadStatus;
  /** Products split so far, and how many of their parts the calling thread and the workers computed. */
  stats(): { split: number; partsByCaller: number; partsByWorkers: number };
  /** Stop the workers (products then run on the calling thread). */
  dispose(): void;
}

/** The little of the WebAssembly and Atomics APIs used here (src/core compiles without DOM or Node types). */
interface SharedMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
};

/**
 * The worker's program, plain JavaScript (it runs from a string: `new Worker(source, { eval: true })` under Node, a
 * blob: URL in a page, so no bundler has to know about it). It takes its init message, then waits for products.
 */
export const GEMM_THREAD_SOURCE = `'use strict';
const SEQ = 0, CLAIM = 1, DONE = 2, QUIT = 3, PARTS = 4, SPLIT_N = 5, M_ = 6, N_ = 7, K_ = 8;
const A_ = 9, ARS = 10, ACS = 11, B_ = 12, BRS = 13, BCS = 14, C_ = 15;
// The next part of product seq, claimed, or -1 when none is left (or another product is on).
function claim(ctl, seq) {
  for (;;) {
    const v = Atomics.load(ctl, CLAIM);
    if (v >>> 16 !== (seq & 0xffff) || (v & 255) >= ((v >>> 8) & 255)) return -1;
    if (Atomics.compareExchange(ctl, CLAIM, v, v + 1) === v) return v & 255;
  }
}
function serve(init) {
  const gemm = new WebAssembly.Instance(init.module, { env: { mem: init.memory } }).exports.gemm;
  const ctl = new Int32Array(init.memory.buffer, init.ctl, 32);
  let seen = Atomics.load(ctl, SEQ);
  for (;;) {
    Atomics.wait(ctl, SEQ, seen);
    seen = Atomics.load(ctl, SEQ);
    if (Atomics.load(ctl, QUIT) !== 0) return;
    for (;;) {
      const p = claim(ctl, seen);
      if (p < 0) break;
      const parts = ctl[PARTS];
      const M = ctl[M_], N = ctl[N_], K = ctl[K_], splitN = ctl[SPLIT_N] === 1;
      const span = splitN ? Math.ceil(N / parts / 8) * 8 : Math.ceil(M / parts / 4) * 4;
      const from = p * span, to = Math.min(splitN ? N : M, from + span);
      if (from < to) {
        const ars = ctl[ARS], acs = ctl[ACS], brs = ctl[BRS], bcs = ctl[BCS];
        if (splitN) gemm(ctl[A_], ars, acs, ctl[B_] + 4 * from * bcs, brs, bcs, ctl[C_] + 4 * from, N, M, to - from, K, init.pa, init.pb, init.tmp);
        else gemm(ctl[A_] + 4 * from * ars, ars, acs, ctl[B_], brs, bcs, ctl[C_] + 4 * from * N, N, to - from, N, K, init.pa, init.pb, init.tmp);
      }
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
    }
  }
}
if (typeof require === 'function' && typeof process === 'object') {
  require('node:worker_threads').parentPort.once('message', serve);
} else {
  self.onmessage = (event) => { self.onmessage = null; serve(event.data); };
}
`;

/** Products the caller waits this long for without any part finishing are abandoned with an error (a worker died in it). */
export const STALL_MS = 30_000;

/**
 * A kernel that splits products across `host.threads` threads, or null where shared WebAssembly memory or this kind
 * of module cannot be made (no cross-origin isolation in a page, an old engine). `splitFrom` is the caller's threshold
 * for splitting at all: products of 16 times that are cut into 4 parts per thread.
 */
export function createThreadedGemm(
  relaxed: boolean, host: GemmThreadHost, stallMs = STALL_MS, splitFrom: () => number = () => 1 << 20, arena?: Arena,
): ThreadedGemm | null {
  let memory: SharedMemory;
  let module: object;
  let gemm: GemmExport;
  try {
    if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return null;
    memory = arena ? (arena.memory as SharedMemory) : new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    module = new WebAssembly.Module(bytesOf(relaxed ? GEMM_RELAXED_SHARED : GEMM_SIMD_SHARED));
    gemm = new WebAssembly.Instance(module, { env: { mem: memory } }).exports.gemm as GemmExport;
  } catch {
    return null;
  }
  const threads = Math.max(1, Math.floor(host.threads));
  // Layout (floats from `base`): [control | a workspace per thread: packed A, packed B, scratch tile | A | B | C]
  // (in an arena, A, B and C, when not resident, go to the arena's kernel workspace instead).
  const wsFloats = line(MC * KC) + line(NC * KC) + line(32);
  const dataStart = CONTROL_INTS + threads * wsFloats;
  const base = arena ? arena.floats(dataStart).byteOffset / 4 : 0;
  const workspace = (t: number) => {
    const pa = base + CONTROL_INTS + t * wsFloats;
    return { pa: 4 * pa, pb: 4 * (pa + line(MC * KC)), tmp: 4 * (pa + line(MC * KC) + line(NC * KC)) };
  };
  let heap = new Float32Array(memory.buffer);
  const ensure = (floats: number): void => {
    const bytes = floats * 4;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (heap.length * 4 !== memory.buffer.byteLength) heap = new Float32Array(memory.buffer);
  };
  if (!arena) ensure(dataStart);
  const ctl = new Int32Array(memory.buffer, base * 4, CONTROL_INTS);
  /** Float address of `floats` floats for operands that are not resident. */
  const staging = (floats: number): number => {
    if (!arena) {
      ensure(dataStart + floats);
      return dataStart;
    }
    const at = arena.workspace(floats);
    if (heap.length * 4 !== memory.buffer.byteLength) heap = new Float32Array(memory.buffer);
    return at;
  };

  const workers: GemmWorkerHandle[] = [];
  let problem: string | undefined;
  let alive = true;
  const stopWorkers = (): void => {
    alive = false;
    Atomics.store(ctl, QUIT, 1);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    for (const w of workers) {
      try {
        w.terminate();
      } catch {
        // already gone
      }
    }
  };
  for (let t = 1; t < threads && problem === undefined; t++) {
    try {
      workers.push(host.spawn({ memory, module, ctl: base * 4, index: t, ...workspace(t) }, (reason) => {
        if (!alive) return;
        problem = `worker thread ${t} stopped (${reason}); large products now run on one thread (same results)`;
        stopWorkers();
      }));
    } catch (error) {
      problem = `worker thread ${t} could not start (${error instanceof Error ? error.message : String(error)}); products run on one thread`;
      stopWorkers();
    }
  }
  const main = workspace(0);
  const stats = { split: 0, partsByCaller: 0, partsByWorkers: 0 };
  const copies = { copiedIn: 0, copiedOut: 0 };

  /** The next part of product `seq` for the calling thread, or -1 (as `claim` in GEMM_THREAD_SOURCE). */
  const claim = (seq: number): number => {
    for (;;) {
      const v = Atomics.load(ctl, CLAIM);
      if (v >>> 16 !== (seq & 0xffff) || (v & 255) >= ((v >>> 8) & 255)) return -1;
      if (Atomics.compareExchange(ctl, CLAIM, v, v + 1) === v) return v & 255;
    }
  };

  /** Parts of the current product this thread computes, claimed one at a time. */
  const work = (seq: number, parts: number, M: number, N: number, K: number, splitN: boolean, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number): number => {
    let mine = 0;
    const span = splitN ? Math.ceil(N / parts / 8) * 8 : Math.ceil(M / parts / 4) * 4;
    for (;;) {
      const p = claim(seq);
      if (p < 0) return mine;
      const from = p * span;
      const to = Math.min(splitN ? N : M, from + span);
      if (from < to) {
        if (splitN) gemm(a, ars, acs, b + 4 * from * bcs, brs, bcs, c + 4 * from, N, M, to - from, K, main.pa, main.pb, main.tmp);
        else gemm(a + 4 * from * ars, ars, acs, b, brs, bcs, c + 4 * from * N, N, to - from, N, K, main.pa, main.pb, main.tmp);
      }
      Atomics.add(ctl, DONE, 1);
      mine++;
    }
  };

  return {
    relaxed,
    arena,
    stats: () => ({ ...stats }),
    copies: () => ({ ...copies }),
    status: () => ({ threads: alive && problem === undefined ? threads : 1, requested: threads, ...(problem === undefined ? {} : { problem }) }),
    dispose() {
      if (alive) stopWorkers();
    },
    gemm(M, N, K, a, aOff, aLen, ars, acs, b, bOff, bLen, brs, bcs, c, cOff) {
      const aIn = arena !== undefined && arenaOf(a) === arena;
      const bIn = arena !== undefined && arenaOf(b) === arena;
      const cIn = arena !== undefined && arenaOf(c) === arena;
      const aAt = 0;
      const bAt = aAt + (aIn ? 0 : line(aLen));
      const cAt = bAt + (bIn ? 0 : line(bLen));
      const at = staging(cAt + (cIn ? 0 : line(M * N)));
      let aPtr: number, bPtr: number, cPtr: number;
      if (aIn) aPtr = a.byteOffset / 4 + aOff;
      else {
        aPtr = at + aAt;
        heap.set(a.subarray(aOff, aOff + aLen), aPtr);
        copies.copiedIn += aLen;
      }
      if (bIn) bPtr = b.byteOffset / 4 + bOff;
      else {
        bPtr = at + bAt;
        heap.set(b.subarray(bOff, bOff + bLen), bPtr);
        copies.copiedIn += bLen;
      }
      if (cIn) cPtr = c.byteOffset / 4 + cOff;
      else {
        cPtr = at + cAt;
        heap.set(c.subarray(cOff, cOff + M * N), cPtr);
        copies.copiedIn += M * N;
      }
      if (!alive || threads === 1) {
        gemm(4 * aPtr, ars, acs, 4 * bPtr, brs, bcs, 4 * cPtr, N, M, N, K, main.pa, main.pb, main.tmp);
      } else {
        // More parts than threads for big products: a thread that is slow to get a core (another process has it)
        // then holds up less, as the others claim what it has not started.
        const parts = M * N * K >= 16 * splitFrom() ? 4 * threads : threads;
        const splitN = M < N && N >= 8 * parts;
        const seq = (Atomics.load(ctl, SEQ) + 1) & 0x7fffffff;
        ctl[PARTS] = parts;
        ctl[M_] = M; ctl[N_] = N; ctl[K_] = K; ctl[SPLIT_N] = splitN ? 1 : 0;
        ctl[A_] = 4 * aPtr; ctl[ARS] = ars; ctl[ACS] = acs;
        ctl[B_] = 4 * bPtr; ctl[BRS] = brs; ctl[BCS] = bcs;
        ctl[C_] = 4 * cPtr;
        Atomics.store(ctl, DONE, 0);
        Atomics.store(ctl, CLAIM, ((seq & 0xffff) << 16) | (parts << 8));
        Atomics.store(ctl, SEQ, seq);
        Atomics.notify(ctl, SEQ);
        const mine = work(seq, parts, M, N, K, splitN, 4 * aPtr, ars, acs, 4 * bPtr, brs, bcs, 4 * cPtr);
        // Every part is claimed now; wait for the workers' parts to finish.
        let done = Atomics.load(ctl, DONE);
        let waited = 0;
        while (done < parts) {
          const slice = 100;
          if (Atomics.wait(ctl, DONE, done, slice) === 'timed-out') waited += slice;
          const now = Atomics.load(ctl, DONE);
          if (now !== done) waited = 0;
          done = now;
          if (done < parts && waited >= stallMs) {
            problem = `a worker thread stopped in the middle of a product (no part finished in ${stallMs} ms); large products now run on one thread`;
            stopWorkers();
            throw new Error(`matrix product ${M}×${N}×${K}: ${problem}`);
          }
        }
        stats.split++;
        stats.partsByCaller += mine;
        stats.partsByWorkers += parts - mine;
      }
      if (!cIn) {
        c.set(heap.subarray(cPtr, cPtr + M * N), cOff);
        copies.copiedOut += M * N;
      }
    },
  };
}
