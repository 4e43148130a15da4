/**
 * Quantization: fp16 and int8 (per tensor, per unit) of trained weights, evaluated through the core, and the ONNX
 * export of the quantized model run in ONNX Runtime against the core's quantized forward (≤ 1e-5).
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/core/data';
import type { NetworkDocument } from '../../src/core/document';
import { compileNetwork } from '../../src/core/network';
import { exportOnnx } from '../../src/core/onnx/export';
import { decodeModel } from '../../src/core/onnx/onnx';
import { evaluateQuantization, fromHalfBits, quantizeParameters, toHalfBits, type QuantOptions } from '../../src/core/quantize';
import { createRng } from '../../src/core/random';
import { TEMPLATES, findTemplate } from '../../src/core/templates';
import { validateDocument } from '../../src/core/validate';
import { createTrainingSession } from '../../src/core/train';
import { runOnnx } from './onnx/ort';

const OPTIONS: QuantOptions[] = [{ format: 'fp16' }, { format: 'int8', per: 'tensor' }, { format: 'int8', per: 'unit' }];
const label = (o: QuantOptions) => (o.format === 'fp16' ? 'fp16' : `int8 per ${o.per}`);

/** A template trained for `epochs` epochs by the core; returns the document and its trained parameters. */
function trained(id: string, epochs: number): { doc: NetworkDocument; params: Float32Array } {
  const doc = findTemplate(id)!.build();
  const data = loadDataset(doc.data);
  if (!data.ok) throw new Error(data.message);
  const s = createTrainingSession(doc, data.dataset);
  if (!s.ok) throw new Error(s.problems[0]!.message);
  for (let e = 0; e < epochs; e++) s.session.stepEpoch();
  return { doc, params: Float32Array.from(s.session.net.params) };
}

describe('half precision', () => {
  it.each([
    [0, 0x0000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [1e6, 0x7c00], [2 ** -24, 0x0001], [2 ** -26, 0x0000],
    [1 + 2 ** -11, 0x3c00 /* tie to even */], [1 + 3 * 2 ** -11, 0x3c02 /* tie to even, up */], [0.1, 0x2e66],
  ])('%d → 0x%s', (v, bits) => {
    expect(toHalfBits(v)).toBe(bits);
  });
  it('round-trips every half value', () => {
    for (let h = 0; h < 0x7c00; h += 7) expect(toHalfBits(fromHalfBits(h))).toBe(h);
  });
});

describe('quantizeParameters', () => {
  const doc = findTemplate('worked-example')!.build();

  it('int8 per tensor: symmetric, max |w| maps to 127, error at most half a step', () => {
    const r = quantizeParameters(doc, { format: 'int8', per: 'tensor' });
    if (!r.ok) throw new Error(r.message);
    const h1 = r.value.matrices.find((m) => m.nodeId === 'h1')!;
    expect(h1.scales!.length).toBe(1);
    expect(h1.scales![0]).toBeCloseTo(0.5 / 127, 9);
    expect([...h1.q!]).toEqual([127, -76]);
    expect(r.value.maxError).toBeLessThanOrEqual(Math.max(...r.value.matrices.map((m) => m.scales![0]!)) / 2 + 1e-9);
    // Biases are untouched.
    const c = compileNetwork(doc);
    if (!c.ok) throw new Error('compile');
    const biasAt = c.net.layout.biases['h1']!.offset;
    expect(r.value.params[biasAt]).toBe(c.net.params[biasAt]);
  });

  it('int8 per unit: one scale per output unit, each weight within half its unit\'s step', () => {
    const { doc: spiral, params } = trained('spiral', 5);
    const perUnit = quantizeParameters(spiral, { format: 'int8', per: 'unit' }, params);
    if (!perUnit.ok) throw new Error(perUnit.message);
    const h = perUnit.value.matrices.find((m) => m.nodeId === 'hidden1')!;
    expect(h.scales!.length).toBe(8);
    for (const m of perUnit.value.matrices) {
      const w = reconstruct(spiral, params, m.nodeId);
      for (let i = 0; i < w.length; i++) {
        const s = m.scales![i % m.cols]!;
        expect(Math.abs(w[i]! - m.values[i]!)).toBeLessThanOrEqual(s / 2 + 1e-7);
        expect(Math.abs(m.q![i]!)).toBeLessThanOrEqual(127);
      }
      // The largest weight of each unit is stored as ±127.
      for (let j = 0; j < m.cols; j++) {
        let top = 0;
        for (let i = 0; i < m.rows; i++) top = Math.max(top, Math.abs(m.q![i * m.cols + j]!));
        expect(top).toBe(127);
      }
    }
  });

  it('memory: int8 stores a weight in a byte plus its scales, fp16 in two bytes; biases stay float32', () => {
    const { doc: spiral, params } = trained('spiral', 1);
    const c = compileNetwork(spiral);
    if (!c.ok) throw new Error('compile');
    const n = c.net.params.length;
    const weights = Object.values(c.net.layout.edges).reduce((s, b) => s + b.rows * b.cols, 0);
    const units = 8 + 8 + 1;
    const int8 = quantizeParameters(spiral, { format: 'int8', per: 'unit' }, params);
    const fp16 = quantizeParameters(spiral, { format: 'fp16' }, params);
    if (!int8.ok || !fp16.ok) throw new Error('quantize');
    expect(int8.value.bytes).toEqual({ fp32: n * 4, quantized: weights + units * 5 + (n - weights) * 4 });
    expect(fp16.value.bytes).toEqual({ fp32: n * 4, quantized: weights * 2 + (n - weights) * 4 });
  });

  it('refuses non-finite parameters with why', () => {
    const c = compileNetwork(doc);
    if (!c.ok) throw new Error('compile');
    const bad = Float32Array.from(c.net.params);
    bad[0] = Number.NaN;
    expect(quantizeParameters(doc, { format: 'int8' }, bad)).toEqual({ ok: false, message: 'Cannot quantize: parameter 0 is NaN; train again or reset the weights' });
  });
});

/** A node's float32 weight matrix (its edges' blocks stacked), from the parameters. */
function reconstruct(doc: NetworkDocument, params: Float32Array, nodeId: string): Float32Array {
  const c = compileNetwork(doc);
  if (!c.ok) throw new Error('compile');
  const blocks = doc.edges.filter((e) => e.target === nodeId).map((e) => c.net.layout.edges[e.id]!).filter(Boolean);
  const out: number[] = [];
  for (const b of blocks) out.push(...params.subarray(b.offset, b.offset + b.rows * b.cols));
  return Float32Array.from(out);
}

describe('quantized ONNX export, run in ONNX Runtime', () => {
  const cases = [
    { id: 'worked-example', epochs: 0 },
    { id: 'xor', epochs: 3 },
    { id: 'spiral', epochs: 3 },
    { id: 'iris', epochs: 3 },
  ];
  for (const { id, epochs } of cases) {
    for (const o of OPTIONS) {
      it(`${id}, ${label(o)}: ONNX Runtime gives the core's quantized outputs within 1e-5`, async () => {
        const { doc, params } = epochs === 0 ? { doc: findTemplate(id)!.build(), params: undefined } : trained(id, epochs);
        const q = quantizeParameters(doc, o, params);
        if (!q.ok) throw new Error(q.message);
        const c = compileNetwork(doc);
        if (!c.ok) throw new Error('compile');
        c.net.setParams(q.value.params);
        const rng = createRng(7);
        const batch = 9;
        const x = Float32Array.from({ length: batch * c.net.inputSize }, () => rng.uniform(-3, 3));
        const expected = Float32Array.from(c.net.forward(x, batch));
        const exported = exportOnnx(doc, { quantized: q.value });
        if (!exported.ok) throw new Error(exported.message);
        const model = decodeModel(exported.bytes);
        const ops = model.graph.nodes.map((n) => n.opType);
        expect(ops).toContain(o.format === 'int8' ? 'DequantizeLinear' : 'Cast');
        expect(model.graph.initializers.some((t) => t.dataType === (o.format === 'int8' ? 3 : 10))).toBe(true);
        const got = await runOnnx(exported.bytes, x, batch, c.net.inputSize);
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - expected[i]!));
        expect(worst).toBeLessThanOrEqual(1e-5);
        // And the quantized model is not the float one (the check can fail): its outputs differ somewhere.
        if (params) {
          c.net.setParams(params);
          const float = c.net.forward(x, batch);
          let diff = 0;
          for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(float[i]! - got.data[i]!));
          expect(diff).toBeGreaterThan(0);
        }
      });
    }
  }
});

