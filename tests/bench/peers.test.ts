/**
 * The benchmark's TensorFlow.js peer runs at its best (issue 16): on WASM it loads the SIMD binary wherever this
 * runtime validates WebAssembly SIMD, and says so; its timed steps cut no batches (no Slice kernel) and make no
 * tensors. No timing here: what is checked is which binary was read and which kernels a step runs.
 */
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SCENARIOS, makeData, type Scenario } from '../../bench/common';
import { tfjsImpl } from '../../bench/impl/tfjs';

/** wasm-feature-detect's SIMD probe: a module using one SIMD instruction. Written out here, independent of tfjs. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const simdAvailable = WebAssembly.validate(SIMD_PROBE);

/** Small versions of the MNIST-sized scenarios (fewer samples), so setup stays fast. */
const small = (id: 'infer-b256' | 'mnist-train'): Scenario => ({ ...SCENARIOS[id], samples: 2 * SCENARIOS[id].batch });

describe('the tfjs-wasm peer', () => {
  const readFileSync = fs.readFileSync;
  const read: string[] = [];
  const spy = vi.spyOn(fs, 'readFileSync').mockImplementation(((path: fs.PathOrFileDescriptor, options?: unknown) => {
    if (String(path).endsWith('.wasm')) read.push(String(path));
    return (readFileSync as (p: fs.PathOrFileDescriptor, o?: unknown) => unknown)(path, options);
  }) as typeof fs.readFileSync);
  afterAll(() => spy.mockRestore());

  const peer = tfjsImpl('wasm');
  const ready = (async () => {
    const scenario = small('infer-b256');
    await peer.setup(scenario, makeData(scenario));
  })();

  it(`loads the SIMD binary where WebAssembly SIMD is available (here: ${simdAvailable ? 'available' : 'not available'})`, async () => {
    await ready;
    expect(read).toHaveLength(1);
    const binary = read[0]!.split(/[\\/]/).pop();
    if (simdAvailable) expect(binary).toMatch(/^tfjs-backend-wasm(-threaded)?-simd\.wasm$/);
    else expect(binary).toBe('tfjs-backend-wasm.wasm');
  });

  it('prints the configuration it runs with: tfjs version, SIMD and thread flags, thread count', async () => {
    await ready;
    const config = peer.config();
    expect(config).toMatchObject({ tfjs: tf.version.tfjs, backend: 'wasm', WASM_HAS_SIMD_SUPPORT: simdAvailable });
    expect(typeof config.WASM_HAS_MULTITHREAD_SUPPORT).toBe('boolean');
    expect(config.threads).toBeGreaterThanOrEqual(1);
    expect(config.mode).toContain(simdAvailable ? 'SIMD on' : 'SIMD off');
  });

  it.each([['infer-b256'], ['mnist-train']] as const)('%s: a timed step runs the network, not data handling (no Slice, no new tensors left)', async (id) => {
    await ready;
    const scenario = small(id);
    const fresh = tfjsImpl('wasm');
    await fresh.setup(scenario, makeData(scenario));
    await fresh.run(1); // first call: kernels compile, the optimizer makes its state
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => fresh.run(2));
    const kernels = new Set(profile.kernelNames);
    expect(kernels.has('Slice')).toBe(false);
    expect([...kernels].some((k) => k.includes('MatMul'))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
