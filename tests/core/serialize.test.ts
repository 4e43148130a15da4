import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES, DEFAULT_TRAINING, DOCUMENT_VERSION, INITIALIZER_NAMES, LOSS_NAMES, OPTIMIZER_NAMES,
  type DataReference, type NetworkDocument, type NetworkEdge, type NetworkNode, type TrainingHistory, type TrainingSetup,
} from '../../src/core/document';
import { FLOAT32_MAX } from '../../src/core/fileText';
import { FIRST_VERSION, MIGRATIONS, migrate, runMigrations, type Migration } from '../../src/core/migrations';
import { BUILTIN_DATASET_NAMES } from '../../src/core/schema';
import { DocumentSaveError, parseDocument, serializeDocument, trySerializeDocument } from '../../src/core/serialize';
import { compileNetwork } from '../../src/core/network';
import { findTemplate } from '../../src/core/templates';
import { validateDocument } from '../../src/core/validate';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');

const worked = () => findTemplate('worked-example')!.build();
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

// ---- arbitraries for valid documents ----

/** Any number a file may hold: finite and within float32 range (±3.4e38), which the schema bounds. */
const finiteDouble = fc.double({ noNaN: true, min: -FLOAT32_MAX, max: FLOAT32_MAX });
/** Values a Float32Array can hold (including -0 and subnormals). */
const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const position = fc.record({ x: finiteDouble, y: finiteDouble });
const name = fc.string({ maxLength: 12 });
const activation = fc.constantFrom(...ACTIVATION_NAMES);
const probability = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const labels = fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 });

function nodeArb(id: string): fc.Arbitrary<NetworkNode> {
  return fc.oneof(
    fc.record({ id: fc.constant(id), type: fc.constant('input' as const), name, position, features: labels }),
    fc.record({ id: fc.constant(id), type: fc.constant('neuron' as const), name, position, activation, bias: f32 }),
    fc.record({
      id: fc.constant(id), type: fc.constant('dense' as const), name, position,
      units: fc.integer({ min: 1, max: 64 }), activation, useBias: fc.boolean(), bias: fc.array(f32, { maxLength: 8 }),
    }, { requiredKeys: ['id', 'type', 'name', 'position', 'units', 'activation', 'useBias'] }),
    fc.record({ id: fc.constant(id), type: fc.constant('activation' as const), name, position, activation }),
    fc.record({ id: fc.constant(id), type: fc.constant('dropout' as const), name, position, rate: probability }),
    fc.record({ id: fc.constant(id), type: fc.constant('add' as const), name, position }),
    fc.record({ id: fc.constant(id), type: fc.constant('concat' as const), name, position }),
    fc.record({ id: fc.constant(id), type: fc.constant('output' as const), name, position, loss: fc.constantFrom(...LOSS_NAMES), targets: labels }),
  );
}

const positive = fc.double({ min: Number.MIN_VALUE, max: 1e6, noNaN: true });
const trainingArb: fc.Arbitrary<TrainingSetup> = fc.record({
  optimizer: fc.constantFrom(...OPTIMIZER_NAMES),
  learningRate: positive,
  schedule: fc.oneof(
    fc.constant({ kind: 'constant' as const }),
    fc.record({ kind: fc.constant('stepDecay' as const), factor: positive, everyEpochs: fc.integer({ min: 1, max: 1000 }) }),
  ),
  momentum: probability,
  nesterov: fc.boolean(),
  beta1: probability,
  beta2: probability,
  epsilon: positive,
  batchSize: fc.integer({ min: 1, max: 4096 }),
  epochs: fc.integer({ min: 1, max: 100000 }),
  l1: fc.double({ min: 0, max: 10, noNaN: true }),
  l2: fc.double({ min: 0, max: 10, noNaN: true }),
  clipNorm: positive,
  initializer: fc.constantFrom(...INITIALIZER_NAMES),
  initialValue: finiteDouble,
  seed: fc.integer(),
}, { requiredKeys: ['optimizer', 'learningRate', 'schedule', 'momentum', 'nesterov', 'beta1', 'beta2', 'epsilon', 'batchSize', 'epochs', 'l1', 'l2', 'initializer', 'seed'] });

