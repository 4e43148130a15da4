/**
 * Seeded, bounded fuzzing of ONNX import (issue 11 item 2): valid exports (every kind's example networks and random
 * networks from the table of kinds) mutated: cut short, a byte flipped, a tensor's dims or data type changed, the
 * input's width or type changed, an attribute changed, added or dropped, a node duplicated, dropped or moved, an input
 * renamed, the opset changed, the metadata's names repeated. Every case is classified:
 * - clean error: refused with a one-line message ("Cannot import: …" or "This is not an ONNX model …");
 * - accepted: imported, and ONNX Runtime runs the same bytes to the same outputs (within 1e-4) as the imported network;
 * - crash: a throw, an internal error, or an accepted document that does not validate or compile;
 * - accepted, ONNX Runtime refuses: imported although ONNX Runtime refuses the model;
 * - silently wrong: accepted and ONNX Runtime gives other outputs.
 * A hang shows as the test's timeout; the slowest import is reported. CI runs 220 cases; NETWRIGHT_FUZZ_SCALE=10 runs
 * the 2,200 and prints the table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../../src/core/document';
import { KIND_LIST } from '../../../src/core/kinds';
import { compileNetwork } from '../../../src/core/network';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { AttributeType, TensorType, decodeModel, encodeModel, type OnnxModel } from '../../../src/core/onnx/onnx';
import { createRng } from '../../../src/core/random';
import { validateDocument } from '../../../src/core/validate';
import { runOnnx } from './ort';
import { randomNetworks } from './random-networks';

const SCALE = Number(process.env.NETWRIGHT_FUZZ_SCALE ?? 1);
const CASES = Math.round(220 * SCALE);

type Outcome = 'clean error' | 'accepted' | 'crash' | 'accepted, ONNX Runtime refuses' | 'silently wrong';

/** The valid models the mutations start from. */
function seeds(): Uint8Array[] {
  const docs: NetworkDocument[] = [...KIND_LIST.flatMap((k) => k.examples.networks()), ...randomNetworks(12, 9000)];
  return docs.map((doc) => {
    const exported = exportOnnx(doc);
    if (!exported.ok) throw new Error(exported.message);
    return exported.bytes;
  });
}

const MUTATIONS = [
  'truncate', 'flip a byte', 'tensor dims', 'tensor type', 'input width', 'input type', 'attribute value', 'attribute type',
  'unknown attribute', 'drop an attribute', 'duplicate a node', 'drop a node', 'move a node', 'rename an input',
  'extra node input', 'opset', 'repeat a feature name', 'second graph input',
] as const;

function mutate(bytes: Uint8Array, kind: number, a: number, b: number): Uint8Array {
  const name = MUTATIONS[kind % MUTATIONS.length]!;
  if (name === 'truncate') return bytes.subarray(0, a % bytes.length);
  if (name === 'flip a byte') {
    const out = Uint8Array.from(bytes);
    out[a % out.length] = b & 255;
    return out;
  }
  const m: OnnxModel = decodeModel(bytes);
  const g = m.graph;
  const pick = <T>(list: T[]): T | undefined => (list.length === 0 ? undefined : list[a % list.length]);
  const node = pick(g.nodes);
  const DIMS = [0, 1, 2, 3, 7, 1000, 2 ** 31, 1e8];
  switch (name) {
    case 'tensor dims': {
      const t = pick(g.initializers);
      if (t && t.dims.length > 0) t.dims[b % t.dims.length] = DIMS[b % DIMS.length]!;
      break;
    }
    case 'tensor type': {
      const t = pick(g.initializers);
      if (t) t.dataType = [TensorType.FLOAT, TensorType.INT64, 10, 11, 0][b % 5]!;
      break;
    }
    case 'input width':
      g.inputs[0]!.dims[1] = DIMS[b % DIMS.length]!;
      break;
    case 'input type':
      g.inputs[0]!.elemType = [7, 10, 11, 0][b % 4]!;
      break;
    case 'attribute value': {
      const attr = node && pick(node.attributes);
      if (attr) {
        if (attr.type === AttributeType.INT) attr.i = [-2, -1, 0, 1, 2, 3][b % 6];
        if (attr.type === AttributeType.FLOAT) attr.f = [0, 0.2, -1, 1e30, 0.5][b % 5];
        if (attr.type === AttributeType.STRING) attr.s = ['none', 'tanh', ''][b % 3];
      }
      break;
    }
    case 'attribute type': {
      const attr = node && pick(node.attributes);
      if (attr) attr.type = [AttributeType.INT, AttributeType.FLOAT, AttributeType.STRING, AttributeType.INTS][b % 4]!;
      break;
    }
    case 'unknown attribute':
      node?.attributes.push({ name: ['foo', 'axis', 'alpha', 'transA', 'seed'][b % 5]!, type: AttributeType.INT, i: b % 3 });
      break;
    case 'drop an attribute':
      if (node && node.attributes.length > 0) node.attributes.splice(b % node.attributes.length, 1);
      break;
    case 'duplicate a node':
      if (node) g.nodes.splice(b % (g.nodes.length + 1), 0, { ...node, name: `${node.name}_dup` });
      break;
    case 'drop a node':
      if (node) g.nodes.splice(a % g.nodes.length, 1);
      break;
    case 'move a node':
      if (node) {
        g.nodes.splice(a % g.nodes.length, 1);
        g.nodes.splice(b % (g.nodes.length + 1), 0, node);
      }
      break;
    case 'rename an input': {
      const names = [...g.nodes.flatMap((n) => n.outputs), ...g.initializers.map((t) => t.name), 'input', 'nowhere'];
      if (node && node.inputs.length > 0) node.inputs[b % node.inputs.length] = names[b % names.length]!;
      break;
    }
    case 'extra node input':
      node?.inputs.push(['input', g.initializers[0]?.name ?? 'x', ''][b % 3]!);
      break;
    case 'opset':
      m.opsets[0]!.version = [1, 12, 13, 16, 18, 20, 23, 24, 100_000][b % 9]!;
      break;
    case 'repeat a feature name': {
      const names = JSON.parse(m.metadata['netwright.featureNames'] ?? '[]') as string[];
      if (names.length > 1) names[b % names.length] = names[(b + 1) % names.length]!;
      m.metadata['netwright.featureNames'] = JSON.stringify(names);
      break;
    }
    case 'second graph input':
      g.inputs.push({ name: `extra${b % 2}`, elemType: TensorType.FLOAT, dims: ['N', 2] });
      break;
  }
  return encodeModel(m);
}

