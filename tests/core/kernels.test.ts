import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  SIMD_MIN_WORK, gemmNN, gemmNNPlain, gemmNT, gemmNTPlain, gemmTN, gemmTNPlain, relaxedSimdInUse, setRelaxedSimdEnabled, setSimdEnabled, simdInUse,
} from '../../src/core/kernels';
import { KC, MC, NC } from '../../src/core/simd';
import { createRng } from '../../src/core/random';
import { KERNEL_MODES, useDefaultKernels, useKernelMode } from './helpers/kernel-modes';

type Kernel = typeof gemmNN;
type Kind = 'NN' | 'TN' | 'NT';
const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 9, 6], [2, 8, 3], [6, 3, 5], [1, 128, 31], [3, 5, 2], [17, 9, 13], [4, 4, 4], [8, 12, 1], [5, 1, 7], [33, 20, 64],
  [64, 10, 3], [64, 128, 784], [784, 128, 64], [17, 33, 65], [8, 16, 16],
  // across the cache blocks: more rows than MC, more columns than NC, a depth of more than one KC block
  [MC + 5, 9, 7], [6, NC + 3, 5], [5, 7, KC * 2 + 3], [MC + 1, NC + 9, KC + 1],
];

function random(n: number, rng: ReturnType<typeof createRng>): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Float64 reference of C + op(A)·op(B) for the three layouts. */
function reference(kind: Kind, M: number, N: number, K: number, A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number): Float64Array {
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

const kernels: { kind: Kind; fast: Kernel; plain: Kernel }[] = [
  { kind: 'NN', fast: gemmNN, plain: gemmNNPlain },
  { kind: 'TN', fast: gemmTN, plain: gemmTNPlain },
  { kind: 'NT', fast: gemmNT, plain: gemmNTPlain },
];

/** Runs one product at offsets; returns the largest error against the float64 reference (in units of 1e-6·(1 + K)) and whether anything outside C's block changed. */
function check(kind: Kind, fast: Kernel, M: number, N: number, K: number, seed: number): { error: number; outside: boolean; result: Float32Array } {
  const rng = createRng(seed);
  const aOff = 3, bOff = 5, cOff = 2;
  const A = random(aOff + M * K + 2, rng);
  const B = random(bOff + K * N + 3, rng);
  const C0 = random(cOff + M * N + 4, rng);
  const C = C0.slice();
  fast(M, N, K, A, aOff, B, bOff, C, cOff);
  const ref = reference(kind, M, N, K, A, aOff, B, bOff, C0, cOff);
  let error = 0;
  for (let i = 0; i < M * N; i++) error = Math.max(error, Math.abs(C[cOff + i]! - ref[i]!) / (1e-6 * (1 + K)));
  let outside = false;
  for (let i = 0; i < cOff; i++) outside ||= C[i] !== C0[i];
  for (let i = cOff + M * N; i < C0.length; i++) outside ||= C[i] !== C0[i];
  return { error, outside, result: C };
}

afterAll(() => {
  useDefaultKernels();
});

describe('matrix kernels', () => {
  it('use the WebAssembly SIMD kernel for large products in Node, with relaxed SIMD where the engine has it', () => {
    useDefaultKernels();
    expect(simdInUse()).toBe(true);
    expect(relaxedSimdInUse()).toBe(true); // the test workers run with --experimental-wasm-relaxed-simd
    expect(setRelaxedSimdEnabled(false)).toBe(false);
    expect(simdInUse()).toBe(true);
    expect(setSimdEnabled(false)).toBe(false);
    expect(8 * 16 * 16).toBeGreaterThanOrEqual(SIMD_MIN_WORK);
  });

  it('fall back to plain WebAssembly SIMD where the engine has no relaxed SIMD (Node 20 without the flag)', () => {
    const script = fileURLToPath(new URL('./helpers/print-kernel-state.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url));
    const run = (flags: string[]) => spawnSync(process.execPath, [...flags, '--import', tsx, script], { encoding: 'utf8' });
    const without = run([]);
    expect(without.stderr).toBe('');
    expect(JSON.parse(without.stdout)).toEqual({ simd: true, relaxed: false, correct: true });
    const withFlag = run(['--experimental-wasm-relaxed-simd']);
    expect(JSON.parse(withFlag.stdout)).toEqual({ simd: true, relaxed: true, correct: true });
  });

  for (const mode of KERNEL_MODES) {
    for (const { kind, fast, plain } of kernels) {
      for (const [M, N, K] of shapes) {
        it(`gemm${kind} (${mode.name}) equals plain and the float64 reference at M=${M} N=${N} K=${K}, accumulating at offsets`, () => {
          useKernelMode(mode);
          const seed = M * 1000 + N * 10 + K;
          const { error, outside, result } = check(kind, fast, M, N, K, seed);
          expect(error).toBeLessThanOrEqual(1);
          expect(outside).toBe(false);
          const viaPlain = check(kind, plain, M, N, K, seed).result;
          let diff = 0;
          for (let i = 0; i < result.length; i++) diff = Math.max(diff, Math.abs(result[i]! - viaPlain[i]!));
          expect(diff).toBeLessThanOrEqual(1e-6 * (1 + K));
        });
      }

      it(`gemm${kind} (${mode.name}) matches the reference on random shapes, edges included (fast-check)`, () => {
        useKernelMode(mode);
        const dim = fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33), fc.integer({ min: 1, max: 70 }));
        fc.assert(
          fc.property(dim, dim, dim, fc.integer({ min: 0, max: 1e6 }), (M, N, K, seed) => {
            const { error, outside } = check(kind, fast, M, N, K, seed);
            return error <= 1 && !outside;
          }),
          { seed: 20261202, numRuns: 150 },
        );
      });

      it(`gemm${kind} (${mode.name}) gives bit-identical results when run again, after other shapes`, () => {
        useKernelMode(mode);
        const first = check(kind, fast, 45, 70, 300, 7).result;
        check(kind, fast, 300, 9, 5, 8); // a different shape in between (the workspace is reused)
        const again = check(kind, fast, 45, 70, 300, 7).result;
        expect(Array.from(again)).toEqual(Array.from(first));
      });
    }
  }

  it('the fused and unfused kernels round differently (so the relaxed mode is really another kernel)', () => {
    const results = KERNEL_MODES.filter((m) => m.simd).map((mode) => {
      useKernelMode(mode);
      return check('NN', gemmNN, 37, 41, 513, 11).result;
    });
    expect(Array.from(results[1]!)).not.toEqual(Array.from(results[0]!));
  });
});
