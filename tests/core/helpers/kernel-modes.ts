/**
 * The ways the matrix products can run, for suites that must pass in each: the TypeScript kernels, the WebAssembly
 * SIMD kernel (separate multiply and add) and the relaxed-SIMD kernel (fused multiply-add). The two WebAssembly modes
 * send every product to the kernel, however small, so small test networks exercise it too.
 * The threaded modes split every product (however small) across worker_threads over shared WebAssembly memory, as
 * the trainer does with large ones; three threads on this 2-core machine also exercise uneven parts.
 * Node 20 has relaxed SIMD behind --experimental-wasm-relaxed-simd, which vitest.config.ts passes to the test workers.
 */
import {
  SIMD_MIN_WORK, THREAD_MIN_WORK, gemmThreadStatus, relaxedSimdInUse, setGemmThreads, setRelaxedSimdEnabled, setSimdEnabled,
  setSimdMinWork, setThreadMinWork, simdInUse,
} from '../../../src/core/kernels';
import { nodeThreadHost } from '../../../src/trainer/threads';

export interface KernelMode {
  name: string;
  simd: boolean;
  relaxed: boolean;
  minWork: number;
  /** Threads products are split across (1: the calling thread only). */
  threads: number;
}

export const KERNEL_MODES: readonly KernelMode[] = [
  { name: 'TypeScript kernels', simd: false, relaxed: false, minWork: SIMD_MIN_WORK, threads: 1 },
  { name: 'WebAssembly SIMD kernel', simd: true, relaxed: false, minWork: 1, threads: 1 },
  { name: 'relaxed-SIMD kernel (fused multiply-add)', simd: true, relaxed: true, minWork: 1, threads: 1 },
  { name: 'WebAssembly SIMD kernel, 3 threads', simd: true, relaxed: false, minWork: 1, threads: 3 },
  { name: 'relaxed-SIMD kernel, 2 threads', simd: true, relaxed: true, minWork: 1, threads: 2 },
];

let installedThreads = 1;

/** Split products across `threads` threads (worker_threads), every product if `all`; 1 removes the pool. */
export function useThreads(threads: number, all = true): void {
  setThreadMinWork(all ? 1 : THREAD_MIN_WORK);
  if (threads === installedThreads) return;
  setGemmThreads(threads > 1 ? nodeThreadHost(threads) : null);
  installedThreads = threads;
}

/** Switch the kernels to `mode`, failing loudly if this engine cannot run it. */
export function useKernelMode(mode: KernelMode): void {
  setSimdMinWork(mode.minWork);
  setSimdEnabled(mode.simd);
  setRelaxedSimdEnabled(mode.relaxed);
  useThreads(mode.threads);
  if (gemmThreadStatus().threads !== mode.threads) throw new Error(`${mode.name}: ${JSON.stringify(gemmThreadStatus())}`);
  if (simdInUse() !== mode.simd) throw new Error(`${mode.name}: WebAssembly SIMD is ${simdInUse() ? 'on' : 'unavailable'}`);
  if (relaxedSimdInUse() !== mode.relaxed) {
    throw new Error(`${mode.name}: relaxed SIMD is ${relaxedSimdInUse() ? 'on' : 'unavailable (run Node with --experimental-wasm-relaxed-simd)'}`);
  }
}

/** Back to the defaults the app runs with. */
export function useDefaultKernels(): void {
  setSimdMinWork(SIMD_MIN_WORK);
  setSimdEnabled(true);
  setRelaxedSimdEnabled(true);
  useThreads(1, false);
}
