/**
 * The documented file format: the committed JSON Schema is the one generated from the zod schema, files valid for the
 * app are valid for the schema, every message quoted in the docs is the one the code gives, and loading stands up to
 * truncated files, huge numbers and prototype keys.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH, generateSchema } from '../../docs/generate-schema';
import { withGeneratedKinds } from '../../docs/generate-kinds';
import { KIND_LIST } from '../../src/core/kinds';
import { ACTIVATION_NAMES, DOCUMENT_VERSION, LOSS_NAMES, type NetworkDocument } from '../../src/core/document';
import { MIGRATIONS } from '../../src/core/migrations';
import { importOnnx } from '../../src/core/onnx/import';
import { AttributeType, TensorType, encodeModel } from '../../src/core/onnx/onnx';
import { parseDocument, serializeDocument, trySerializeDocument } from '../../src/core/serialize';
import { TEMPLATES, findTemplate } from '../../src/core/templates';

const read = (relative: string) => readFileSync(fileURLToPath(new URL(`../../${relative}`, import.meta.url)), 'utf8');
const fileFormat = read('docs/file-format.md');
const exchange = read('docs/exchange.md');
const flat = (text: string) => text.replace(/\s*\n\s*/g, ' ');
const worked = () => findTemplate('worked-example')!.build();

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);

describe('the node kinds in docs/file-format.md', () => {
  it('are exactly what docs/generate-kinds.ts generates from the kinds table (run it after changing a kind)', () => {
    expect(fileFormat).toBe(withGeneratedKinds(fileFormat));
  });
});

describe('the JSON Schema in docs/', () => {
  it('is exactly what docs/generate-schema.ts generates from the zod schema (run it after changing the format)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(generateSchema());
  });

  it('accepts the golden files, the example and every template', () => {
    const files = [
      read('tests/core/fixtures/v1-handwritten.saved.netwright'),
      read('tests/core/fixtures/v2-history.saved.netwright'),
      read('tests/core/fixtures/v2-concat-by-id.saved.netwright'),
      read('examples/worked-example.netwright'),
      ...TEMPLATES.map((t) => serializeDocument(t.build())),
    ];
    for (const text of files) {
      const ok = validate(JSON.parse(text));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('rejects what the app rejects: a bad field, an unknown node type, a newer version', () => {
    const raw = () => JSON.parse(serializeDocument(worked())) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    const badUnits = raw();
    badUnits.nodes[3] = { ...badUnits.nodes[3], type: 'dense', units: 0, activation: 'relu', useBias: true };
    const unknownType = raw();
    unknownType.nodes[0]!.type = 'conv9d';
    const newer = { ...raw(), version: DOCUMENT_VERSION + 1 };
    for (const doc of [badUnits, unknownType, newer]) {
      expect(validate(doc)).toBe(false);
      expect(parseDocument(JSON.stringify(doc)).ok).toBe(false);
    }
  });

  it('accepts every document the app accepts, among valid files with one value replaced by random JSON', () => {
    const base = JSON.parse(serializeDocument(worked())) as Record<string, unknown>;
    const paths: (string | number)[][] = [['name'], ['nodes', 2, 'bias'], ['nodes', 0, 'features'], ['edges', 1, 'weights'], ['training', 'learningRate'], ['data'], ['history'], ['nextId']];
    fc.assert(fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
      const doc = structuredClone(base);
      let at: Record<string | number, unknown> = doc;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
      at[path[path.length - 1]!] = value;
      const parsed = parseDocument(JSON.stringify(doc));
      if (parsed.ok) expect(validate(JSON.parse(serializeDocument(parsed.doc)))).toBe(true);
    }), { numRuns: 400 });
  });
});

describe('docs/file-format.md', () => {
  it('names the current version, every node type, activation and loss', () => {
    expect(fileFormat).toContain(`# The \`.netwright\` file format (version ${DOCUMENT_VERSION})`);
    for (const kind of KIND_LIST) expect(fileFormat).toContain(`### \`${kind.type}\` — ${kind.label}`);
    for (const name of [...ACTIVATION_NAMES, ...LOSS_NAMES]) expect(fileFormat).toContain(`\`${name}\``);
    expect(fileFormat).toContain('| 2 | `AddTrainingHistory` |');
    for (const m of MIGRATIONS) expect(fileFormat).toContain(`| ${m.version} | \`${m.name}\` |`);
  });

  it('quotes the messages the code really gives', () => {
    const raw = JSON.parse(serializeDocument(worked())) as { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[]; version: number };
    const messages: string[] = [];
    const failure = (text: string) => {
      const r = parseDocument(text);
      if (r.ok) throw new Error('expected a failure');
      return r.message;
    };
    messages.push(failure(''), failure('{"format": "something else"}'), failure(JSON.stringify({ ...raw, version: DOCUMENT_VERSION + 1 })));
    const units = structuredClone(raw);
    units.nodes[3] = { ...units.nodes[3], type: 'dense', units: -2, activation: 'relu', useBias: true };
    messages.push(failure(JSON.stringify(units)));
    const target = structuredClone(raw);
    target.edges[2]!.target = 'h9';
    messages.push(failure(JSON.stringify(target)));
    const dup = structuredClone(raw);
    dup.nodes[4]!.id = 'h1';
    messages.push(failure(JSON.stringify(dup)));
    const history = { ...structuredClone(raw), history: { step: [0, 1, 2], trainLoss: [1, 1, 1], testLoss: [1, 1], accuracy: [null, null, null] } };
    messages.push(failure(JSON.stringify(history)));
    messages.push(failure(serializeDocument(worked()).replace('"weights": [-0.3]', '"weights": [1e400]')));
    const nan: NetworkDocument = worked();
    nan.edges[1]!.weights = [Number.NaN];
    const saved = trySerializeDocument(nan);
    messages.push(saved.ok ? 'saved?' : saved.message);
    expect(messages).toEqual([
      'This file is not valid JSON: line 1, column 1: expected a value, found the end of the file. It is not a Netwright network.',
      'This is not a Netwright network: its first line should say "format": "netwright".',
      `This file was made by a newer Netwright (version ${DOCUMENT_VERSION + 1}); this one reads up to ${DOCUMENT_VERSION}. Update Netwright to open it.`,
      'nodes[3].units: expected a positive integer',
      'edges[2].target: the connection "e3" points to "h9", which is not a node of this network',
      'nodes[4].id: "h1" is already the id of nodes[2]; ids must be unique',
      'history.testLoss: expected 3 values, one per step (got 2)',
      'edges[1].weights[0]: expected a finite number, got Infinity',
      'Cannot save: the connection "x2" → "h1" has a weight of NaN at position 1; only finite numbers can be saved.',
    ]);
    for (const m of messages) expect(flat(fileFormat)).toContain(m);
  });
});

