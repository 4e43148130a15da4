/**
 * A WebAssembly SIMD kernel for the interior of the two big matrix products (forward and weight gradient), assembled
 * here byte by byte, so no build step and no binary file is involved. Where WebAssembly or its SIMD is unavailable
 * (an old runtime, a page whose CSP forbids compiling WebAssembly) `createSimdGemm` returns null and the plain
 * TypeScript kernels do all the work.
 *
 * The one function, over float32 in its own memory:
 *   gemm(aPtr, ai, ak, bPtr, bk, pPtr, M4, N4, K):  P[i·N4 + j] = Σ_k A[i·ai + k·ak] · B[k·bk + j]
 * for i < M4, j < N4 (multiples of 4; K ≥ 1), in 4×4 tiles: four f32x4 accumulators, one per row, each step adding
 * splat(A[i+r, k]) · B[k, j..j+3]. Products and sums are rounded to float32 at every step (IEEE, no fused
 * multiply-add), so results are the same on every machine, though not bit-equal to the float64-accumulating
 * TypeScript kernels.
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

// Opcodes (WebAssembly core 2.0 + SIMD).
const I32 = 0x7f;
const V128 = 0x7b;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const GET = 0x20, SET = 0x21;
const I32_CONST = 0x41, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_GE_U = 0x4f;
const SIMD = 0xfd;
const V128_LOAD = 0x00, V128_LOAD32_SPLAT = 0x09, V128_STORE = 0x0b, V128_CONST = 0x0c;
const F32X4_ADD = [0xe4, 0x01], F32X4_MUL = [0xe6, 0x01];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** The module's bytes. */
function assemble(): Uint8Array {
  // Parameters 0..8, then locals.
  const [aPtr, ai, ak, bPtr, bk, pPtr, M4, N4, K] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [i, j, k, pa, pb, a1, a2, a3, ak4, bk4, pRow] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const [acc0, acc1, acc2, acc3, bv] = [20, 21, 22, 23, 24];
  const get = (x: number) => [GET, x];
  const set = (x: number) => [SET, x];
  const c32 = (v: number) => [I32_CONST, ...uleb(v)]; // small non-negative constants only
  const zero128 = [SIMD, V128_CONST, ...new Array<number>(16).fill(0)];
  const memarg = (align: number) => [align, 0];
  /** acc = acc + splat(A at pa + off) · bv */
  const fma = (acc: number, off: number | null) => [
    ...get(acc),
    ...get(pa), ...(off === null ? [] : [...get(off), I32_ADD]),
    SIMD, V128_LOAD32_SPLAT, ...memarg(2),
    ...get(bv),
    SIMD, ...F32X4_MUL,
    SIMD, ...F32X4_ADD,
    ...set(acc),
  ];
  /** store acc at pRow + r·N4·4 + j·4 */
  const store = (acc: number, r: number) => [
    ...get(pRow), ...get(j), ...c32(4), I32_MUL, I32_ADD,
    ...(r === 0 ? [] : [...get(N4), ...c32(4 * r), I32_MUL, I32_ADD]),
    ...get(acc),
    SIMD, V128_STORE, ...memarg(2),
  ];

  const body = [
    // a1..a3: byte distance between rows of A; ak4, bk4: byte step along k.
    ...get(ai), ...c32(4), I32_MUL, ...set(a1),
    ...get(a1), ...c32(2), I32_MUL, ...set(a2),
    ...get(a1), ...c32(3), I32_MUL, ...set(a3),
    ...get(ak), ...c32(4), I32_MUL, ...set(ak4),
    ...get(bk), ...c32(4), I32_MUL, ...set(bk4),
    ...c32(0), ...set(i),
    BLOCK, VOID, LOOP, VOID,
    ...get(i), ...get(M4), I32_GE_U, BR_IF, 1,
    // pRow = pPtr + i·N4·4
    ...get(pPtr), ...get(i), ...get(N4), I32_MUL, ...c32(4), I32_MUL, I32_ADD, ...set(pRow),
    ...c32(0), ...set(j),
    BLOCK, VOID, LOOP, VOID,
    ...get(j), ...get(N4), I32_GE_U, BR_IF, 1,
    ...zero128, ...set(acc0), ...zero128, ...set(acc1), ...zero128, ...set(acc2), ...zero128, ...set(acc3),
    // pa = aPtr + i·a1 (i rows of A), pb = bPtr + j·4
    ...get(aPtr), ...get(i), ...get(a1), I32_MUL, I32_ADD, ...set(pa),
    ...get(bPtr), ...get(j), ...c32(4), I32_MUL, I32_ADD, ...set(pb),
    ...get(K), ...set(k),
    LOOP, VOID,
    ...get(pb), SIMD, V128_LOAD, ...memarg(2), ...set(bv),
    ...fma(acc0, null), ...fma(acc1, a1), ...fma(acc2, a2), ...fma(acc3, a3),
    ...get(pa), ...get(ak4), I32_ADD, ...set(pa),
    ...get(pb), ...get(bk4), I32_ADD, ...set(pb),
    ...get(k), ...c32(1), I32_SUB, ...set(k),
    ...get(k), BR_IF, 0,
    END,
    ...store(acc0, 0), ...store(acc1, 1), ...store(acc2, 2), ...store(acc3, 3),
    ...get(j), ...c32(4), I32_ADD, ...set(j),
    BR, 0,
    END, END,
    ...get(i), ...c32(4), I32_ADD, ...set(i),
    BR, 0,
    END, END,
    END,
  ];
  const locals = [2, ...uleb(11), I32, ...uleb(5), V128];
  const code = [...locals, ...body];

  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 9, ...new Array<number>(9).fill(I32), 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...str('gemm'), 0x00, 0, ...str('mem'), 0x02, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ];
  return Uint8Array.from(bytes);
}

