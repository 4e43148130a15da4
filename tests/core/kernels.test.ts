import { describe, expect, it } from 'vitest';
import { afterAll } from 'vitest';
import { SIMD_MIN_WORK, gemmNN, gemmNNPlain, gemmNT, gemmNTPlain, gemmTN, gemmTNPlain, setSimdEnabled, simdInUse } from '../../src/core/kernels';
import { createRng } from '../../src/core/random';

type Kernel = typeof gemmNN;
const shapes: [number, number, number][] = [[1, 1, 1], [1, 9, 6], [2, 8, 3], [6, 3, 5], [1, 128, 31], [3, 5, 2], [17, 9, 13], [4, 4, 4], [8, 12, 1], [5, 1, 7], [33, 20, 64], [64, 10, 3], [64, 128, 784], [784, 128, 64], [17, 33, 65], [8, 16, 16]];

function random(n: number, rng: ReturnType<typeof createRng>): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Float64 reference of C + op(A)·op(B) for the three layouts. */
function reference(kind: 'NN' | 'TN' | 'NT', M: number, N: number, K: number, A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = C[cOff + i * N + j]!;
      for (let k = 0; k < K; k++) {
        const a = kind === 'TN' ? A[aOff + k * M + i]! : A[aOff + i * K + k]!;
        const b = kind === 'NT' ? B[bOff + j * K + k]! : B[bOff + k * N + j]!;
        s += a * b;
      }
      out[i * N + j] = s;
    }
  return out;
}

const kernels: { kind: 'NN' | 'TN' | 'NT'; fast: Kernel; plain: Kernel }[] = [
  { kind: 'NN', fast: gemmNN, plain: gemmNNPlain },
  { kind: 'TN', fast: gemmTN, plain: gemmTNPlain },
  { kind: 'NT', fast: gemmNT, plain: gemmNTPlain },
];

afterAll(() => {
  setSimdEnabled(true);
});

describe('matrix kernels', () => {
  it('use the WebAssembly SIMD kernel for large products in Node', () => {
    expect(setSimdEnabled(true)).toBe(true);
    expect(simdInUse()).toBe(true);
    expect(8 * 16 * 16).toBeGreaterThanOrEqual(SIMD_MIN_WORK);
  });

  for (const simd of [true, false]) {
  for (const { kind, fast, plain } of kernels) {
    for (const [M, N, K] of shapes) {
      it(`gemm${kind} ${simd ? 'SIMD' : 'TypeScript'} tiles equal plain and the float64 reference at M=${M} N=${N} K=${K}, accumulating at offsets`, () => {
        setSimdEnabled(simd);
        const rng = createRng(M * 1000 + N * 10 + K);
        const aOff = 3, bOff = 5, cOff = 2;
        const A = random(aOff + M * K, rng);
        const B = random(bOff + K * N, rng);
        const C0 = random(cOff + M * N + 4, rng);
        const cFast = C0.slice();
        const cPlain = C0.slice();
        fast(M, N, K, A, aOff, B, bOff, cFast, cOff);
        plain(M, N, K, A, aOff, B, bOff, cPlain, cOff);
        const ref = reference(kind, M, N, K, A, aOff, B, bOff, C0, cOff);
        for (let i = 0; i < M * N; i++) {
          expect(Math.abs(cFast[cOff + i]! - ref[i]!)).toBeLessThanOrEqual(1e-6 * (1 + K));
          expect(Math.abs(cFast[cOff + i]! - cPlain[cOff + i]!)).toBeLessThanOrEqual(1e-6 * (1 + K));
        }
        // Nothing outside C's block is touched.
        for (let i = 0; i < cOff; i++) expect(cFast[i]).toBe(C0[i]);
        for (let i = cOff + M * N; i < C0.length; i++) expect(cFast[i]).toBe(C0[i]);
      });
    }
  }
  }
});
