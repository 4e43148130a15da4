import { arenaOf, type Arena } from './arena';
import { GEMM_RELAXED, GEMM_RELAXED_SHARED, GEMM_SIMD, GEMM_SIMD_SHARED } from './wasm/gemm.generated';

/**
 * The WebAssembly side of the matrix products: loads the packed, cache-blocked GEMM of wasm/gemm.wat (assembled at
 * build time by wabt, see build/assemble-wasm.ts) and drives it block by block. Where WebAssembly or its SIMD is
 * unavailable (an old runtime, a page whose CSP forbids compiling WebAssembly) `createSimdGemm` returns null and the
 * plain TypeScript kernels do all the work.
 *
 * The blocked loop itself is wasm/gemm.wat's `gemm` (one call per product):
 *
 *   for each block of NC columns of C:
 *     for each block of KC of the summed dimension:   pack B's KC×NC block (panels of 8 columns)
 *       for each block of MC rows:                     pack A's MC×KC block (panels of 4 rows)
 *         gebp: C block += packed A · packed B, in 4×8 register tiles
 *
 * Each value of C is summed in the same order whatever the blocking of rows and columns: k within a KC block in
 * order, in float32, then the KC blocks added to C one after another. So results depend on KC only (a constant),
 * not on how rows or columns are split (which is what lets a product be split across threads bit for bit).
 */

/** The little of the WebAssembly JS API used here (src/core compiles without DOM or Node types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

/** Depth of a block (its packed panels of A and B stay in L1/L2 while used), rows and columns of a block (gemm.wat's `gemm` loops with the same three numbers). */
export const KC = 256;
export const MC = 96; // a multiple of the 4-row tile
export const NC = 512; // a multiple of the 8-column tile

export interface SimdGemm {
  /**
   * C (M×N, row-major at c[cOff]) += op(A)·op(B), where op(A)(i, k) = a[aOff + i·ars + k·acs] and
   * op(B)(k, j) = b[bOff + k·brs + j·bcs]; a and b are read in [aOff, aOff + aLen) and [bOff, bOff + bLen).
   * M, N, K ≥ 1.
   */
  gemm(
    M: number, N: number, K: number,
    a: Float32Array, aOff: number, aLen: number, ars: number, acs: number,
    b: Float32Array, bOff: number, bLen: number, brs: number, bcs: number,
    c: Float32Array, cOff: number,
  ): void;
  /** Whether this kernel fuses its multiply-adds (relaxed SIMD). */
  readonly relaxed: boolean;
  /** Floats copied into the WebAssembly memory (operands) and out of it (C) so far. */
  copies(): GemmCopies;
}

export interface GemmCopies {
  copiedIn: number;
  copiedOut: number;
}

export function bytesOf(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

type Exports = {
  mem: WasmMemory;
  packA: (src: number, rs: number, cs: number, m: number, k: number, dst: number) => void;
  packB: (src: number, rs: number, cs: number, k: number, n: number, dst: number) => void;
  gebp: (pa: number, pb: number, m: number, n: number, k: number, c: number, ldc: number, tmp: number) => void;
  gemm: GemmExport;
};

/** wasm/gemm.wat's `gemm`: the whole blocked loop over C (m×n at c, row stride ldc); byte addresses, float strides. */
export type GemmExport = (
  a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number, ldc: number,
  m: number, n: number, k: number, pa: number, pb: number, tmp: number,
) => void;

function instantiate(hex: string): Exports | null {
  try {
    if (typeof WebAssembly !== 'object') return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytesOf(hex)), {}).exports as unknown as Exports;
  } catch {
    return null;
  }
}

/** Round a count of floats up to a multiple of 16 (64 bytes, a cache line). */
export const line = (floats: number): number => Math.ceil(floats / 16) * 16;

/**
 * The SIMD kernel (with fused multiply-adds if `relaxed` and the engine has relaxed SIMD), or null where this kind
 * of kernel cannot be compiled here.
 */
