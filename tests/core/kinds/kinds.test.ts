/**
 * Every node kind in the table, present and future, gets the same checks, run on the example networks its module
 * gives (`examples`): compiled forward against the kind's float64 reference, every parameter's gradient against
 * central finite differences of the float64 reference loss (the parameters upstream of a node check the gradient it
 * passes to its inputs), a save/load round trip, the ONNX export run in ONNX Runtime, an ONNX export→import round
 * trip, and validation of a wrong number of inputs and of wrong input shapes. A kind without examples fails by name.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkDocument, NetworkNode } from '../../../src/core/document';
import { analyzeGraph } from '../../../src/core/graph';
import { KIND_LIST, kindOf } from '../../../src/core/kinds';
import { compileNetwork, writeWeights, type Network } from '../../../src/core/network';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { createRng } from '../../../src/core/random';
import { parseDocument, serializeDocument } from '../../../src/core/serialize';
import { validateDocument } from '../../../src/core/validate';
import { runOnnx } from '../onnx/ort';

const BATCH = 5;

function compiled(doc: NetworkDocument): Network {
  const result = compileNetwork(doc);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join(' '));
  return result.net;
}

function inputsFor(net: Network, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: BATCH * net.inputSize }, () => rng.uniform(-2, 2));
}

/** Targets that suit the loss: one-hot for softmax cross-entropy, 0/1 for binary, anything for mse. */
function targetsFor(net: Network, loss: string, seed: number): Float32Array {
  const rng = createRng(seed);
  const k = net.targetNames.length;
  const y = new Float32Array(BATCH * k);
  for (let r = 0; r < BATCH; r++) {
    if (loss === 'softmaxCrossEntropy') y[r * k + Math.floor(rng.next() * k)] = 1;
    else for (let j = 0; j < k; j++) y[r * k + j] = loss === 'binaryCrossEntropy' ? (rng.next() < 0.5 ? 0 : 1) : rng.uniform(-1, 1);
  }
  return y;
}

/** The whole network in float64 from the kinds' references: the output of every node for one example. */
function referenceForward(doc: NetworkDocument, net: Network, params: Float64Array, x: readonly number[]): Map<string, number[]> {
  const analysis = analyzeGraph(doc);
  const values = new Map<string, number[]>();
  for (const id of analysis.order) {
    const node = analysis.nodesById[id]!;
    const incoming = analysis.incoming[id] ?? [];
    const nodeSlots: Record<string, number[]> = {};
    for (const [name, b] of Object.entries(net.layout.nodes[id] ?? {})) nodeSlots[name] = Array.from(params.subarray(b.offset, b.offset + b.length));
    const edges = incoming.map((e) => {
      const b = net.layout.edges[e.id];
      return b ? Array.from(params.subarray(b.offset, b.offset + b.rows * b.cols)) : [];
    });
    values.set(id, kindOf(node.type).reference(node, incoming.map((e) => values.get(e.source)!), { node: nodeSlots, edges }, x, net.featureNames, incoming.map((e) => analysis.shapes[e.source]!)));
  }
  return values;
}

function referenceLoss(loss: string, p: number[], t: number[], fusedZ: number[] | null): number {
  const eps = 1e-7;
  const clip = (v: number) => Math.min(1 - eps, Math.max(eps, v));
  if (loss === 'mse') return p.reduce((s, v, j) => s + (v - t[j]!) ** 2, 0);
  if (loss === 'binaryCrossEntropy') {
    if (fusedZ) return fusedZ.reduce((s, z, j) => s + Math.max(z, 0) - z * t[j]! + Math.log(1 + Math.exp(-Math.abs(z))), 0);
    return p.reduce((s, v, j) => s - (t[j]! * Math.log(clip(v)) + (1 - t[j]!) * Math.log(1 - clip(v))), 0);
  }
  if (fusedZ) {
    const m = Math.max(...fusedZ);
    const lse = m + Math.log(fusedZ.reduce((s, z) => s + Math.exp(z - m), 0));
    return fusedZ.reduce((s, z, j) => s + t[j]! * (lse - z), 0);
  }
  return -p.reduce((s, v, j) => s + t[j]! * Math.log(clip(v)), 0);
}

/** The batch loss in float64 (mean over examples of the per-example loss, as the core defines it). */
function referenceBatchLoss(doc: NetworkDocument, net: Network, params: Float64Array, x: Float32Array, y: Float32Array): number {
  const output = doc.nodes.find((n) => kindOf(n.type).role === 'output')!;
  const loss = kindOf(output.type).loss!(output);
  const producer = doc.edges.find((e) => e.target === output.id)!.source;
  let total = 0;
  for (let r = 0; r < BATCH; r++) {
    const row = Array.from(x.subarray(r * net.inputSize, (r + 1) * net.inputSize));
    const values = referenceForward(doc, net, params, row);
    const p = values.get(output.id)!;
    const t = Array.from(net.targetColumns, (c) => y[r * net.targetNames.length + c]!);
    let fusedZ: number[] | null = null;
    if (net.fused) {
      // The fused losses read the producer's pre-activation: its reference with a linear activation.
      const node = doc.nodes.find((n) => n.id === producer)!;
      const linear = { ...doc, nodes: doc.nodes.map((n) => (n.id === producer ? ({ ...n, activation: 'linear' } as NetworkNode) : n)) };
      fusedZ = referenceForward(linear, net, params, row).get(node.id)!;
    }
    total += referenceLoss(loss, p, t, fusedZ);
  }
  return total / BATCH;
}

