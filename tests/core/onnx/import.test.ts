/** ONNX import: exported models come back computing the same function; what cannot be represented is named. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../../src/core/network';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { AttributeType, TensorType, encodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from '../../../src/core/onnx/onnx';
import { createRng } from '../../../src/core/random';
import { parseDocument, serializeDocument } from '../../../src/core/serialize';
import { validateDocument } from '../../../src/core/validate';
import { architectures } from './architectures';
import { runOnnx } from './ort';

const BATCH = 5;

function inputs(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: BATCH * size }, () => rng.uniform(-2, 2));
}

function forward(doc: Parameters<typeof compileNetwork>[0], x: Float32Array, featureNames?: string[]): Float32Array {
  const compiled = compileNetwork(doc, featureNames ? { featureNames } : {});
  if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
  return Float32Array.from(compiled.net.forward(x, BATCH));
}

const floatTensor = (name: string, dims: number[], values: number[]): OnnxTensor => ({ name, dims, dataType: TensorType.FLOAT, floats: Float32Array.from(values) });
const op = (opType: string, name: string, inputs: string[], outputs: string[], attributes: OnnxAttribute[] = []): OnnxNode => ({ opType, name, inputs, outputs, attributes, domain: '' });

function model(nodes: OnnxNode[], initializers: OnnxTensor[], width = 2, output = 'output', opset = 17): Uint8Array {
  const m: OnnxModel = {
    irVersion: 8,
    opsets: [{ domain: '', version: opset }],
    producerName: 'test',
    producerVersion: '0',
    docString: '',
    graph: {
      name: 'hand-made',
      nodes,
      initializers,
      inputs: [{ name: 'x', elemType: TensorType.FLOAT, dims: ['batch', width] }],
      outputs: [{ name: output, elemType: TensorType.FLOAT, dims: ['batch', null] }],
    },
    metadata: {},
  };
  return encodeModel(m);
}

describe('ONNX import of exported models', () => {
  for (const [k, { title, doc }] of architectures().entries()) {
    it(`${title}: exported and imported again computes the same function`, () => {
      const compiled = compileNetwork(doc);
      if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
      const exported = exportOnnx(doc, { params: compiled.net.params });
      if (!exported.ok) throw new Error(exported.message);
      const imported = importOnnx(exported.bytes);
      if (!imported.ok) throw new Error(imported.message);
      expect(validateDocument(imported.doc).errors).toEqual([]);
      const x = inputs(compiled.net.inputSize, 7 + k);
      const before = Float32Array.from(compiled.net.forward(x, BATCH));
      const after = forward(imported.doc, x, exported.featureNames);
      for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i]!, 6);
      // and it is a document that saves and loads
      expect(parseDocument(serializeDocument(imported.doc)).ok).toBe(true);
    });
  }

  it('keeps the feature and target names and the loss of a Netwright export', () => {
    const doc = architectures()[1]!.doc;
    const exported = exportOnnx(doc);
    if (!exported.ok) throw new Error(exported.message);
    const imported = importOnnx(exported.bytes);
    if (!imported.ok) throw new Error(imported.message);
    const features = imported.doc.nodes.filter((n) => n.type === 'input').flatMap((n) => n.features);
    expect(features.sort()).toEqual(['a', 'b']);
    expect(imported.doc.nodes.find((n) => n.type === 'output')).toMatchObject({ loss: 'binaryCrossEntropy', targets: ['label'] });
  });

  it('folds activations into the Dense layer before them and lays the nodes out left to right', () => {
    const doc = architectures().find((a) => a.title === 'a Dense stack with tanh')!.doc;
    const exported = exportOnnx(doc);
    if (!exported.ok) throw new Error(exported.message);
    const imported = importOnnx(exported.bytes);
    if (!imported.ok) throw new Error(imported.message);
    expect(imported.doc.nodes.map((n) => n.type)).toEqual(['input', 'dense', 'dense', 'output']);
    expect(imported.doc.nodes.map((n) => n.name)).toEqual(['x', 'h', 'o', 'out']);
    expect(imported.doc.nodes[1]).toMatchObject({ activation: 'tanh', units: 3 });
    const xs = imported.doc.nodes.map((n) => n.position.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(4);
  });

  it('round-trips through ONNX Runtime: export, import, export again gives the same outputs', async () => {
    const doc = architectures().find((a) => a.title.startsWith('Add and Concat'))!.doc;
    const first = exportOnnx(doc);
    if (!first.ok) throw new Error(first.message);
    const imported = importOnnx(first.bytes);
    if (!imported.ok) throw new Error(imported.message);
    const second = exportOnnx(imported.doc, { featureNames: first.featureNames });
    if (!second.ok) throw new Error(second.message);
    const x = inputs(3, 3);
    const a = await runOnnx(first.bytes, x, BATCH, 3);
    const b = await runOnnx(second.bytes, x, BATCH, 3);
    for (let i = 0; i < a.data.length; i++) expect(b.data[i]).toBeCloseTo(a.data[i]!, 6);
  });
});

describe('ONNX import of hand-made models', () => {
  it('reads MatMul followed by Add of a bias as one Dense layer, and guesses the loss from sigmoid', async () => {
    const bytes = model([
      op('MatMul', 'mm', ['x', 'W'], ['t']),
      op('Add', 'bias', ['t', 'b'], ['u']),
      op('Sigmoid', 'sig', ['u'], ['output']),
    ], [floatTensor('W', [2, 1], [0.5, -1.5]), floatTensor('b', [1], [0.25])]);
    const imported = importOnnx(bytes);
    if (!imported.ok) throw new Error(imported.message);
    const dense = imported.doc.nodes.find((n) => n.type === 'dense');
    expect(dense).toMatchObject({ units: 1, activation: 'sigmoid', useBias: true, bias: [0.25] });
    expect(imported.doc.nodes.find((n) => n.type === 'output')).toMatchObject({ loss: 'binaryCrossEntropy', targets: ['y'] });
    const x = inputs(2, 1);
    const ours = forward(imported.doc, x, ['x1', 'x2']);
    const theirs = await runOnnx(bytes, x, BATCH, 2);
    for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(theirs.data[i]!, 6);
  });

  it('reads Gemm with transB, alpha and beta', async () => {
    const bytes = model([
      op('Gemm', 'fc', ['x', 'W', 'c'], ['z'], [
        { name: 'transB', type: AttributeType.INT, i: 1 },
        { name: 'alpha', type: AttributeType.FLOAT, f: 0.5 },
        { name: 'beta', type: AttributeType.FLOAT, f: 2 },
      ]),
      op('Softmax', 'probs', ['z'], ['output'], [{ name: 'axis', type: AttributeType.INT, i: 1 }]),
    ], [floatTensor('W', [3, 2], [1, 2, 3, 4, 5, 6]), floatTensor('c', [1, 3], [0.1, 0.2, 0.3])]);
    const imported = importOnnx(bytes);
    if (!imported.ok) throw new Error(imported.message);
    expect(imported.doc.nodes.find((n) => n.type === 'output')).toMatchObject({ loss: 'softmaxCrossEntropy', targets: ['y1', 'y2', 'y3'] });
    const x = inputs(2, 2);
    const ours = forward(imported.doc, x, ['x1', 'x2']);
    const theirs = await runOnnx(bytes, x, BATCH, 2);
    for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(theirs.data[i]!, 6);
  });

  it('keeps a pre-activation that is read twice as its own value (no folding)', async () => {
    const bytes = model([
      op('Gemm', 'fc', ['x', 'W'], ['z']),
      op('Relu', 'r', ['z'], ['a']),
      op('Identity', 'pass', ['z'], ['z2']),
      op('Add', 'skip', ['a', 'z2'], ['output']),
    ], [floatTensor('W', [2, 2], [1, -1, -2, 0.5])]);
    const imported = importOnnx(bytes);
    if (!imported.ok) throw new Error(imported.message);
    expect(imported.doc.nodes.filter((n) => n.type === 'activation')).toHaveLength(1);
    const x = inputs(2, 5);
    const ours = forward(imported.doc, x, ['x1', 'x2']);
    const theirs = await runOnnx(bytes, x, BATCH, 2);
    for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(theirs.data[i]!, 6);
  });

  it('names the unsupported node and its operator', () => {
    const bytes = model([op('LSTM', 'LSTM_3', ['x', 'W'], ['output'])], [floatTensor('W', [1, 1, 1, 1], [1])]);
    expect(importOnnx(bytes)).toEqual({ ok: false, message: "Cannot import: node 'LSTM_3': LSTM is not supported" });
  });

  it('refuses a LeakyRelu with another slope and an exact Gelu, naming the node', () => {
    const leaky = model([op('Gemm', 'fc', ['x', 'W'], ['z']), op('LeakyRelu', 'lr', ['z'], ['output'], [{ name: 'alpha', type: AttributeType.FLOAT, f: 0.2 }])], [floatTensor('W', [2, 1], [1, 1])]);
    expect(importOnnx(leaky)).toMatchObject({ ok: false, message: expect.stringMatching(/node 'lr': LeakyRelu with alpha 0\.2/) });
    const gelu = model([op('Gemm', 'fc', ['x', 'W'], ['z']), op('Gelu', 'g', ['z'], ['output'])], [floatTensor('W', [2, 1], [1, 1])], 2, 'output', 20);
    expect(importOnnx(gelu)).toMatchObject({ ok: false, message: expect.stringMatching(/node 'g': Gelu with approximate="none"/) });
  });

  it('refuses a weight matrix that does not fit its input', () => {
    const bytes = model([op('MatMul', 'mm', ['x', 'W'], ['output'])], [floatTensor('W', [3, 1], [1, 2, 3])]);
    expect(importOnnx(bytes)).toMatchObject({ ok: false, message: "Cannot import: node 'mm': its weight matrix has 3 rows but its input has 2 values" });
  });

  it('refuses a graph that reads a tensor nothing computes', () => {
    const bytes = model([op('Relu', 'r', ['nowhere'], ['output'])], []);
    expect(importOnnx(bytes)).toEqual({ ok: false, message: "Cannot import: node 'r': its input 'nowhere' is not computed by any node, nor an input or initializer of the model" });
  });

  it('gives a clear error, never a throw, for random bytes and truncated models', () => {
    const exported = exportOnnx(architectures()[4]!.doc);
    if (!exported.ok) throw new Error(exported.message);
    const good = exported.bytes;
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const result = importOnnx(bytes);
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.message).toMatch(/^(This is not an ONNX model Netwright can read|Cannot import)/);
    }), { numRuns: 500 });
    // A cut at a field boundary can leave a smaller valid model (protobuf has no end marker): then it must be a valid network.
    let refused = 0;
    fc.assert(fc.property(fc.integer({ min: 0, max: good.length - 1 }), (cut) => {
      const result = importOnnx(good.subarray(0, cut));
      if (result.ok) expect(validateDocument(result.doc).errors).toEqual([]);
      else refused++;
    }), { numRuns: 200 });
    expect(refused).toBeGreaterThan(150);
    fc.assert(fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
      const bytes = Uint8Array.from(good);
      bytes[at] = byte;
      const result = importOnnx(bytes);
      if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
    }), { numRuns: 300 });
  });
});