export function createSimdGemm(relaxed: boolean): SimdGemm | null {
  const wasm = instantiate(relaxed ? GEMM_RELAXED : GEMM_SIMD);
  if (wasm === null) return null;
  const memory = wasm.mem;
  let heap = new Float32Array(memory.buffer);
  const copies: GemmCopies = { copiedIn: 0, copiedOut: 0 };
  /** The shared-memory build of the same kernel, instantiated over each arena it meets (compiled at the first). */
  let sharedModule: object | null | undefined;
  const onArena = new WeakMap<Arena, GemmExport>();
  const arenaGemm = (arena: Arena): GemmExport | null => {
    let g = onArena.get(arena);
    if (g === undefined) {
      try {
        sharedModule ??= new WebAssembly.Module(bytesOf(relaxed ? GEMM_RELAXED_SHARED : GEMM_SIMD_SHARED));
        g = new WebAssembly.Instance(sharedModule, { env: { mem: arena.memory } }).exports.gemm as GemmExport;
      } catch {
        sharedModule = null;
        return null;
      }
      onArena.set(arena, g);
    }
    return g;
  };

  /**
   * The product with at least one operand resident in `arena`: resident operands are passed where they are, the
   * others copied into the arena's kernel workspace (and C copied back if it is not resident). Same loop, same order
   * of summation as the copying path, so the same bits.
   */
  const resident = (
    arena: Arena, g: GemmExport, M: number, N: number, K: number,
    a: Float32Array, aOff: number, aLen: number, ars: number, acs: number,
    b: Float32Array, bOff: number, bLen: number, brs: number, bcs: number,
    c: Float32Array, cOff: number,
  ): void => {
    const aIn = arenaOf(a) === arena, bIn = arenaOf(b) === arena, cIn = arenaOf(c) === arena;
    // Workspace layout (floats): [packed A block | packed B block | 4×8 scratch tile | A? | B? | C?].
    const pa = 0;
    const pb = pa + line(MC * Math.min(K, KC));
    const tmp = pb + line(NC * Math.min(K, KC));
    const aAt = tmp + 48;
    const bAt = aAt + (aIn ? 0 : line(aLen));
    const cAt = bAt + (bIn ? 0 : line(bLen));
    const base = arena.workspace(cAt + (cIn ? 0 : M * N));
    const view = aIn && bIn && cIn ? heap : new Float32Array(arena.memory.buffer);
    let aPtr: number, bPtr: number, cPtr: number;
    if (aIn) aPtr = a.byteOffset / 4 + aOff;
    else {
      aPtr = base + aAt;
      view.set(a.subarray(aOff, aOff + aLen), aPtr);
      copies.copiedIn += aLen;
    }
    if (bIn) bPtr = b.byteOffset / 4 + bOff;
    else {
      bPtr = base + bAt;
      view.set(b.subarray(bOff, bOff + bLen), bPtr);
      copies.copiedIn += bLen;
    }
    if (cIn) cPtr = c.byteOffset / 4 + cOff;
    else {
      cPtr = base + cAt;
      view.set(c.subarray(cOff, cOff + M * N), cPtr);
      copies.copiedIn += M * N;
    }
    g(4 * aPtr, ars, acs, 4 * bPtr, brs, bcs, 4 * cPtr, N, M, N, K, 4 * (base + pa), 4 * (base + pb), 4 * (base + tmp));
    if (!cIn) {
      c.set(view.subarray(cPtr, cPtr + M * N), cOff);
      copies.copiedOut += M * N;
    }
  };

  /** Make the memory at least `floats` long; the workspace stays in it from one call to the next. */
  const ensure = (floats: number): void => {
    const bytes = floats * 4;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  };

  return {
    relaxed,
    copies: () => ({ ...copies }),
    gemm(M, N, K, a, aOff, aLen, ars, acs, b, bOff, bLen, brs, bcs, c, cOff) {
      const arena = arenaOf(c) ?? arenaOf(b) ?? arenaOf(a);
      const g = arena === undefined ? null : arenaGemm(arena);
      if (arena !== undefined && g !== null) {
        resident(arena, g, M, N, K, a, aOff, aLen, ars, acs, b, bOff, bLen, brs, bcs, c, cOff);
        return;
      }
      // Layout (floats): [A | B | C | packed A block | packed B block | 4×8 scratch tile].
      const aPtr = 0;
      const bPtr = line(aLen);
      const cPtr = bPtr + line(bLen);
      const paPtr = cPtr + line(M * N);
      const pbPtr = paPtr + line(MC * Math.min(K, KC));
      const tmpPtr = pbPtr + line(NC * Math.min(K, KC));
      ensure(tmpPtr + 48);
      heap.set(a.subarray(aOff, aOff + aLen), aPtr);
      heap.set(b.subarray(bOff, bOff + bLen), bPtr);
      heap.set(c.subarray(cOff, cOff + M * N), cPtr);
      wasm.gemm(4 * aPtr, ars, acs, 4 * bPtr, brs, bcs, 4 * cPtr, N, M, N, K, 4 * paPtr, 4 * pbPtr, 4 * tmpPtr);
      c.set(heap.subarray(cPtr, cPtr + M * N), cOff);
      copies.copiedIn += aLen + bLen + M * N;
      copies.copiedOut += M * N;
    },
  };
}