const ONE_LINE = /^(Cannot import: |This is not an ONNX model Netwright can read \()[^\n]*$/;

async function classify(bytes: Uint8Array, seed: number): Promise<{ outcome: Outcome; ms: number; detail: string }> {
  const t = performance.now();
  let result: ReturnType<typeof importOnnx>;
  try {
    result = importOnnx(bytes);
  } catch (error) {
    return { outcome: 'crash', ms: performance.now() - t, detail: `threw ${String(error)}` };
  }
  const ms = performance.now() - t;
  if (!result.ok) {
    const clean = ONE_LINE.test(result.message) && !result.message.includes('(internal error)');
    return { outcome: clean ? 'clean error' : 'crash', ms, detail: result.message };
  }
  if (validateDocument(result.doc).errors.length > 0) return { outcome: 'crash', ms, detail: 'accepted a document that does not validate' };
  const compiled = compileNetwork(result.doc, { featureNames: result.featureNames });
  if (!compiled.ok) return { outcome: 'crash', ms, detail: `accepted a network that does not compile: ${compiled.problems[0]!.message}` };
  const net = compiled.net;
  const rows = 3;
  const rng = createRng(seed);
  const x = Float32Array.from({ length: rows * net.inputSize }, () => rng.uniform(-2, 2));
  let theirs: Float32Array;
  try {
    theirs = (await runOnnx(bytes, x, rows, net.inputSize)).data;
  } catch (error) {
    return { outcome: 'accepted, ONNX Runtime refuses', ms, detail: String(error).slice(0, 300) };
  }
  const ours = net.forward(x, rows);
  if (ours.length !== theirs.length) return { outcome: 'silently wrong', ms, detail: `${ours.length} outputs, ONNX Runtime ${theirs.length}` };
  for (let i = 0; i < ours.length; i++) {
    const want = theirs[i]!;
    const got = ours[i]!;
    const same = (Number.isNaN(want) && Number.isNaN(got)) || Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want));
    if (!same) return { outcome: 'silently wrong', ms, detail: `output ${i}: ${got} vs ONNX Runtime ${want}` };
  }
  return { outcome: 'accepted', ms, detail: '' };
}

describe(`ONNX import fuzz (${CASES} mutated models)`, () => {
  it('gives a clean error or ONNX Runtime\'s outputs for every mutation: no crash, no hang, nothing silently wrong', async () => {
    const bases = seeds();
    const tally: Record<Outcome, number> = { 'clean error': 0, accepted: 0, crash: 0, 'accepted, ONNX Runtime refuses': 0, 'silently wrong': 0 };
    const perMutation = new Map<string, Record<Outcome, number>>();
    const bad: string[] = [];
    let slowest = 0;
    let tried = 0;
    await fc.assert(fc.asyncProperty(
      fc.nat(), fc.nat(MUTATIONS.length - 1), fc.nat(), fc.nat(),
      async (base, kind, a, b) => {
        const bytes = mutate(bases[base % bases.length]!, kind, a, b);
        const { outcome, ms, detail } = await classify(bytes, a);
        tried++;
        tally[outcome]++;
        const row = perMutation.get(MUTATIONS[kind]!) ?? { 'clean error': 0, accepted: 0, crash: 0, 'accepted, ONNX Runtime refuses': 0, 'silently wrong': 0 };
        row[outcome]++;
        perMutation.set(MUTATIONS[kind]!, row);
        slowest = Math.max(slowest, ms);
        if (outcome !== 'clean error' && outcome !== 'accepted') bad.push(`${MUTATIONS[kind]} (base ${base % bases.length}, a ${a}, b ${b}): ${outcome}: ${detail}`);
      },
    ), { numRuns: CASES, seed: 20261202 });
    if (SCALE !== 1 || process.env.NETWRIGHT_FUZZ_REPORT) {
      console.log(`ONNX fuzz: ${tried} tried, slowest import ${slowest.toFixed(0)} ms`);
      console.table({ ...Object.fromEntries(perMutation), total: tally });
    }
    expect(bad).toEqual([]);
    expect(tried).toBe(CASES);
    // the mutations reach both sides: some are refused, some still import and are checked against ONNX Runtime
    expect(tally['clean error']).toBeGreaterThan(CASES / 4);
    expect(tally.accepted).toBeGreaterThan(CASES / 20);
  }, 600_000);
});
