/** `netwright export` and `netwright import`: ONNX and weights files from the command line, one-line errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type Io } from '../../src/cli/commands';
import { compileNetwork } from '../../src/core/network';
import { decodeModel } from '../../src/core/onnx/onnx';
import { parseDocument, serializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';

const WORKED = readFileSync('examples/worked-example.netwright', 'utf8');

function run(argv: string[], files: Record<string, string | Uint8Array> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string | Uint8Array> = {};
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  const io: Io = {
    readText(path) {
      const f = files[path];
      if (typeof f === 'string') return f;
      throw missing(path);
    },
    readBytes(path) {
      const f = files[path];
      if (f instanceof Uint8Array) return f;
      if (typeof f === 'string') return new TextEncoder().encode(f);
      throw missing(path);
    },
    writeText: (path, text) => void (written[path] = text),
    writeBytes: (path, bytes) => void (written[path] = bytes),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  const code = runCli(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), written };
}

describe('netwright export', () => {
  it('writes an ONNX model of the network with its weights', () => {
    const r = run(['export', 'w.netwright', '--onnx', 'w.onnx'], { 'w.netwright': WORKED });
    expect(r.code).toBe(0);
    const bytes = r.written['w.onnx'] as Uint8Array;
    expect(r.stdout).toBe(`wrote w.onnx (ONNX opset 17, ${bytes.length} bytes)`);
    const model = decodeModel(bytes);
    const floats = model.graph.initializers.flatMap((t) => (t.floats ? Array.from(t.floats) : []));
    expect(floats.sort()).toEqual([0.5, -0.3, 0.2, 0.4, 1, -1, 0.3, -0.1, 0.5].map(Math.fround).sort());
  });

  it('writes the weights as CSV and JSON in one go', () => {
    const r = run(['export', 'w.netwright', '--weights-csv', 'w.csv', '--weights-json', 'w.json'], { 'w.netwright': WORKED });
    expect(r.code).toBe(0);
    expect((r.written['w.csv'] as string).split('\r\n')[1]).toBe('x1,h1,0.5');
    expect(JSON.parse(r.written['w.json'] as string).rows).toHaveLength(9);
    expect(r.stdout.split('\n')).toEqual(['wrote w.json (9 weights and biases as JSON)', 'wrote w.csv (9 weights and biases as CSV)']);
  });

  it('notes when the network has no trained weights yet', () => {
    const r = run(['export', 'x.netwright', '--onnx', 'x.onnx'], { 'x.netwright': serializeDocument(findTemplate('xor')!.build()) });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^netwright: note: x\.netwright has 12 connection\(s\) without weights; their initial weights \(seed \d+\) are exported$/);
  });

  it('says in one line what is missing or wrong', () => {
    expect(run(['export', 'w.netwright'], { 'w.netwright': WORKED })).toMatchObject({ code: 2, stderr: 'netwright: export needs --onnx OUT, --weights-json OUT, --weights-csv OUT, --pytorch DIR or --numpy OUT.py' });
    const broken = serializeDocument({ ...findTemplate('worked-example')!.build(), edges: [] });
    const r = run(['export', 'b.netwright', '--onnx', 'b.onnx'], { 'b.netwright': broken });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^netwright: b\.netwright: Cannot export ONNX: /);
    expect(run(['export', 'nope.netwright', '--onnx', 'o.onnx'])).toMatchObject({ code: 1, stderr: 'netwright: cannot read nope.netwright: ENOENT' });
  });
});

describe('netwright train --out keeps the loss curve', () => {
  it('writes one history point per epoch and appends the next run after it', () => {
    const first = run(['train', 'x.netwright', '--epochs', '4', '--out', 'a.netwright'], { 'x.netwright': serializeDocument(findTemplate('xor')!.build()) });
    expect(first.code).toBe(0);
    const a = parseDocument(first.written['a.netwright'] as string);
    if (!a.ok) throw new Error(a.message);
    const h = a.doc.history!;
    expect(h.step).toHaveLength(4);
    expect(h.step).toEqual([...h.step].sort((p, q) => p - q));
    expect(h.trainLoss.every(Number.isFinite)).toBe(true);
    expect(h.accuracy.every((v) => v !== null && v >= 0 && v <= 1)).toBe(true);
    const second = run(['train', 'a.netwright', '--epochs', '2', '--out', 'b.netwright'], { 'a.netwright': first.written['a.netwright'] as string });
    const b = parseDocument(second.written['b.netwright'] as string);
    if (!b.ok) throw new Error(b.message);
    expect(b.doc.history!.step).toHaveLength(6);
    expect(b.doc.history!.step.slice(0, 4)).toEqual(h.step);
    expect(b.doc.history!.step[4]).toBeGreaterThan(h.step[3]!);
    expect(b.doc.history!.trainLoss.slice(0, 4)).toEqual(h.trainLoss);
  });
});

it('a file given where a command belongs is answered with how to open it', () => {
  expect(run(['model.netwright'])).toMatchObject({ code: 2, stderr: 'netwright: "model.netwright" is a file, not a command: to open it, start the Netwright app with it; here, try `netwright info model.netwright`' });
});

describe('netwright import', () => {
  it('turns an exported model back into a network computing the same outputs', () => {
    const exported = run(['export', 'w.netwright', '--onnx', 'w.onnx'], { 'w.netwright': WORKED });
    const r = run(['import', 'models/w.onnx', '--out', 'back.netwright'], { 'models/w.onnx': exported.written['w.onnx'] as Uint8Array });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote back\.netwright \(\d+ nodes, 9 parameters\)$/);
    const parsed = parseDocument(r.written['back.netwright'] as string);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.doc.name).toBe('w');
    const original = parseDocument(WORKED);
    if (!original.ok) throw new Error(original.message);
    const a = compileNetwork(original.doc);
    const b = compileNetwork(parsed.doc, { featureNames: ['x1', 'x2'] });
    if (!a.ok || !b.ok) throw new Error('compile');
    const x = new Float32Array([1, 2, -0.5, 0.25]);
    expect(Array.from(b.net.forward(x, 2))).toEqual(Array.from(a.net.forward(x, 2)));
  });

  it('names the unsupported part of a model, in one line', () => {
    const r = run(['import', 'junk.onnx', '--out', 'j.netwright'], { 'junk.onnx': new Uint8Array([0x0a, 0xff, 0x01]) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^netwright: junk\.onnx: This is not an ONNX model Netwright can read \(.*\)\.$/);
    expect(r.written).toEqual({});
    expect(run(['import', 'm.onnx'])).toMatchObject({ code: 2, stderr: 'netwright: import needs --out FILE (the .netwright file to write)' });
  });

  it('works through the real bin with real files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwright-cli-'));
    try {
      const onnx = join(dir, 'w.onnx');
      const back = join(dir, 'w.netwright');
      const exp = spawnSync(process.execPath, ['bin/netwright.mjs', 'export', 'examples/worked-example.netwright', '--onnx', onnx], { encoding: 'utf8' });
      expect(exp.stderr).toBe('');
      expect(exp.status).toBe(0);
      const imp = spawnSync(process.execPath, ['bin/netwright.mjs', 'import', onnx, '--out', back], { encoding: 'utf8' });
      expect(imp.stderr).toBe('');
      expect(imp.status).toBe(0);
      expect(parseDocument(readFileSync(back, 'utf8')).ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
