/**
 * The ways the matrix products can run, for suites that must pass in each: the TypeScript kernels, the WebAssembly
 * SIMD kernel (separate multiply and add) and the relaxed-SIMD kernel (fused multiply-add). The two WebAssembly modes
 * send every product to the kernel, however small, so small test networks exercise it too.
 * Node 20 has relaxed SIMD behind --experimental-wasm-relaxed-simd, which vitest.config.ts passes to the test workers.
 */
import { SIMD_MIN_WORK, relaxedSimdInUse, setRelaxedSimdEnabled, setSimdEnabled, setSimdMinWork, simdInUse } from '../../../src/core/kernels';

export interface KernelMode {
  name: string;
  simd: boolean;
  relaxed: boolean;
  minWork: number;
}

export const KERNEL_MODES: readonly KernelMode[] = [
  { name: 'TypeScript kernels', simd: false, relaxed: false, minWork: SIMD_MIN_WORK },
  { name: 'WebAssembly SIMD kernel', simd: true, relaxed: false, minWork: 1 },
  { name: 'relaxed-SIMD kernel (fused multiply-add)', simd: true, relaxed: true, minWork: 1 },
];

/** Switch the kernels to `mode`, failing loudly if this engine cannot run it. */
export function useKernelMode(mode: KernelMode): void {
  setSimdMinWork(mode.minWork);
  setSimdEnabled(mode.simd);
  setRelaxedSimdEnabled(mode.relaxed);
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
}