describe('docs/exchange.md', () => {
  it('quotes the ONNX import messages the code really gives', () => {
    const model = (opType: string, name: string, attributes: { name: string; type: number; f?: number }[] = []) => encodeModel({
      irVersion: 8, opsets: [{ domain: '', version: 17 }], producerName: 't', producerVersion: '0', docString: '', metadata: {},
      graph: {
        name: 'g',
        nodes: [
          { opType: 'Gemm', name: 'fc', domain: '', inputs: ['x', 'W'], outputs: ['z'], attributes: [] },
          { opType, name, domain: '', inputs: ['z'], outputs: ['output'], attributes },
        ],
        initializers: [{ name: 'W', dims: [2, 1], dataType: TensorType.FLOAT, floats: new Float32Array([1, 2]) }],
        inputs: [{ name: 'x', elemType: TensorType.FLOAT, dims: ['N', 2] }],
        outputs: [{ name: 'output', elemType: TensorType.FLOAT, dims: ['N', 1] }],
      },
    });
    const message = (bytes: Uint8Array) => {
      const r = importOnnx(bytes);
      if (r.ok) throw new Error('expected a failure');
      return r.message.replace(/^Cannot import: /, '');
    };
    const quoted = [
      message(model('LSTM', 'LSTM_3')),
      message(model('LeakyRelu', 'lr', [{ name: 'alpha', type: AttributeType.FLOAT, f: 0.2 }])),
      message(new Uint8Array([0x3a, 52, 1, 2, 3, 4, 5, 6, 7, 8])),
    ];
    expect(quoted[0]).toBe("node 'LSTM_3': LSTM is not supported");
    for (const m of quoted) expect(flat(exchange)).toContain(m);
  });
});

describe('loading stands up to bad files', () => {
  const good = serializeDocument({ ...findTemplate('iris')!.build(), history: { step: [0, 5], trainLoss: [1.1, 0.9], testLoss: [1.2, null], accuracy: [0.3, null] } });

  it('every truncation of a valid file gives a message, never a document or a throw', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: good.length - 2 }), (cut) => {
      const result = parseDocument(good.slice(0, cut));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
    }), { numRuns: 500 });
  });

  it('huge numbers anywhere are refused with the path, or are in range', () => {
    const numberPositions = [...good.matchAll(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)].map((m) => ({ at: m.index, length: m[0].length }));
    fc.assert(fc.property(fc.constantFrom(...numberPositions), fc.constantFrom('1e400', '-1e400', '1e308', '123456789012345678901234567890', '5e-400'), (pos, huge) => {
      const text = good.slice(0, pos.at) + huge + good.slice(pos.at + pos.length);
      const result = parseDocument(text);
      if (!result.ok) {
        expect(result.message).toMatch(/^[\w[\].]+: |^This file/);
      } else {
        expect(JSON.parse(serializeDocument(result.doc))).toEqual(JSON.parse(serializeDocument(result.doc)));
      }
      if (huge.endsWith('e400') && !huge.startsWith('5') && !result.ok) expect(result.message).toMatch(/expected|finite|Infinity|whole|positive|at most|number/);
    }), { numRuns: 300 });
  });

  it('random bytes read as text are refused with a message', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      const text = String.fromCharCode(...bytes);
      const result = parseDocument(text);
      if (!result.ok) expect(['invalid-json', 'not-netwright', 'invalid', 'version-too-new']).toContain(result.reason);
    }), { numRuns: 300 });
  });

  it('a __proto__ key anywhere is refused and pollutes nothing', () => {
    const places = [
      (raw: string) => raw.replace('"roles": {', '"roles": { "__proto__": { "polluted": "feature" },'),
      (raw: string) => raw.replace('"nodes": [', '"__proto__": { "polluted": true }, "nodes": ['),
      (raw: string) => raw.replace('"history": {', '"history": { "__proto__": { "polluted": [1] },'),
    ];
    const csvDoc = serializeDocument({
      ...worked(),
      data: { kind: 'csv', fileName: 'a.csv', text: 'x1,x2,y\n1,2,1\n', roles: { x1: 'feature', x2: 'feature', y: 'target' }, standardize: false, trainRatio: 1, seed: 1 },
      history: { step: [0], trainLoss: [1], testLoss: [null], accuracy: [null] },
    });
    for (const spoil of places) {
      const text = spoil(csvDoc);
      expect(text).not.toBe(csvDoc);
      const result = parseDocument(text);
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/__proto__: this name is not allowed as a key in a Netwright file$/) });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});
