/**
 * ONNX import against hostile files (issue 11 items 1-5): declared sizes are checked before anything is allocated,
 * huge graphs are refused by the node and edge limits (bench/onnx-import.ts measures how fast), and what ONNX Runtime
 * refuses is refused with a message naming the node or value. Each refusal is checked against ONNX Runtime too, so
 * these cases are ones it refuses as well.
 */
import { describe, expect, it } from 'vitest';
import { MAX_EDGES, MAX_FILE_PARAMETERS, MAX_NODES } from '../../../src/core/limits';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx, MAX_OPSET, MIN_OPSET } from '../../../src/core/onnx/import';
import { AttributeType, MAX_MODEL_NODES, MAX_NODE_INPUTS, TensorType, encodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../../../src/core/onnx/onnx';
import { compileNetwork } from '../../../src/core/network';
import { build, node } from '../helpers/build';
import { runOnnx } from './ort';

const floatTensor = (name: string, dims: number[], values: ArrayLike<number>): OnnxTensor => ({ name, dims, dataType: TensorType.FLOAT, floats: Float32Array.from(values) });
const op = (opType: string, name: string, inputs: string[], outputs: string[], attributes: OnnxAttribute[] = []): OnnxNode => ({ opType, name, inputs, outputs, attributes, domain: '' });

interface Options {
  width?: number;
  opset?: number;
  inputs?: OnnxValueInfo[];
  metadata?: Record<string, string>;
}

function model(nodes: OnnxNode[], initializers: OnnxTensor[], options: Options = {}): Uint8Array {
  const m: OnnxModel = {
    irVersion: 8,
    opsets: [{ domain: '', version: options.opset ?? 17 }],
    producerName: 'test',
    producerVersion: '0',
    docString: '',
    graph: {
      name: 'hostile',
      nodes,
      initializers,
      inputs: options.inputs ?? [{ name: 'x', elemType: TensorType.FLOAT, dims: ['N', options.width ?? 2] }],
      outputs: [{ name: 'output', elemType: TensorType.FLOAT, dims: ['N', null] }],
    },
    metadata: options.metadata ?? {},
  };
  return encodeModel(m);
}

const W = floatTensor('W', [2, 2], [1, -1, 0.5, 2]);

/** ONNX Runtime refuses it too (so refusing it is being as strict as ONNX Runtime, not stricter). */
async function ortRefuses(bytes: Uint8Array, width = 2): Promise<boolean> {
  try {
    await runOnnx(bytes, new Float32Array(width), 1, width);
    return false;
  } catch {
    return true;
  }
}

describe('ONNX import: declared sizes are checked before allocating', () => {
  for (const width of [2 ** 31, 1e8]) {
    it(`refuses an input that declares ${width.toLocaleString('en-US')} features, at once`, () => {
      const bytes = model([op('Relu', 'r', ['x'], ['output'])], [], { width });
      expect(bytes.length).toBeLessThan(200);
      expect(importOnnx(bytes)).toEqual({ ok: false, message: `Cannot import: input 'x' declares ${width.toLocaleString('en-US')} features; Netwright reads at most 4,194,304 values per example` });
    });
  }

  it('refuses a tensor whose data is shorter than its shape says, before allocating it', () => {
    const bytes = model([op('MatMul', 'mm', ['x', 'W'], ['output'])], [floatTensor('W', [2, 20_000_000], [1, -1, 0.5, 2])]);
    expect(importOnnx(bytes)).toEqual({ ok: false, message: "This is not an ONNX model Netwright can read (tensor 'W': 16 bytes of data for 40000000 float32 values)." });
  });

  it(`refuses a model with more weights than a file holds (${MAX_FILE_PARAMETERS.toLocaleString('en-US')}), naming the figure`, () => {
    const side = Math.ceil(Math.sqrt(MAX_FILE_PARAMETERS + 1));
    const bytes = model([op('MatMul', 'mm', ['x', 'W'], ['output'])], [floatTensor('W', [side, side], new Float32Array(side * side))], { width: side });
    const result = importOnnx(bytes);
    expect(result).toEqual({ ok: false, message: `Cannot import: the model has ${(side * side).toLocaleString('en-US')} weights; a Netwright file holds at most 8,000,000 (files are at most 256 MB), so it could not be saved` });
  });
});

describe('ONNX import: huge graphs are refused by the limits (not after minutes)', () => {
  it(`a chain of 100,000 Relu nodes is refused by the model node limit (${MAX_MODEL_NODES}) before its nodes are read`, () => {
    const nodes = Array.from({ length: 100_000 }, (_, k) => op('Relu', `r${k}`, [k === 0 ? 'x' : `t${k - 1}`], [k === 99_999 ? 'output' : `t${k}`]));
    expect(importOnnx(model(nodes, []))).toEqual({ ok: false, message: 'Cannot import: the model has 100,000 nodes; Netwright reads models of at most 20,000 (its networks have at most 1,000 nodes)' });
  });

  it(`a chain of 19,000 Relu nodes is refused by the network node limit (${MAX_NODES})`, () => {
    const nodes = Array.from({ length: 19_000 }, (_, k) => op('Relu', `r${k}`, [k === 0 ? 'x' : `t${k - 1}`], [k === 18_999 ? 'output' : `t${k}`]));
    expect(importOnnx(model(nodes, []))).toEqual({ ok: false, message: 'Cannot import: This network has more than 1,000 nodes; Netwright opens networks of at most 1,000 nodes and 2,000 connections.' });
  });

  it('a chain of 19,000 Identity nodes imports (it is one connection)', () => {
    const nodes = [op('MatMul', 'mm', ['x', 'W'], ['t0']), ...Array.from({ length: 19_000 }, (_, k) => op('Identity', `i${k}`, [`t${k}`], [k === 18_999 ? 'output' : `t${k + 1}`]))];
    const result = importOnnx(model(nodes, [W]));
    if (!result.ok) throw new Error(result.message);
    expect(result.doc.nodes.map((n) => n.type)).toEqual(['input', 'dense', 'output']);
  });

  it(`a Sum of 1,000,000 values is refused by the input limit of a node (${MAX_NODE_INPUTS})`, () => {
    const nodes = [op('Relu', 'r', ['x'], ['a']), op('Sum', 'big', Array.from({ length: 1_000_000 }, () => 'a'), ['output'])];
    expect(importOnnx(model(nodes, []))).toEqual({ ok: false, message: "Cannot import: model.graph.node[1] has 1,000,000 inputs; Netwright's networks have at most 2,000 connections" });
  });

  it(`a Sum of 1,900 values is refused by the network limits (${MAX_NODES} nodes, ${MAX_EDGES} connections)`, () => {
    const nodes = [op('Relu', 'r', ['x'], ['a']), op('Sum', 'big', Array.from({ length: 1_900 }, () => 'a'), ['output'])];
    expect(importOnnx(model(nodes, []))).toEqual({ ok: false, message: expect.stringMatching(/^Cannot import: This network has more than [\d,]+ (nodes|connections); Netwright opens networks of at most 1,000 nodes and 2,000 connections\.$/) });
  });

  it('a graph out of order imports in dependency order, as ONNX Runtime runs it', async () => {
    const bytes = model([op('Relu', 'r', ['t'], ['output']), op('MatMul', 'mm', ['x', 'W'], ['t'])], [W]);
    const result = importOnnx(bytes);
    if (!result.ok) throw new Error(result.message);
    const compiled = compileNetwork(result.doc, { featureNames: ['x1', 'x2'] });
    if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
    const x = Float32Array.from([0.5, -1]);
    const ort = await runOnnx(bytes, x, 1, 2);
    expect(Array.from(compiled.net.forward(x, 1))).toEqual(Array.from(ort.data));
  });
});

describe('ONNX import refuses what ONNX Runtime refuses, naming the node or value', () => {
  const cases: { title: string; bytes: () => Uint8Array; message: string }[] = [
    {
      title: 'two nodes writing one value (SSA)',
      bytes: () => model([op('MatMul', 'mm', ['x', 'W'], ['t']), op('Relu', 'again', ['x'], ['t']), op('Relu', 'r', ['t'], ['output'])], [W]),
      message: "node 'again' writes the value 't', which node 'mm' already writes; a value has exactly one producer",
    },
    {
      title: 'a node writing an initializer',
      bytes: () => model([op('Relu', 'r', ['x'], ['W']), op('MatMul', 'mm', ['x', 'W'], ['output'])], [W]),
      message: "node 'r' writes the value 'W', which initializer 'W' already writes; a value has exactly one producer",
    },
    {
      title: 'a cycle',
      bytes: () => model([op('MatMul', 'mm', ['x', 'W'], ['t']), op('Add', 'a', ['t', 'u'], ['v']), op('Relu', 'b', ['v'], ['u']), op('Relu', 'r', ['v'], ['output'])], [W]),
      message: "the graph has a cycle: node 'a', node 'b', node 'r' depend on their own output",
    },
    {
      title: 'an unknown attribute of a supported operator',
      bytes: () => model([op('Relu', 'r', ['x'], ['output'], [{ name: 'foo', type: AttributeType.INT, i: 1 }])], []),
      message: "node 'r': Relu has no attribute 'foo'",
    },
    {
      title: 'an attribute of the wrong type',
      bytes: () => model([op('Softmax', 's', ['x'], ['output'], [{ name: 'axis', type: AttributeType.FLOAT, f: 1 }])], []),
      message: "node 's': the attribute axis should be an int",
    },
    {
      title: 'an attribute given twice',
      bytes: () => model([op('Softmax', 's', ['x'], ['output'], [{ name: 'axis', type: AttributeType.INT, i: 1 }, { name: 'axis', type: AttributeType.INT, i: -1 }])], []),
      message: "node 's': the attribute axis appears twice",
    },
    {
      title: 'an extra input to a node',
      bytes: () => model([op('Relu', 'r', ['x', 'x'], ['output'])], []),
      message: "node 'r': Relu takes 1 input, it has 2",
    },
    {
      title: 'a second graph input nothing feeds',
      bytes: () => model([op('Relu', 'r', ['x'], ['output'])], [], { inputs: [{ name: 'x', elemType: TensorType.FLOAT, dims: ['N', 2] }, { name: 'extra', elemType: TensorType.FLOAT, dims: ['N', 2] }] }),
      message: "the model has 2 inputs ('x', 'extra'); Netwright reads models with exactly one input [N, features]",
    },
    {
      title: 'opset 100000',
      bytes: () => model([op('Relu', 'r', ['x'], ['output'])], [], { opset: 100_000 }),
      message: `opset 100000 is not supported (Netwright reads opsets ${MIN_OPSET} to ${MAX_OPSET})`,
    },
    {
      title: 'an operator not in the model\'s opset (Gelu at 17)',
      bytes: () => model([op('Gelu', 'g', ['x'], ['output'], [{ name: 'approximate', type: AttributeType.STRING, s: 'tanh' }])], []),
      message: "node 'g': Gelu is not in opset 17 (it exists from opset 20)",
    },
    {
      title: 'an operator of another domain',
      bytes: () => model([{ ...op('FusedGemm', 'f', ['x', 'W'], ['output']), domain: 'com.microsoft' }], [W]),
      message: "node 'f': com.microsoft.FusedGemm is not supported",
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.title}, as ONNX Runtime does`, async () => {
      const bytes = c.bytes();
      expect(importOnnx(bytes)).toEqual({ ok: false, message: `Cannot import: ${c.message}` });
      expect(await ortRefuses(bytes)).toBe(true);
    });
  }

  it('refuses duplicate feature names in the metadata (the network would read one column twice)', () => {
    const doc = build([
      node('input', 'a', { features: ['p', 'q'] }),
      node('dense', 'h', { units: 1, activation: 'linear' }),
      node('output', 'out', { loss: 'mse', targets: ['y'] }),
    ], [['a', 'h'], ['h', 'out']]);
    const exported = exportOnnx(doc);
    if (!exported.ok) throw new Error(exported.message);
    // the same model with its feature list edited to name one column twice (same length, so the bytes line up)
    const text = new TextDecoder('latin1').decode(exported.bytes).replace('["p","q"]', '["p","p"]');
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(importOnnx(bytes)).toEqual({ ok: false, message: "Cannot import: the metadata netwright.featureNames names the feature 'p' twice (columns 1 and 2); each feature must have its own name" });
  });
});
