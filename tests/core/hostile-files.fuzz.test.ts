/**
 * Seeded, bounded fuzzing of what users open: mutated .netwright files (from every template) and mutated CSV files.
 * Each case is classified: clean error (refused with a one-line message), accepted (and then checked: nothing in the
 * file was dropped or changed on the way in, every number fits float32, validation and compilation do not throw),
 * crash (a throw, or a message that is an internal error), silently wrong (accepted but the oracle fails).
 * CI runs 360 documents and 300 CSV mutations (a few seconds); NETWRIGHT_FUZZ_SCALE=10 runs the sizes
 * (3,600 and 3,000) and prints the tallies.
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { datasetFromCsv, inspectCsv } from '../../src/core/data/csv';
import { decodeUtf8, FLOAT32_MAX } from '../../src/core/fileText';
import { compileNetwork } from '../../src/core/network';
import { parseDocument, serializeDocument } from '../../src/core/serialize';
import { TEMPLATES } from '../../src/core/templates';
import { validateDocument } from '../../src/core/validate';

const SCALE = Number(process.env.NETWRIGHT_FUZZ_SCALE ?? 1);
type Outcome = 'clean error' | 'accepted' | 'crash' | 'silently wrong';
const tally = () => ({ tried: 0, 'clean error': 0, accepted: 0, crash: 0, 'silently wrong': 0, slowestMs: 0 });

const enc = new TextEncoder();

/** Every leaf of a JSON value with its path. */
function leaves(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`, out);
  else out.set(path, value);
  return out;
}

const NUMBERS = ['1e39', '-1e39', '1e400', '-0', '3.4028235e38', '3.4028234663852886e38', '1e-50', '0.5', '-7', '1e308', '2e-45', '123456789012345678901234567890'];
const VALUES = ['{}', '[]', 'null', '"x"', 'true', '[1e39]', '{"a":1}', '""', '-1'];
const NOISE = ['\u001b]0;pwned\u0007', '\\u001b[2J', '\u0000', '\\ud800', '"', '\\', '\u202e', '\uFEFF', 'é'];

/** One mutation of a file's bytes, picked by the numbers the generator drew. */
function mutateDocument(text: string, kind: number, a: number, b: number): Uint8Array {
  const at = (re: RegExp) => {
    const hits = [...text.matchAll(re)];
    return hits.length === 0 ? undefined : hits[a % hits.length]!;
  };
  switch (kind) {
    case 0: { // a number replaced by an extreme one
      const m = at(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g);
      return enc.encode(m ? text.slice(0, m.index) + NUMBERS[b % NUMBERS.length] + text.slice(m.index! + m[0].length) : text);
    }
    case 1: { // a key with a typo
      const m = at(/"([A-Za-z]+)":/g);
      if (!m) return enc.encode(text);
      const key = m[1]!;
      const k = b % key.length;
      const typo = key.slice(0, k) + String.fromCharCode(48 + (b % 10)) + key.slice(k + 1);
      return enc.encode(text.slice(0, m.index) + `"${typo}":` + text.slice(m.index! + m[0].length));
    }
    case 2: { // a key said twice
      const m = at(/"([A-Za-z]+)": /g);
      return enc.encode(m ? `${text.slice(0, m.index)}"${m[1]}": ${NUMBERS[b % NUMBERS.length]}, ${text.slice(m.index)}` : text);
    }
    case 3: { // a bad byte
      const bytes = enc.encode(text);
      const i = a % bytes.length;
      return Uint8Array.from([...bytes.subarray(0, i), [0xff, 0xc0, 0x80, 0xed, 0xf5][b % 5]!, ...bytes.subarray(i)]);
    }
    case 4: // truncated
      return enc.encode(text.slice(0, a % text.length));
    case 5: { // noise inside a string
      const m = at(/"[^"\n]*"/g);
      return enc.encode(m ? text.slice(0, m.index! + 1) + NOISE[b % NOISE.length] + text.slice(m.index! + 1) : text);
    }
    case 6: { // a line deleted
      const lines = text.split('\n');
      lines.splice(a % lines.length, 1);
      return enc.encode(lines.join('\n'));
    }
    case 7: { // a value replaced by another type
      const m = at(/: ([^,\n{}[\]]+)/g);
      return enc.encode(m ? `${text.slice(0, m.index! + 2)}${VALUES[b % VALUES.length]}${text.slice(m.index! + m[0].length)}` : text);
    }
    default: { // one character replaced
      const i = a % text.length;
      return enc.encode(text.slice(0, i) + String.fromCharCode(32 + (b % 95)) + text.slice(i + 1));
    }
  }
}

function classifyDocument(bytes: Uint8Array): Outcome {
  try {
    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) return decoded.message.includes('\n') ? 'crash' : 'clean error';
    const parsed = parseDocument(decoded.text);
    if (!parsed.ok) {
      if (parsed.message.startsWith('This file could not be read')) return 'crash';
      return parsed.message.includes('\n') ? 'crash' : 'clean error';
    }
    // Accepted: what the file says must be what the document holds (nothing dropped, nothing changed)...
    const raw = leaves(JSON.parse(decoded.text));
    const back = leaves(JSON.parse(serializeDocument(parsed.doc)));
    if (parsed.migratedFrom === undefined) {
      for (const [path, value] of raw) {
        if (!back.has(path) || !Object.is(back.get(path), value)) return 'silently wrong';
      }
    }
    // ...every number fits the float32 the network computes in...
    for (const v of back.values()) if (typeof v === 'number' && !(Math.abs(v) <= FLOAT32_MAX)) return 'silently wrong';
    // ...and the rest of the pipeline answers without throwing.
    validateDocument(parsed.doc);
    const compiled = compileNetwork(parsed.doc);
    if (compiled.ok) compiled.net.forward(new Float32Array(compiled.net.inputSize), 1);
    return 'accepted';
  } catch {
    return 'crash';
  }
}

const IRIS_CSV = [
  'sepal_length,sepal_width,petal_length,petal_width,petal_area,target',
  ...Array.from({ length: 40 }, (_, i) => [5 + (i % 7) / 10, 3 + (i % 5) / 10, 1.4 + (i % 9) / 10, 0.2 + (i % 4) / 10, ((1.4 + (i % 9) / 10) * (0.2 + (i % 4) / 10)).toFixed(3), (i * 7) % 3 === 0 ? 1.5 : 0.5].join(',')),
].join('\n');
const CELLS = ['1e39', '-1e39', '1e999', 'NaN', 'Infinity', '', 'NA', '"1,5"', '1,5', '0x10', '1_000', '١٢', '\u001b[2J', '"', '\n', '\r\n', ';', '\t', ' 7 ', '+3', '.5', '5.', '-0', '3.4e38'];

function mutateCsv(text: string, kind: number, a: number, b: number): string {
  const lines = text.split('\n');
  const row = 1 + (a % (lines.length - 1));
  const cells = lines[row]!.split(',');
  switch (kind) {
    case 0: cells[b % cells.length] = CELLS[a % CELLS.length]!; lines[row] = cells.join(','); return lines.join('\n');
    case 1: lines.splice(row, 1, `${lines[row]},${CELLS[b % CELLS.length]}`); return lines.join('\n');
    case 2: lines.splice(row, 1); return lines.join('\n');
    case 3: { const h = lines[0]!.split(','); h[b % h.length] = h[(b + 1) % h.length]!; lines[0] = h.join(','); return lines.join('\n'); }
    case 4: return text.slice(0, a % text.length);
    default: { const i = a % text.length; return text.slice(0, i) + CELLS[b % CELLS.length] + text.slice(i + 1); }
  }
}

/** An independent reading of the numbers (papaparse, Number, float32) to compare the loaded rows with. */
function referenceRows(text: string, width: number): string[] | undefined {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const rows = parsed.data.slice(1);
  const out: string[] = [];
  for (const r of rows) {
    if (r.length !== width) return undefined;
    const nums = r.map((c) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(c) ? Number(c) : NaN));
    if (nums.some((v) => !Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX)) return undefined;
    out.push(nums.map((v) => Math.fround(v)).join(','));
  }
  return out.sort();
}

function classifyCsv(text: string): Outcome {
  try {
    const inspected = inspectCsv(text);
    if (!inspected.ok) return inspected.error.includes('\n') ? 'crash' : 'clean error';
    const names = inspected.columns.map((c) => c.name);
    const target = names[names.length - 1]!;
    const roles = Object.fromEntries(names.map((n) => [n, n === target ? 'target' : 'feature'] as const));
    const r = datasetFromCsv(text, { roles, standardize: false, trainRatio: 1, seed: 1 });
    if (!r.ok) return r.errors.every((e) => e.message.length > 0) ? 'clean error' : 'crash';
    const ds = r.dataset;
    for (const v of [...ds.train.x, ...ds.test.x]) if (!Number.isFinite(v)) return 'silently wrong';
    if (ds.task !== 'regression') return 'accepted';
    // Regression on all-numeric columns: the rows loaded must be exactly the rows an independent reading gives.
    const ref = referenceRows(text, names.length);
    if (!ref) return 'accepted';
    const f = ds.featureNames.length;
    const got: string[] = [];
    for (const split of [ds.train, ds.test]) {
      for (let i = 0; i < split.n; i++) got.push([...split.x.subarray(i * f, (i + 1) * f), split.y[i]].join(','));
    }
    return JSON.stringify(got.sort()) === JSON.stringify(ref) ? 'accepted' : 'silently wrong';
  } catch {
    return 'crash';
  }
}

describe('hostile files, fuzzed (seeded, bounded)', () => {
  it(`${360 * SCALE} mutated .netwright documents: refused cleanly or loaded exactly, never a crash`, () => {
    const texts = TEMPLATES.map((t) => serializeDocument(t.build()));
    const counts = tally();
    const bad: string[] = [];
    fc.assert(fc.property(fc.nat(texts.length - 1), fc.nat(8), fc.nat(), fc.nat(), (t, kind, a, b) => {
      const bytes = mutateDocument(texts[t]!, kind, a, b);
      const start = performance.now();
      const outcome = classifyDocument(bytes);
      counts.slowestMs = Math.max(counts.slowestMs, Math.round(performance.now() - start));
      counts.tried++;
      counts[outcome]++;
      if ((outcome === 'crash' || outcome === 'silently wrong') && bad.length < 5) bad.push(`${outcome}: template ${t} kind ${kind} a ${a} b ${b}`);
    }), { seed: 11_2026, numRuns: 360 * SCALE });
    console.log(`netwright documents: ${JSON.stringify(counts)}`);
    expect(bad).toEqual([]);
    expect(counts.crash + counts['silently wrong']).toBe(0);
    expect(counts['clean error']).toBeGreaterThan(counts.tried / 4);
    expect(counts.accepted).toBeGreaterThan(0);
  });

  it(`${300 * SCALE} mutated CSV files: refused cleanly or loaded exactly, never a crash`, () => {
    const counts = tally();
    const bad: string[] = [];
    fc.assert(fc.property(fc.nat(5), fc.nat(), fc.nat(), (kind, a, b) => {
      const text = mutateCsv(IRIS_CSV, kind, a, b);
      const start = performance.now();
      const outcome = classifyCsv(text);
      counts.slowestMs = Math.max(counts.slowestMs, Math.round(performance.now() - start));
      counts.tried++;
      counts[outcome]++;
      if ((outcome === 'crash' || outcome === 'silently wrong') && bad.length < 5) bad.push(`${outcome}: kind ${kind} a ${a} b ${b}`);
    }), { seed: 11_2027, numRuns: 300 * SCALE });
    console.log(`CSV: ${JSON.stringify(counts)}`);
    expect(bad).toEqual([]);
    expect(counts.accepted).toBeGreaterThan(counts.tried / 10);
  });
});
