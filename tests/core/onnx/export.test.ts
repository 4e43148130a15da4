/** ONNX export: the exported model, run in ONNX Runtime, computes what the core computes. */
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../../src/core/network';
import { exportOnnx } from '../../../src/core/onnx/export';
import { decodeModel } from '../../../src/core/onnx/onnx';
import { createRng } from '../../../src/core/random';
import { build, node } from '../helpers/build';
import { architectures } from './architectures';
import { runOnnx } from './ort';

const BATCH = 7;

function randomInputs(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: BATCH * size }, () => rng.uniform(-3, 3));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('ONNX export, run in ONNX Runtime', () => {
  for (const [k, { title, doc }] of architectures().entries()) {
    for (const opset of [undefined, 17] as const) {
      it(`${title}${opset ? ` at opset ${opset}` : ''} gives the core's outputs within 1e-5`, async () => {
        const compiled = compileNetwork(doc);
        if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
        const net = compiled.net;
        const exported = exportOnnx(doc, opset ? { params: net.params, opset } : { params: net.params });
        if (!exported.ok) throw new Error(exported.message);
        const x = randomInputs(net.inputSize, 100 + k);
        const expected = Float32Array.from(net.forward(x, BATCH));
        const got = await runOnnx(exported.bytes, x, BATCH, net.inputSize);
        expect(got.dims).toEqual([BATCH, net.outputSize]);
        expect(maxAbsDiff(got.data, expected)).toBeLessThan(1e-5);
      });
    }
  }

  it('writes the trained parameters it is given, not the document\'s', async () => {
    const doc = architectures()[0]!.doc;
    const compiled = compileNetwork(doc);
    if (!compiled.ok) throw new Error('compile');
    const net = compiled.net;
    const before = Float32Array.from(net.forward(randomInputs(net.inputSize, 1), BATCH));
    const changed = net.params.map((v, i) => v + 0.25 * (i + 1));
    net.setParams(changed);
    const x = randomInputs(net.inputSize, 1);
    const after = Float32Array.from(net.forward(x, BATCH));
    const exported = exportOnnx(doc, { params: changed });
    if (!exported.ok) throw new Error(exported.message);
    const got = await runOnnx(exported.bytes, x, BATCH, net.inputSize);
    expect(maxAbsDiff(got.data, after)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got.data, before)).toBeGreaterThan(1e-3);
  });

  it('stores every weight bit for bit as float32', () => {
    const doc = architectures()[0]!.doc;
    const compiled = compileNetwork(doc);
    if (!compiled.ok) throw new Error('compile');
    const params = Float32Array.from(compiled.net.params, (_, i) => Math.fround(Math.PI * (i + 1) * 1e-3) * (i % 2 ? -1 : 1));
    const exported = exportOnnx(doc, { params });
    if (!exported.ok) throw new Error(exported.message);
    const stored = decodeModel(exported.bytes).graph.initializers.filter((t) => t.floats).flatMap((t) => Array.from(t.floats!));
    for (const p of params) expect(stored).toContain(p);
  });

  it('names the input columns and targets in the model metadata', () => {
    const exported = exportOnnx(architectures()[1]!.doc);
    if (!exported.ok) throw new Error(exported.message);
    const model = decodeModel(exported.bytes);
    expect(JSON.parse(model.metadata['netwright.featureNames']!)).toEqual(['a', 'b']);
    expect(JSON.parse(model.metadata['netwright.targetNames']!)).toEqual(['label']);
    expect(model.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(model.graph.inputs[0]!.dims).toEqual(['N', 2]);
  });

  it('refuses a network that does not run, with the reason', () => {
    const broken = build([node('input', 'x', { features: ['a'] }), node('dense', 'h', { units: 2 })], [['x', 'h']]);
    const result = exportOnnx(broken);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^Cannot export ONNX: .*output/i);
  });

  it('refuses parameters of the wrong length and non-finite ones', () => {
    const doc = architectures()[0]!.doc;
    const wrong = exportOnnx(doc, { params: new Float32Array(2) });
    expect(wrong).toMatchObject({ ok: false, message: expect.stringMatching(/2 parameters were given but the network has 9/) });
    const nan = new Float32Array(9).fill(0.5);
    nan[4] = NaN;
    expect(exportOnnx(doc, { params: nan })).toMatchObject({ ok: false, message: expect.stringMatching(/parameter 4 is NaN/) });
  });

  it('refuses an opset older than 17', () => {
    expect(exportOnnx(architectures()[0]!.doc, { opset: 13 })).toMatchObject({ ok: false, message: expect.stringMatching(/opset 13/) });
  });
});
