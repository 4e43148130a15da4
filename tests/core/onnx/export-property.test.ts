/** ONNX export over random networks (fast-check): ONNX Runtime agrees with the core within 1e-5, and import gives back the function. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, type ActivationName, type NetworkNode } from '../../../src/core/document';
import { compileNetwork } from '../../../src/core/network';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { createRng } from '../../../src/core/random';
import { build, node, type EdgeSpec } from '../helpers/build';
import { runOnnx } from './ort';

interface Shape {
  inputs: number;
  layers: { units: number; activation: ActivationName; useBias: boolean; skip: boolean }[];
  seed: number;
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  inputs: fc.integer({ min: 1, max: 5 }),
  layers: fc.array(fc.record({
    units: fc.integer({ min: 1, max: 6 }),
    activation: fc.constantFrom(...ACTIVATION_NAMES),
    useBias: fc.boolean(),
    skip: fc.boolean(),
  }).map((l) => (l.activation === 'softmax' && l.units === 1 ? { ...l, units: 2 } : l)), { minLength: 1, maxLength: 4 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

/** Dense layers in a chain; a layer with `skip` also reads the input directly (two incoming edges). */
function network(shape: Shape) {
  const features = Array.from({ length: shape.inputs }, (_, i) => `f${i}`);
  const nodes: NetworkNode[] = [node('input', 'x', { features })];
  const edges: EdgeSpec[] = [];
  let previous = 'x';
  shape.layers.forEach((l, i) => {
    const id = `d${i}`;
    nodes.push(node('dense', id, { units: l.units, activation: l.activation, useBias: l.useBias }));
    edges.push([previous, id]);
    if (l.skip && previous !== 'x') edges.push(['x', id]);
    previous = id;
  });
  const last = shape.layers[shape.layers.length - 1]!;
  nodes.push(node('output', 'out', { loss: 'mse', targets: Array.from({ length: last.units }, (_, j) => `t${j}`) }));
  edges.push([previous, 'out']);
  return { ...build(nodes, edges), training: { ...build([], []).training, seed: shape.seed } };
}

describe('ONNX export of random Dense networks', () => {
  it('runs in ONNX Runtime with the core\'s outputs within 1e-5, and imports back to the same function', async () => {
    await fc.assert(fc.asyncProperty(shapeArb, async (shape) => {
      const doc = network(shape);
      const compiled = compileNetwork(doc);
      if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
      const net = compiled.net;
      const exported = exportOnnx(doc, { params: net.params });
      if (!exported.ok) throw new Error(exported.message);
      const rng = createRng(shape.seed);
      const batch = 4;
      const x = Float32Array.from({ length: batch * net.inputSize }, () => rng.uniform(-3, 3));
      const expected = Float32Array.from(net.forward(x, batch));
      const got = await runOnnx(exported.bytes, x, batch, net.inputSize);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(got.data[i]! - expected[i]!)).toBeLessThan(1e-5);
      const imported = importOnnx(exported.bytes);
      if (!imported.ok) throw new Error(imported.message);
      const back = compileNetwork(imported.doc, { featureNames: exported.featureNames });
      if (!back.ok) throw new Error(back.problems[0]!.message);
      const again = back.net.forward(x, batch);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(again[i]! - expected[i]!)).toBeLessThan(1e-6);
    }), { numRuns: 40, seed: 20261129 });
  });
});