const ratio = fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true });
const dataArb: fc.Arbitrary<DataReference> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({
    kind: fc.constant('builtin' as const), name: fc.constantFrom(...BUILTIN_DATASET_NAMES), noise: fc.double({ min: 0, max: 1, noNaN: true }),
    trainRatio: ratio, seed: fc.integer(), samples: fc.integer({ min: 1, max: 100000 }), features: fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }),
  }, { requiredKeys: ['kind', 'name', 'noise', 'trainRatio', 'seed'] }),
  fc.record({
    kind: fc.constant('csv' as const), fileName: fc.string(), text: fc.string(),
    roles: fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => !FORBIDDEN.has(k)), fc.constantFrom('feature' as const, 'target' as const, 'ignored' as const), { noNullPrototype: true }),
    standardize: fc.boolean(), trainRatio: ratio, seed: fc.integer(),
  }),
);

const historyArb: fc.Arbitrary<TrainingHistory> = fc.array(fc.record({
  step: fc.nat(),
  trainLoss: finiteDouble,
  testLoss: fc.option(finiteDouble, { nil: null }),
  accuracy: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
}), { maxLength: 6 }).map((points) => ({
  step: points.map((p) => p.step),
  trainLoss: points.map((p) => p.trainLoss),
  testLoss: points.map((p) => p.testLoss),
  accuracy: points.map((p) => p.accuracy),
}));

const documentArb: fc.Arbitrary<NetworkDocument> = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 0, maxLength: 8 })
  .chain((ids) => {
    const nodes = fc.tuple(...ids.map(nodeArb));
    const edge = (i: number): fc.Arbitrary<NetworkEdge> => fc.record({
      id: fc.constant(`e${i}`),
      source: fc.constantFrom(...ids),
      target: fc.constantFrom(...ids),
      weights: fc.array(f32, { maxLength: 12 }),
      order: fc.integer({ min: -5, max: 5 }),
    }, { requiredKeys: ['id', 'source', 'target'] });
    const edges: fc.Arbitrary<NetworkEdge[]> = ids.length === 0
      ? fc.constant([])
      : fc.integer({ min: 0, max: 10 }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => edge(i))));
    return fc.record({
      format: fc.constant('netwright' as const),
      version: fc.constant(DOCUMENT_VERSION),
      name,
      nodes,
      edges,
      training: trainingArb,
      data: dataArb,
      nextId: fc.integer({ min: 1, max: 1_000_000 }),
      history: historyArb,
    }, { requiredKeys: ['format', 'version', 'name', 'nodes', 'edges', 'training', 'data'] });
  });

/** Every number in a value, in order, for bit-for-bit comparison (toEqual already tells -0 from 0; this says where). */
function numbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) for (const v of value) numbers(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) numbers(v, out);
  return out;
}

// ---- tests ----

describe('serializeDocument', () => {
  it('starts with the header', () => {
    expect(serializeDocument(worked()).startsWith(`{\n  "format": "netwright",\n  "version": ${DOCUMENT_VERSION},\n  "name": `)).toBe(true);
  });

  it('round-trips random valid documents exactly, every number bit for bit', () => {
    fc.assert(fc.property(documentArb, (doc) => {
      const text = serializeDocument(doc);
      const parsed = parseDocument(text);
      if (!parsed.ok) throw new Error(parsed.message);
      expect(parsed.doc).toEqual(doc);
      const a = numbers(doc);
      const b = numbers(parsed.doc);
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i])).toBe(true);
      expect(serializeDocument(parsed.doc)).toBe(text);
    }), { numRuns: 300 });
  });

  it('keeps weights taken from a Float32Array bit for bit, including -0 and subnormals', () => {
    const raw = new Float32Array([0.1, -0.3, 1 / 3, -0, 1.401298464324817e-45, 3.4028234663852886e38, -1.1754942106924411e-38, Math.PI]);
    const doc = worked();
    doc.edges[0]!.weights = Array.from(raw);
    doc.edges[0]!.target = 'h1';
    const parsed = parseDocument(serializeDocument(doc));
    if (!parsed.ok) throw new Error(parsed.message);
    const back = Float32Array.from(parsed.doc.edges[0]!.weights!);
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(raw.buffer));
    expect(Object.is(parsed.doc.edges[0]!.weights![3], -0)).toBe(true);
  });

  it.each([
    ['a NaN weight', (d: NetworkDocument) => { d.edges[1]!.weights = [Number.NaN]; }, 'the connection "x2" → "h1" has a weight of NaN at position 1', 'edges[1].weights[0]'],
    ['an infinite bias', (d: NetworkDocument) => { (d.nodes[2] as { bias: number }).bias = Infinity; }, '"h1" has a bias of Infinity', 'nodes[2].bias'],
    ['a -Infinity position', (d: NetworkDocument) => { d.nodes[0]!.position.y = -Infinity; }, '"x1" sits at y = -Infinity', 'nodes[0].position.y'],
    ['a NaN learning rate', (d: NetworkDocument) => { d.training.learningRate = Number.NaN; }, 'training setting learningRate is NaN', 'training.learningRate'],
    ['a diverged loss in the history', (d: NetworkDocument) => { d.history = { step: [1, 2], trainLoss: [0.5, Infinity], testLoss: [null, null], accuracy: [null, null] }; }, 'the training history has a trainLoss of Infinity at point 2', 'history.trainLoss[1]'],
  ])('refuses %s with a message naming where', (_what, spoil, message, path) => {
    const doc = worked();
    spoil(doc);
    const result = trySerializeDocument(doc);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
    expect(!result.ok && result.path).toBe(path);
    expect(() => serializeDocument(doc)).toThrow(DocumentSaveError);
  });

  it('refuses what loading would refuse, so a saved file always opens', () => {
    const doc = worked();
    doc.edges.push({ id: 'e1', source: 'h1', target: 'out' });
    const result = trySerializeDocument(doc);
    expect(!result.ok && result.message).toContain('edges[7].id: "e1" is already the id of edges[0]');
  });

  it('does not write fields that are not part of the format', () => {
    const doc = { ...worked(), scratch: 'runtime only' } as NetworkDocument;
    expect(serializeDocument(doc)).not.toContain('scratch');
  });
});

