/** The raw-text checks every file goes through before its meaning is read: UTF-8, JSON syntax, duplicate keys. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, float32Problem, invalidUtf8Offset, scanJson, unknownKeys } from '../../src/core/fileText';
import { MAX_EDGES, MAX_NODES } from '../../src/core/limits';
import { parseDocument, serializeDocument, trySerializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';

const worked = () => findTemplate('worked-example')!.build();
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeUtf8', () => {
  it('refuses invalid UTF-8 with the offset of the first bad byte instead of turning it into U+FFFD', () => {
    const bytes = utf8('{ "name": "caf\u00e9 x" }');
    const broken = Uint8Array.from([...bytes.subarray(0, 14), 0xff, ...bytes.subarray(14)]);
    const result = decodeUtf8(broken);
    expect(result).toMatchObject({ ok: false, offset: 14 });
    expect(result.ok ? '' : result.message).toBe('This file is not valid UTF-8 text: the byte at offset 14 (0xff) does not belong to a UTF-8 character. Re-save it as UTF-8.');
  });

  it.each([
    ['a lone continuation byte', [0x41, 0x80], 1],
    ['a truncated 3-byte character at the end', [0x41, 0xe2, 0x82], 1],
    ['an overlong "/"', [0xc0, 0xaf], 0],
    ['an encoded surrogate', [0x20, 0xed, 0xa0, 0x80], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('%s: found at its offset', (_what, bytes, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
  });

  it('agrees with a fatal TextDecoder on random bytes, and decodes what it accepts to the same text', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 16 }), (random, text) => {
      for (const bytes of [random, utf8(text), Uint8Array.from([...utf8(text), ...random.subarray(0, 3)])]) {
        let expected: string | undefined;
        try {
          expected = fatal.decode(bytes);
        } catch {
          expected = undefined;
        }
        const got = decodeUtf8(bytes);
        if (expected === undefined) expect(got.ok).toBe(false);
        else expect(got).toEqual({ ok: true, text: expected.charCodeAt(0) === 0xfeff ? expected.slice(1) : expected });
      }
    }), { seed: 1101, numRuns: 400 });
  });
});

describe('scanJson', () => {
  it('reports a syntax error on one line with line and column, never quoting the file', () => {
    const text = '{\n  "name": "a",\n  "nodes": [1, 2,, 3]\n}';
    const result = scanJson(text);
    expect(result).toMatchObject({ ok: false, kind: 'syntax', line: 3, column: 18 });
    expect(result.ok ? '' : result.message).toBe('This file is not valid JSON: line 3, column 18: expected a value, found ",".');
    const parsed = parseDocument(`{ "format": "netwright",\n  "secret": "do not echo me" ]`);
    expect(parsed.ok ? '' : parsed.message).toBe('This file is not valid JSON: line 2, column 30: expected "," or "}", found "]". It is not a Netwright network.');
    expect(parsed.ok ? '' : parsed.message).not.toContain('echo');
  });

  it('finds a duplicate key and names its JSON path', () => {
    const result = scanJson('{ "nodes": [ {}, { "id": "h1", "bias": 0.3,\n "bias": 1e30 } ] }');
    expect(result).toMatchObject({ ok: false, kind: 'duplicate-key', path: 'nodes[1].bias', line: 2, column: 2 });
    expect(scanJson('{ "a": { "k": 1 }, "b": { "k": 2 } }')).toEqual({ ok: true });
    expect(scanJson('{ "k\\u0041": 1, "kA": 2 }')).toMatchObject({ ok: false, kind: 'duplicate-key', path: 'kA' });
  });

  it('a .netwright file with a duplicate key is refused with the path (the last value no longer wins silently)', () => {
    const text = serializeDocument(worked()).replace('"bias": 0.3', '"bias": 0.3, "bias": 1e30');
    expect(text).toContain('"bias": 1e30');
    const result = parseDocument(text);
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    expect(result.ok ? '' : result.message).toMatch(/^nodes\[\d+\]\.bias: the key "bias" appears twice in the same object \(line \d+, column \d+\)/);
  });

  const jsonParses = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };

  it('accepts exactly what JSON.parse accepts (random text, random JSON, and JSON with one character changed)', () => {
    const mutated = fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom(...'{}[],:"\\ 0123456789.eE+-tfnul\u0001\u00e9'.split(''), ''), fc.boolean())
      .map(([s, at, c, insert]) => {
        const k = s.length === 0 ? 0 : at % s.length;
        return insert ? s.slice(0, k) + c + s.slice(k) : s.slice(0, k) + c + s.slice(k + 1);
      });
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.json({ maxDepth: 4 }), mutated), (s) => {
      const scanned = scanJson(s);
      const accepted = scanned.ok || scanned.kind === 'duplicate-key';
      expect(accepted).toBe(jsonParses(s));
      if (!scanned.ok) expect(scanned.message).not.toContain('\n');
    }), { seed: 1102, numRuns: 3000 });
  });

  it('scans deeply nested text without recursion', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(scanJson(deep)).toEqual({ ok: true });
    expect(scanJson(`${'{"a":'.repeat(50_000)}1${'}'.repeat(49_999)}`)).toMatchObject({ ok: false, kind: 'syntax' });
  });
});

describe('unknownKeys and float32Problem', () => {
  it('names keys the parsed value lacks', () => {
    expect(unknownKeys({ a: 1, b: [{ c: 1, d: 2 }], e: { f: 1 } }, { a: 1, b: [{ c: 1 }] }).sort()).toEqual(['b[0].d', 'e']);
  });

  it('finds the first number beyond float32 anywhere', () => {
    expect(float32Problem({ a: [1, 2, { b: [3, -1e39] }] })).toEqual({ path: 'a[2].b[1]', value: -1e39 });
    expect(float32Problem({ a: [3.4e38, -3.4e38] })).toBeUndefined();
  });
});

describe('the node and edge limit', () => {
  /** The worked example padded with unconnected neurons to `nodes` nodes, as file text (written as plain JSON). */
  const paddedText = (nodes: number) => {
    const doc = findTemplate('worked-example')!.build();
    const neuron = doc.nodes.find((n) => n.type === 'neuron')!;
    const extra = Array.from({ length: nodes - doc.nodes.length }, (_, i) => ({ ...neuron, id: `extra${i}`, name: `extra${i}` }));
    return JSON.stringify({ ...JSON.parse(serializeDocument(doc)), nodes: [...doc.nodes, ...extra] });
  };

  it('a document at the limit opens; one node more is refused at once with the figures', () => {
    expect(parseDocument(paddedText(MAX_NODES)).ok).toBe(true);
    const over = parseDocument(paddedText(MAX_NODES + 1));
    expect(over).toMatchObject({ ok: false, reason: 'invalid', path: 'nodes' });
    expect(over.ok ? '' : over.message).toBe(`This network has more than ${MAX_NODES.toLocaleString('en-US')} nodes; Netwright opens networks of at most ${MAX_NODES.toLocaleString('en-US')} nodes and ${MAX_EDGES.toLocaleString('en-US')} connections.`);
  });

  it('a file of a million nodes is refused without reading past the limit (the scan stops there)', () => {
    const node = '{ "id": "n", "type": "neuron" }, ';
    const text = `{ "format": "netwright", "version": 2, "nodes": [${node.repeat(1_000_000)}{}] }`;
    const scanned = scanJson(text, { nodes: MAX_NODES });
    expect(scanned).toMatchObject({ ok: false, kind: 'too-many', key: 'nodes', count: MAX_NODES + 1, line: 1 });
    expect(parseDocument(text)).toMatchObject({ ok: false, path: 'nodes' });
  });

  it('saving refuses what loading refuses', () => {
    const doc = findTemplate('worked-example')!.build();
    const edges = Array.from({ length: MAX_EDGES + 1 }, (_, i) => ({ ...doc.edges[0]!, id: `e${i}` }));
    expect(trySerializeDocument({ ...doc, edges })).toMatchObject({ ok: false, path: 'edges' });
  });
});