function examplesOf(type: string): NetworkDocument[] {
  return kindOf(type).examples.networks();
}

describe.each(KIND_LIST.map((k) => [k.type, k] as const))('node kind %s', (type, kind) => {
  it('gives example networks that use it and compile', () => {
    const docs = examplesOf(type);
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(doc.nodes.some((n) => n.type === type)).toBe(true);
      expect(validateDocument(doc).errors).toEqual([]);
      compiled(doc);
    }
  });

  it('computes what its float64 reference computes', () => {
    for (const [k, doc] of examplesOf(type).entries()) {
      const net = compiled(doc);
      const x = inputsFor(net, 10 + k);
      const got = Float32Array.from(net.forward(x, BATCH));
      const params = Float64Array.from(net.params);
      for (let r = 0; r < BATCH; r++) {
        const row = Array.from(x.subarray(r * net.inputSize, (r + 1) * net.inputSize));
        const want = referenceForward(doc, net, params, row).get(net.outputNodeId)!;
        want.forEach((v, j) => expect(got[r * net.outputSize + j]).toBeCloseTo(v, 4));
      }
    }
  });

  it('gives the gradient of every parameter that central finite differences of the float64 reference give', () => {
    for (const [k, doc] of examplesOf(type).entries()) {
      const net = compiled(doc);
      const output = doc.nodes.find((n) => kindOf(n.type).role === 'output')!;
      const x = inputsFor(net, 20 + k);
      const y = targetsFor(net, kindOf(output.type).loss!(output), 30 + k);
      net.zeroGrads();
      net.forward(x, BATCH);
      net.backward(y, BATCH);
      const base = Float64Array.from(net.params);
      const h = 1e-5;
      expect(net.params.length).toBeGreaterThan(0);
      for (let i = 0; i < base.length; i++) {
        const plus = base.slice();
        plus[i] += h;
        const minus = base.slice();
        minus[i] -= h;
        const numeric = (referenceBatchLoss(doc, net, plus, x, y) - referenceBatchLoss(doc, net, minus, x, y)) / (2 * h);
        const analytic = net.grads[i]!;
        expect(Math.abs(analytic - numeric), `${doc.name}: parameter ${i}: ${analytic} vs ${numeric}`).toBeLessThan(1e-3 + 1e-2 * Math.abs(numeric));
      }
    }
  });

  it('saves and loads its networks with every parameter bit for bit', () => {
    for (const doc of examplesOf(type)) {
      const net = compiled(doc);
      const withWeights = writeWeights(doc, net);
      const loaded = parseDocument(serializeDocument(withWeights));
      if (!loaded.ok) throw new Error(loaded.message);
      expect(loaded.doc).toEqual(withWeights);
      expect(Array.from(compiled(loaded.doc).params)).toEqual(Array.from(net.params));
    }
  });

  it('exports ONNX that ONNX Runtime runs to the same outputs', async () => {
    for (const [k, doc] of examplesOf(type).entries()) {
      const net = compiled(doc);
      const exported = exportOnnx(doc, { params: net.params });
      if (!exported.ok) throw new Error(exported.message);
      const x = inputsFor(net, 40 + k);
      const expected = Float32Array.from(net.forward(x, BATCH));
      const got = await runOnnx(exported.bytes, x, BATCH, net.inputSize);
      expect(got.dims).toEqual([BATCH, net.outputSize]);
      got.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });

  it('comes back from an ONNX export→import computing the same outputs', () => {
    for (const [k, doc] of examplesOf(type).entries()) {
      const net = compiled(doc);
      const exported = exportOnnx(doc, { params: net.params });
      if (!exported.ok) throw new Error(exported.message);
      const imported = importOnnx(exported.bytes);
      if (!imported.ok) throw new Error(imported.message);
      const back = compiled(imported.doc);
      const x = inputsFor(net, 50 + k);
      const expected = Float32Array.from(net.forward(x, BATCH));
      const got = back.forward(x, BATCH);
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });

  it('refuses a wrong number of inputs on the node', () => {
    const doc = kind.examples.wrongArity();
    if (doc === null) {
      expect(kind.minInputs === 0 && kind.maxInputs === Infinity).toBe(true);
      return;
    }
    const ids = doc.nodes.filter((n) => n.type === type).map((n) => n.id);
    const errors = validateDocument(doc).errors.filter((p) => p.nodeIds.some((id) => ids.includes(id)));
    expect(errors.map((p) => p.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^(no-input|too-many-inputs|input-has-incoming)$/)]));
  });

  it('refuses inputs of shapes it cannot take, or says why every shape is fine', () => {
    const wrong = kind.examples.wrongShape();
    if ('none' in wrong) {
      expect(wrong.none.length).toBeGreaterThan(10);
      return;
    }
    const ids = wrong.nodes.filter((n) => n.type === type).map((n) => n.id);
    const errors = validateDocument(wrong).errors.filter((p) => p.nodeIds.some((id) => ids.includes(id)) && /mismatch|shape/.test(p.code));
    expect(errors.length).toBeGreaterThan(0);
  });
});
