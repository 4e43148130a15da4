/**
 * Run by tests/core/kernels.test.ts in a fresh Node (with or without --experimental-wasm-relaxed-simd): prints which
 * kernel the start-up detection chose and whether a product through it is right.
 */
import { gemmNN, gemmNNPlain, relaxedSimdInUse, simdInUse } from '../../../src/core/kernels';

const M = 19, N = 21, K = 40;
const A = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
const B = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
const fast = new Float32Array(M * N);
const plain = new Float32Array(M * N);
gemmNN(M, N, K, A, 0, B, 0, fast, 0);
gemmNNPlain(M, N, K, A, 0, B, 0, plain, 0);
const correct = fast.every((v, i) => Math.abs(v - plain[i]!) <= 1e-4);
process.stdout.write(JSON.stringify({ simd: simdInUse(), relaxed: relaxedSimdInUse(), correct }));
