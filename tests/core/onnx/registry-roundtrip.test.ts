/**
 * Random networks of every kind in the table (random-networks.ts): each exported network runs in ONNX Runtime with
 * the core's outputs and imports back computing the same outputs, including a value that reaches a node both directly
 * and through a pass-through node that the export writes as `Identity` (Dropout, a linear Activation).
 */
import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../../src/core/document';
import { KIND_LIST } from '../../../src/core/kinds';
import { compileNetwork } from '../../../src/core/network';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { createRng } from '../../../src/core/random';
import { validateDocument } from '../../../src/core/validate';
import { build, node } from '../helpers/build';
import { runOnnx } from './ort';
import { kindsIn, randomNetworks } from './random-networks';

const BATCH = 4;

async function roundTrip(doc: NetworkDocument, seed: number): Promise<void> {
  const compiled = compileNetwork(doc);
  if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
  const net = compiled.net;
  const exported = exportOnnx(doc, { params: net.params });
  if (!exported.ok) throw new Error(exported.message);
  const rng = createRng(seed);
  const x = Float32Array.from({ length: BATCH * net.inputSize }, () => rng.uniform(-2, 2));
  const expected = Float32Array.from(net.forward(x, BATCH));
  const ort = await runOnnx(exported.bytes, x, BATCH, net.inputSize);
  ort.data.forEach((v, i) => expect(Math.abs(v - expected[i]!), `ONNX Runtime, output ${i}`).toBeLessThan(1e-5));
  const imported = importOnnx(exported.bytes);
  if (!imported.ok) throw new Error(`${doc.name}: ${imported.message}`);
  expect(validateDocument(imported.doc).errors).toEqual([]);
  const back = compileNetwork(imported.doc, { featureNames: exported.featureNames });
  if (!back.ok) throw new Error(back.problems[0]!.message);
  const again = back.net.forward(x, BATCH);
  again.forEach((v, i) => expect(Math.abs(v - expected[i]!), `imported, output ${i}`).toBeLessThan(1e-5));
}

describe('ONNX export → import over random networks of every kind', () => {
  const docs = randomNetworks(60, 1);

  it('draws networks that use every kind in the table that reads a vector (the image-only kinds are refused on one)', () => {
    const drawn = kindsIn(docs);
    const missing = KIND_LIST.filter((k) => !drawn.has(k.type));
    // Every kind the generator leaves out must be one that cannot read a plain vector: its export → import round trip
    // runs on the image-shaped example networks of the kinds table instead (tests/core/kinds).
    for (const kind of missing) {
      const doc = build([
        node('input', 'in', { features: ['x1', 'x2', 'x3'] }),
        { ...(kind.defaults('k') as object), id: 'k', type: kind.type, name: 'k', position: { x: 0, y: 0 } } as never,
      ], [['in', 'k']]);
      expect(validateDocument(doc).errors.filter((p) => p.nodeIds.includes('k') && /image|shape|\d+×\d+/.test(p.message)).length, `${kind.type} on a vector`).toBeGreaterThan(0);
    }
    expect(missing.length).toBeLessThan(KIND_LIST.length / 2);
  });

  it('every exported network imports back with the same outputs (and ONNX Runtime agrees)', async () => {
    for (const [k, doc] of docs.entries()) await roundTrip(doc, 100 + k);
  });

  for (const via of ['dropout', 'activation'] as const) {
    it(`a value that reaches a neuron both directly and through a ${via === 'dropout' ? 'Dropout' : 'linear Activation'} (an Identity in ONNX) imports as two connections`, async () => {
      const doc = build([
        node('input', 'x1', { features: ['x1'] }),
        via === 'dropout' ? node('dropout', 'drop', { rate: 0.5 }) : node('activation', 'drop', { activation: 'linear' }),
        node('neuron', 'n', { activation: 'tanh' }),
        node('output', 'out', { loss: 'mse', targets: ['y'] }),
      ], [['x1', 'drop'], ['drop', 'n'], ['x1', 'n'], ['n', 'out']]);
      await roundTrip(doc, 7);
      const exported = exportOnnx(doc);
      if (!exported.ok) throw new Error(exported.message);
      const imported = importOnnx(exported.bytes);
      if (!imported.ok) throw new Error(imported.message);
      const pairs = imported.doc.edges.map((e) => `${e.source}->${e.target}`);
      expect(new Set(pairs).size).toBe(pairs.length);
    });
  }
});