describe('parseDocument', () => {
  const text = () => serializeDocument(worked());
  const edit = (change: (raw: Record<string, unknown> & { nodes: Record<string, unknown>[] }) => void) => {
    const raw = JSON.parse(text());
    change(raw);
    return parseDocument(JSON.stringify(raw));
  };

  it('reads the worked example', () => {
    expect(parseDocument(text())).toEqual({ ok: true, doc: worked() });
  });

  it.each([
    ['', 'invalid-json'], ['{', 'invalid-json'], ['not json at all', 'invalid-json'],
    ['null', 'not-netwright'], ['[]', 'not-netwright'], ['42', 'not-netwright'], ['{"format":"excalidraw"}', 'not-netwright'],
  ])('refuses %j as %s', (input, reason) => {
    const result = parseDocument(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
  });

  it('refuses a newer version, saying which', () => {
    const result = edit((raw) => { raw.version = DOCUMENT_VERSION + 2; });
    expect(result).toEqual({
      ok: false,
      reason: 'version-too-new',
      message: `This file was made by a newer Netwright (version ${DOCUMENT_VERSION + 2}); this one reads up to ${DOCUMENT_VERSION}. Update Netwright to open it.`,
    });
  });

  it.each([
    ['units 0', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[3] = { ...r.nodes[3], type: 'dense', units: 0, useBias: true }; }, 'nodes[3].units', 'nodes[3].units: expected a positive integer'],
    ['units 2.5', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[3] = { ...r.nodes[3], type: 'dense', units: 2.5, useBias: true }; }, 'nodes[3].units', 'nodes[3].units: expected a positive integer'],
    ['an unknown activation', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[2]!.activation = 'swish'; }, 'nodes[2].activation', 'expected one of "linear", "relu"'],
    ['a bias given as text', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[2]!.bias = '0.3'; }, 'nodes[2].bias', 'expected a number, got the text "0.3"'],
    ['a missing name', (r: { nodes: Record<string, unknown>[] }) => { delete r.nodes[0]!.name; }, 'nodes[0].name', 'expected text, got nothing'],
    ['a dropout rate of 1', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[2] = { ...r.nodes[2], type: 'dropout', rate: 1 }; }, 'nodes[2].rate', 'from 0 up to (not including) 1'],
    ['a batch size of 0', (r: Record<string, unknown>) => { (r.training as Record<string, unknown>).batchSize = 0; }, 'training.batchSize', 'expected a positive integer'],
    ['a weight given as text', (r: Record<string, unknown>) => { ((r.edges as Record<string, unknown>[])[2]!).weights = ['1']; }, 'edges[2].weights[0]', 'expected a number'],
    ['an edge to a missing node', (r: Record<string, unknown>) => { ((r.edges as Record<string, unknown>[])[2]!).target = 'ghost'; }, 'edges[2].target', 'points to "ghost", which is not a node'],
    ['a duplicate node id', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[4]!.id = 'h1'; }, 'nodes[4].id', '"h1" is already the id of nodes[2]'],
    ['a layer too large to allocate', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[3] = { ...r.nodes[3], type: 'dense', units: 1e9, useBias: true }; }, 'nodes[3].units', 'expected at most'],
  ] as const)('refuses %s, naming the field', (_what, spoil, path, message) => {
    const result = edit(spoil as never);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('invalid');
    expect(result.path).toBe(path);
    expect(result.message).toContain(message);
  });

  it.each([
    ['an unknown node type', (r: { nodes: Record<string, unknown>[] }) => { r.nodes[1]!.type = 'conv9d'; }, 'nodes[1].type', 'unknown type "conv9d"'],
    ['an unknown optimizer', (r: Record<string, unknown>) => { (r.training as Record<string, unknown>).optimizer = 'lion'; }, 'training.optimizer', 'unknown optimizer "lion"'],
    ['an unknown data set', (r: Record<string, unknown>) => { r.data = { kind: 'builtin', name: 'mnist', noise: 0, trainRatio: 0.8, seed: 1 }; }, 'data.name', 'unknown data set "mnist"'],
  ] as const)('refuses %s as made by a newer Netwright, naming the field', (_what, spoil, path, message) => {
    const result = edit(spoil as never);
    expect(result).toMatchObject({ ok: false, reason: 'version-too-new', path });
    if (result.ok) return;
    expect(result.message).toContain(message);
    expect(result.message).toContain('made by a newer Netwright');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key anywhere', (key) => {
    const inNode = text().replace('"id": "h1",', `"id": "h1", "${key}": { "polluted": true },`);
    const result = parseDocument(inNode);
    expect(result).toMatchObject({ ok: false, reason: 'invalid', path: `nodes[2].${key}` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const raw = JSON.parse(text());
    // JSON.parse makes "__proto__" an own key, as a hostile file would.
    raw.data = JSON.parse(`{ "kind": "csv", "fileName": "a.csv", "text": "a", "roles": { "${key}": "feature" }, "standardize": true, "trainRatio": 0.8, "seed": 1 }`);
    const inRoles = parseDocument(JSON.stringify(raw));
    expect(inRoles).toMatchObject({ ok: false, path: `data.roles.${key}` });
  });

  it('refuses an unknown key in a current file, naming its path (a typo would silently re-initialise an edge)', () => {
    const typo = parseDocument(serializeDocument(worked()).replace('"weights": [-0.3]', '"0eights": [-0.3]'));
    expect(typo).toMatchObject({ ok: false, reason: 'invalid', path: 'edges[1].0eights' });
    expect(typo.ok ? '' : typo.message).toMatch(/^edges\[1\]\.0eights: "0eights" is not a field Netwright knows here/);
    expect(edit((raw) => { (raw as Record<string, unknown>).futureThing = {}; })).toMatchObject({ ok: false, path: 'futureThing' });
    expect(edit((raw) => { (raw.training as Record<string, unknown>).learningrate = 1; })).toMatchObject({ ok: false, path: 'training.learningrate' });
  });

  it("drops an older file's unknown keys with a warning naming each path", () => {
    const raw = JSON.parse(serializeDocument(worked())) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    raw.version = 1;
    delete raw.history;
    raw.nodes[0]!.extra = 1;
    const result = parseDocument(JSON.stringify(raw));
    expect(result.ok).toBe(true);
    expect(result.ok && 'extra' in result.doc.nodes[0]!).toBe(false);
    expect(result.ok && result.warnings).toEqual([`nodes[0].extra: "extra" is not a field of a version ${DOCUMENT_VERSION} file; it was dropped`]);
  });

  it('refuses weights, biases and any other number beyond float32 range, with the path', () => {
    const big = parseDocument(serializeDocument(worked()).replace('"weights": [-0.3]', '"weights": [1e39]'));
    expect(big).toMatchObject({ ok: false, reason: 'invalid', path: 'edges[1].weights[0]' });
    expect(big.ok ? '' : big.message).toBe('edges[1].weights[0]: 1e+39 is beyond the range of 32-bit floats (±3.4028e+38), which Netwright computes in');
    const bias = edit((raw) => { const n = raw.nodes.find((x) => 'bias' in x)!; n.bias = -4e38; });
    expect(bias.ok).toBe(false);
    expect(bias.ok ? '' : bias.message).toMatch(/^nodes\[\d+\]\.bias: -4e\+38 is beyond the range of 32-bit floats/);
    expect(parseDocument(serializeDocument(worked()).replace('"weights": [-0.3]', `"weights": [${FLOAT32_MAX}]`)).ok).toBe(true);
    const doc = worked();
    doc.edges[0]!.weights = [1e39];
    expect(trySerializeDocument(doc)).toMatchObject({ ok: false, path: 'edges[0].weights[0]' });
  });

  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const result = parseDocument(s);
      expect(result.ok).toBe(false);
      expect(typeof (result as { message: string }).message).toBe('string');
    }), { numRuns: 500 });
  });

  it('never throws on random JSON', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), (s) => {
      const result = parseDocument(s);
      expect(result.ok).toBe(false);
    }), { numRuns: 500 });
  });

  it('never throws on a valid file with one value replaced by random JSON, and names the path when it refuses', () => {
    const base = JSON.parse(text());
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(base, []);
    fc.assert(fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
      const raw = JSON.parse(text());
      let at = raw;
      for (const key of path.slice(0, -1)) at = at[key];
      at[path.at(-1)!] = value;
      const result = parseDocument(JSON.stringify(raw));
      if (!result.ok) {
        expect(result.message.length).toBeGreaterThan(0);
        if (result.reason === 'invalid') expect(result.path).toBeDefined();
      }
    }), { numRuns: 500 });
  });

  it('never throws on deeply nested input', () => {
    const deep = `{"format":"netwright","version":1,"name":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(parseDocument(deep).ok).toBe(false);
    expect(parseDocument(null as unknown as string).ok).toBe(false);
  });
});

describe('migrations', () => {
  it('has one migration for every version after the first, in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: DOCUMENT_VERSION - FIRST_VERSION }, (_, i) => FIRST_VERSION + 1 + i));
  });

  it('passes a current file through unchanged, as a copy', () => {
    const raw = JSON.parse(serializeDocument(worked()));
    const result = migrate(raw);
    expect(result).toEqual({ ok: true, doc: raw, applied: [] });
    expect(result.ok && result.doc).not.toBe(raw);
  });

  it('AddTrainingHistory (1 → 2) moves a v1 file to version 2, dropping a history field v1 never read', () => {
    const v1 = Object.freeze({ ...JSON.parse(fixture('v1-handwritten.netwright')), history: { step: [1] } });
    const result = runMigrations(v1, MIGRATIONS, 2);
    if (!result.ok) throw new Error(result.message);
    expect(result.applied).toEqual(['AddTrainingHistory']);
    expect(result.migratedFrom).toBe(1);
    expect(result.doc.version).toBe(2);
    expect('history' in result.doc).toBe(false);
    expect(v1.history).toEqual({ step: [1] });
  });

  const cat2 = (edges: Record<string, unknown>[]) => edges.filter((e) => e.target === 'cat').map((e) => [e.id, e.order]);

  it('ConcatInFileOrder (2 → 3) writes the id-sorted order onto a Concat that relied on it, and leaves the rest alone', () => {
    const v2 = Object.freeze(JSON.parse(fixture('v2-concat-by-id.netwright')) as Record<string, unknown>);
    const edgesBefore = structuredClone(v2.edges);
    const result = runMigrations(v2, MIGRATIONS, 3);
    if (!result.ok) throw new Error(result.message);
    expect(result.applied).toEqual(['ConcatInFileOrder']);
    expect(result.migratedFrom).toBe(2);
    expect(result.doc.version).toBe(3);
    // "e10" < "e11" < "e9" as strings: version 2 read b, c, a.
    expect(cat2(result.doc.edges as Record<string, unknown>[])).toEqual([['e9', 2], ['e10', 0], ['e11', 1]]);
    // cat2's edges e20, e21 are in file order and in id order: nothing to write.
    expect((result.doc.edges as Record<string, unknown>[]).filter((e) => e.target === 'cat2').map((e) => 'order' in e)).toEqual([false, false]);
    expect(v2.edges).toEqual(edgesBefore);
  });

  it('ConcatInFileOrder keeps the old meaning: the migrated file computes what version 2 computed, version 3 reads file order', () => {
    const text = fixture('v2-concat-by-id.netwright');
    const run = (t: string) => {
      const loaded = parseDocument(t);
      if (!loaded.ok) throw new Error(loaded.message);
      const compiled = compileNetwork(loaded.doc);
      if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
      return Array.from(compiled.net.forward(Float32Array.from([1, 2, 3]), 1));
    };
    // Features a, b, c = 1, 2, 3. Version 2 joined e10 (b), e11 (c), e9 (a), then a again.
    expect(run(text)).toEqual([2, 3, 1, 1]);
    expect(run(text.replace('"version": 2', '"version": 3'))).toEqual([1, 2, 3, 1]);
  });

  it.each([
    ['explicit orders that already decide', [{ id: 'e9', source: 'a', target: 'cat', order: 1 }, { id: 'e10', source: 'b', target: 'cat', order: 0 }]],
    ['ids in file order', [{ id: 'e1', source: 'a', target: 'cat' }, { id: 'e2', source: 'b', target: 'cat' }]],
    ['an order that is not a number (the schema refuses it)', [{ id: 'e9', source: 'a', target: 'cat', order: 'x' }, { id: 'e10', source: 'b', target: 'cat' }]],
    ['edges into something else', [{ id: 'e9', source: 'a', target: 'b' }, { id: 'e10', source: 'a', target: 'b' }]],
  ])('ConcatInFileOrder changes nothing but the version for %s', (_what, edges) => {
    const nodes = [{ id: 'a', type: 'input' }, { id: 'b', type: 'input' }, { id: 'cat', type: 'concat' }];
    const result = runMigrations({ format: 'netwright', version: 2, nodes, edges }, MIGRATIONS, 3);
    expect(result).toEqual({ ok: true, doc: { format: 'netwright', version: 3, nodes, edges }, migratedFrom: 2, applied: ['ConcatInFileOrder'] });
  });

  it('ConcatInFileOrder only reorders where ties were broken by id: explicit orders first, then the tied ones as version 2 sorted them', () => {
    const nodes = [{ id: 'a', type: 'input' }, { id: 'b', type: 'input' }, { id: 'c', type: 'input' }, { id: 'cat', type: 'concat' }];
    const edges = [{ id: 'e9', source: 'a', target: 'cat' }, { id: 'e10', source: 'b', target: 'cat' }, { id: 'e11', source: 'c', target: 'cat', order: 0 }];
    const result = migrate({ format: 'netwright', version: 2, nodes, edges });
    if (!result.ok) throw new Error(result.message);
    expect(cat2(result.doc.edges as Record<string, unknown>[])).toEqual([['e9', 2], ['e10', 1], ['e11', 0]]);
  });

  it('AddTrainingRuns (3 → 4) moves a v3 file to version 4, dropping a runs field v3 never read, without touching the input', () => {
    const v3 = Object.freeze({ ...JSON.parse(serializeDocument(worked())), version: 3, runs: [{ id: 'r1' }] }) as Record<string, unknown>;
    const result = migrate(v3);
    if (!result.ok) throw new Error(result.message);
    expect(result.applied).toEqual(['AddTrainingRuns']);
    expect(result.migratedFrom).toBe(3);
    expect(result.doc.version).toBe(4);
    expect('runs' in result.doc).toBe(false);
    expect(v3.runs).toEqual([{ id: 'r1' }]);
    const parsed = parseDocument(JSON.stringify(v3));
    expect(parsed).toMatchObject({ ok: true, migratedFrom: 3 });
    expect(parsed.ok && parsed.doc.runs).toBeUndefined();
  });

  it('a version 4 file keeps its runs: saved and read back the same', () => {
    const run = {
      id: 'run1', name: 'Run 1', setup: worked().training, parameters: 9, stepsPerSecond: 1200,
      curve: { step: [0, 10], trainLoss: [0.3, 0.2], testLoss: [null, null], accuracy: [null, null] },
      final: { step: 10, epoch: 10, trainLoss: 0.2, testLoss: null, accuracy: null },
    };
    const doc = { ...worked(), runs: [run] };
    const text = serializeDocument(doc);
    const back = parseDocument(text);
    if (!back.ok) throw new Error(back.message);
    expect(back.doc.runs).toEqual([run]);
    const bad = parseDocument(text.replace('"parameters": 9', '"parameters": -1'));
    expect(bad).toMatchObject({ ok: false, path: 'runs[0].parameters' });
  });

  // The machinery, with migrations made up here.
  const renameTitle: Migration = { version: 2, name: 'RenameTitleToName', up: ({ title, ...rest }) => ({ ...rest, name: title }) };
  const addTags: Migration = { version: 3, name: 'AddTags', up: (doc) => ({ ...doc, tags: [] }) };

  it('applies migrations in order from the file version, without touching the input', () => {
    const raw = Object.freeze({ format: 'netwright', version: 1, title: 'old', nodes: Object.freeze([]) });
    const result = runMigrations(raw, [addTags, renameTitle], 3);
    expect(result).toEqual({ ok: true, doc: { format: 'netwright', version: 3, name: 'old', nodes: [], tags: [] }, migratedFrom: 1, applied: ['RenameTitleToName', 'AddTags'] });
    expect(raw).toEqual({ format: 'netwright', version: 1, title: 'old', nodes: [] });
  });

  it('starts from the file version', () => {
    const result = runMigrations({ version: 2, name: 'x' }, [renameTitle, addTags], 3);
    expect(result).toMatchObject({ ok: true, migratedFrom: 2, applied: ['AddTags'] });
  });

  it('protects the caller from a migration that mutates its input', () => {
    const sloppy: Migration = { version: 2, name: 'Sloppy', up: (doc) => { (doc.nodes as unknown[]).push('x'); return doc; } };
    const raw = { version: 1, nodes: [] as unknown[] };
    runMigrations(raw, [sloppy], 2);
    expect(raw.nodes).toEqual([]);
  });

  it.each([
    ['a missing migration', { version: 1 }, [addTags], 3, 'no migration produces version 2'],
    ['a failing migration', { version: 1 }, [{ version: 2, name: 'Boom', up: () => { throw new Error('bad shape'); } }], 2, 'migration Boom (to version 2) failed: bad shape'],
    ['a version below the first', { version: 0 }, [], 1, '0 is not a Netwright file version'],
    ['a fractional version', { version: 1.5 }, [], 1, 'expected a whole number'],
  ] as const)('refuses %s', (_what, raw, migrations, target, message) => {
    const result = runMigrations(raw, migrations as readonly Migration[], target);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('reports a version-0 file as invalid when loading', () => {
    const result = parseDocument(serializeDocument(worked()).replace(`"version": ${DOCUMENT_VERSION}`, '"version": 0'));
    expect(result).toMatchObject({ ok: false, reason: 'invalid', path: 'version' });
  });
});

it('the default training setup is a valid one', () => {
  expect(parseDocument(serializeDocument({ ...worked(), training: { ...DEFAULT_TRAINING } })).ok).toBe(true);
});

describe('golden files', () => {
  it('a hand-written v1 file (keys out of order, unknown fields, -0) loads, migrates and re-saves to the known canonical current text', () => {
    const loaded = parseDocument(fixture('v1-handwritten.netwright'));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.migratedFrom).toBe(1);
    expect(validateDocument(loaded.doc).errors).toEqual([]);
    const saved = fixture('v1-handwritten.saved.netwright');
    expect(serializeDocument(loaded.doc)).toBe(saved);
    expect(parseDocument(saved)).toEqual({ ok: true, doc: loaded.doc });
    expect(Object.is(loaded.doc.edges[0]!.weights![1], -0)).toBe(true);
  });

  it('a v2 file with a training history loads, migrates and re-saves to the known v3 text, which re-saves to itself', () => {
    const loaded = parseDocument(fixture('v2-history.netwright'));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.migratedFrom).toBe(2);
    expect(loaded.doc.history).toEqual({ step: [0, 10, 20], trainLoss: [0.7, 0.5, 0.25], testLoss: [0.71, null, 0.3], accuracy: [0.5, null, 0.875] });
    const saved = fixture('v2-history.saved.netwright');
    expect(serializeDocument(loaded.doc)).toBe(saved);
    const again = parseDocument(saved);
    expect(again).toEqual({ ok: true, doc: loaded.doc });
  });

  it('a v2 file whose Concat relied on the id sort loads, migrates and re-saves to the known v3 text with explicit orders', () => {
    const loaded = parseDocument(fixture('v2-concat-by-id.netwright'));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.migratedFrom).toBe(2);
    const saved = fixture('v2-concat-by-id.saved.netwright');
    expect(serializeDocument(loaded.doc)).toBe(saved);
    expect(parseDocument(saved)).toEqual({ ok: true, doc: loaded.doc });
  });
});
