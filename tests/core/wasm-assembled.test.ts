import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, WAT_PATH, generate, relaxedText } from '../../build/assemble-wasm';
import { GEMM_RELAXED, GEMM_SIMD } from '../../src/core/wasm/gemm.generated';

describe('the assembled kernel module', () => {
  it('is exactly what build/assemble-wasm.ts (wabt) makes of src/core/wasm/gemm.wat (run `npm run wasm` after editing the .wat)', async () => {
    const committed = readFileSync(GENERATED_PATH, 'utf8');
    expect(committed).toBe(await generate(readFileSync(WAT_PATH, 'utf8')));
  });

  it('fuses every multiply-add line of the kernel, and only those, in the relaxed variant', () => {
    const wat = readFileSync(WAT_PATH, 'utf8');
    const { text, fused } = relaxedText(wat);
    const code = (s: string) => s.split('\n').filter((l) => !l.trimStart().startsWith(';;')).join('\n');
    expect(fused).toBe(8); // the 4×8 tile: 8 accumulators
    expect(code(text)).not.toContain('f32x4.mul');
    expect(code(text).match(/f32x4\.relaxed_madd/g)).toHaveLength(8);
    expect(code(wat)).not.toContain('relaxed');
  });

  it('starts with the WebAssembly magic number and validates; the relaxed one only where relaxed SIMD is on', () => {
    const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
    expect(GEMM_SIMD.slice(0, 8)).toBe('0061736d');
    expect(WebAssembly.validate(bytes(GEMM_SIMD))).toBe(true);
    expect(WebAssembly.validate(bytes(GEMM_RELAXED))).toBe(true); // vitest runs Node with --experimental-wasm-relaxed-simd
    expect(GEMM_RELAXED).not.toBe(GEMM_SIMD);
  });

  it('refuses a .wat whose multiply-adds are not in the documented one-line form', async () => {
    const wat = readFileSync(WAT_PATH, 'utf8').replace(
      '(local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))',
      '(local.set $c00 (f32x4.add (f32x4.mul (local.get $a) (local.get $b0)) (local.get $c00)))',
    );
    await expect(generate(wat)).rejects.toThrow(/every f32x4\.mul must be in a multiply-add line/);
  });
});