export interface SimdGemm {
  /**
   * P (M4×N4, row-major) = A·B over the interior, reading A(i, k) at a[aOff + i·ai + k·ak] and B(k, j) at
   * b[bOff + k·bk + j]; aLength and bLength are the spans of a and b those reads cover. Copies the spans into
   * WebAssembly memory and returns where P starts in `heap` (valid until the next call).
   */
  product(
    M4: number, N4: number, K: number,
    a: Float32Array, aOff: number, ai: number, ak: number, aLength: number,
    b: Float32Array, bOff: number, bk: number, bLength: number,
  ): number;
  /** As `product`, with B given transposed: B(k, j) at b[bOff + j·K + k] (transposed while copied in). */
  productBt(
    M4: number, N4: number, K: number,
    a: Float32Array, aOff: number, ai: number, ak: number, aLength: number,
    b: Float32Array, bOff: number,
  ): number;
  /** The WebAssembly memory as float32 (replaced when the memory grows). */
  readonly heap: Float32Array;
}

/** The SIMD kernel, or null where WebAssembly SIMD cannot be compiled here. */
export function createSimdGemm(): SimdGemm | null {
  let instance: { exports: Record<string, unknown> };
  try {
    if (typeof WebAssembly !== 'object') return null;
    instance = new WebAssembly.Instance(new WebAssembly.Module(assemble()), {});
  } catch {
    return null;
  }
  const gemm = instance.exports.gemm as (...args: number[]) => void;
  const memory = instance.exports.mem as WasmMemory;
  let heap = new Float32Array(memory.buffer);

  const ensure = (floats: number) => {
    const bytes = floats * 4;
    if (bytes > memory.buffer.byteLength) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      heap = new Float32Array(memory.buffer);
    }
  };

  return {
    get heap() {
      return heap;
    },
    product(M4, N4, K, a, aOff, ai, ak, aLength, b, bOff, bk, bLength) {
      // Layout in wasm memory: [A span | B span | P], each span copied as it lies (strides unchanged).
      const aBase = 0;
      const bBase = aLength;
      const pBase = aLength + bLength;
      ensure(pBase + M4 * N4);
      heap.set(aOff === 0 && aLength === a.length ? a : a.subarray(aOff, aOff + aLength), aBase);
      heap.set(bOff === 0 && bLength === b.length ? b : b.subarray(bOff, bOff + bLength), bBase);
      gemm(aBase * 4, ai, ak, bBase * 4, bk, pBase * 4, M4, N4, K);
      return pBase;
    },
    productBt(M4, N4, K, a, aOff, ai, ak, aLength, b, bOff) {
      const aBase = 0;
      const bBase = aLength;
      const pBase = aLength + K * N4;
      ensure(pBase + M4 * N4);
      heap.set(aOff === 0 && aLength === a.length ? a : a.subarray(aOff, aOff + aLength), aBase);
      const h = heap;
      for (let j = 0; j < N4; j++) {
        const src = bOff + j * K;
        for (let k = 0; k < K; k++) h[bBase + k * N4 + j] = b[src + k]!;
      }
      gemm(aBase * 4, ai, ak, bBase * 4, N4, pBase * 4, M4, N4, K);
      return pBase;
    },
  };
}
