import { GEMM_RELAXED, GEMM_SIMD } from './wasm/gemm.generated';

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

  /** Make the memory at least `floats` long; the workspace stays in it from one call to the next. */
  const ensure = (floats: number): void => {
    const bytes = floats * 4;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  };

  return {
    relaxed,
    gemm(M, N, K, a, aOff, aLen, ars, acs, b, bOff, bLen, brs, bcs, c, cOff) {
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
    },
  };
}