describe('evaluateQuantization', () => {
  it('says why without data', () => {
    const doc = { ...findTemplate('xor')!.build(), data: { kind: 'none' as const } };
    expect(evaluateQuantization(doc, { format: 'int8' })).toEqual({ ok: false, message: 'Choose a data set first: quantization is measured on its test split.' });
  });

  it('measures the test split before and after, through the core', () => {
    const { doc, params } = trained('iris', 30);
    const r = evaluateQuantization(doc, { format: 'int8', per: 'tensor' }, params);
    if (!r.ok) throw new Error(r.message);
    expect(r.report.split).toBe('test');
    expect(r.report.rows).toBe(30);
    expect(r.report.before.accuracy).toBeGreaterThan(0.6);
    expect(r.report.after.accuracy).not.toBeNull();
    expect(r.report.after.loss).not.toBe(r.report.before.loss);
    expect(r.report.bytes.quantized).toBeLessThan(r.report.bytes.fp32 / 2);
  });
});

describe('one memory figure: the status bar (validation report) and the Quantize dialog agree', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s', (_id, template) => {
    const doc = template.build();
    const report = validateDocument(doc);
    const int8 = quantizeParameters(doc, { format: 'int8', per: 'unit' });
    const fp16 = quantizeParameters(doc, { format: 'fp16' });
    if (!int8.ok || !fp16.ok) throw new Error(int8.ok ? (fp16 as { message: string }).message : int8.message);
    expect(report.memory).toEqual({ fp32: int8.value.bytes.fp32, fp16: fp16.value.bytes.quantized, int8: int8.value.bytes.quantized });
  });

  it('Iris: 155 B at int8 in both (it was 67 B in the status bar: weights only)', () => {
    expect(validateDocument(findTemplate('iris')!.build()).memory.int8).toBe(155);
  });
});
