/** `netwright export --pytorch / --numpy` and `netwright import-weights`: files written, mismatches refused by name and shape. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type Io } from '../../src/cli/commands';
import { parseDocument, serializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';

const WORKED = readFileSync('examples/worked-example.netwright', 'utf8');

function run(argv: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const dirs: string[] = [];
  const io: Io = {
    readText(path) {
      const f = files[path] ?? written[path];
      if (f !== undefined) return f;
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    writeText: (path, text) => void (written[path] = text),
    makeDir: (path) => void dirs.push(path),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  const code = runCli(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), written, dirs };
}

type Weights = { edges: { id: string; from: string; to: string; rows: number; cols: number; weights: number[] }[]; biases: { node: string; values: number[] }[] };

describe('netwright export --pytorch / --numpy', () => {
  it('writes the PyTorch project into the folder and the NumPy script', () => {
    const r = run(['export', 'w.netwright', '--pytorch', 'proj', '--numpy', 'w.py'], { 'w.netwright': WORKED });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.dirs).toEqual(['proj']);
    expect(Object.keys(r.written).sort()).toEqual(['proj/README.md', 'proj/data.json', 'proj/model.py', 'proj/train.py', 'proj/weights.json', 'w.py']);
    expect(r.written['proj/model.py']).toContain('class Network(nn.Module):');
    expect(r.written['proj/train.py']).toContain('"learning_rate": 0.1,');
    expect(r.written['w.py']).toContain('w_h1_out = np.array([[1]], dtype=np.float32)');
    expect(r.stdout).toMatch(/wrote proj \(PyTorch project: model\.py, weights\.json, train\.py, README\.md, data\.json\)/);
  });
});

describe('netwright import-weights', () => {
  const exported = () => JSON.parse(run(['export', 'w.netwright', '--pytorch', 'p'], { 'w.netwright': WORKED }).written['p/weights.json']!) as Weights;

  it('applies trained weights and prints the loss of the result', () => {
    const w = exported();
    w.edges[0]!.weights = [0.75];
    w.biases[2]!.values = [-0.25];
    const r = run(['import-weights', 'w.netwright', 'trained.json', '--out', 'out.netwright'], { 'w.netwright': WORKED, 'trained.json': JSON.stringify(w) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote out\.netwright \(9 parameters from trained\.json; train loss \d/);
    const parsed = parseDocument(r.written['out.netwright']!);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.doc.edges.find((e) => e.id === w.edges[0]!.id)!.weights).toEqual([0.75]);
    expect(parsed.doc.nodes.find((n) => n.name === 'out')).toMatchObject({ bias: -0.25 });
  });

  it.each([
    ['a connection between other nodes', (w: Weights) => void (w.edges[0]!.from = 'x9'), /connection e1 runs x9 → h1, but in this network it runs x1 → h1/],
    ['a block of another shape', (w: Weights) => void Object.assign(w.edges[0]!, { rows: 2, weights: [1, 2] }), /2×1 weights \(2 numbers\) for the connection x1 → h1, but this network needs 1×1/],
    ['a missing connection', (w: Weights) => void w.edges.splice(1, 1), /no weights for the connection x2 → h1 \(e2\)/],
    ['a bias of another node', (w: Weights) => void (w.biases[0]!.node = 'h7'), /bias of node h1 belongs to h7/],
    ['an extra bias', (w: Weights) => void w.biases.push({ node: 'h9', values: [1] }), /has a bias for h9, which this network does not have/],
    ['a weight that is not a number', (w: Weights) => void ((w.edges[0]!.weights as unknown[])[0] = 'big'), /edges\[0\]\.weights\[0\]/],
  ])('refuses %s with a specific error and writes nothing', (_title, change, message) => {
    const w = exported();
    change(w);
    const r = run(['import-weights', 'w.netwright', 'trained.json', '--out', 'out.netwright'], { 'w.netwright': WORKED, 'trained.json': JSON.stringify(w) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^netwright: trained\.json: /);
    expect(r.written['out.netwright']).toBeUndefined();
  });

  it('refuses the weights of another network', () => {
    const spiral = serializeDocument(findTemplate('spiral')!.build());
    const w = exported();
    const r = run(['import-weights', 's.netwright', 'trained.json', '--out', 'o.netwright'], { 's.netwright': spiral, 'trained.json': JSON.stringify(w) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/connection e1 runs x1 → h1, but in this network it runs x → hidden1: it was made for another network/);
  });

  it('needs --out and two files', () => {
    expect(run(['import-weights', 'w.netwright', 't.json'], { 'w.netwright': WORKED }).stderr).toMatch(/needs --out FILE/);
    expect(run(['import-weights', 'w.netwright', '--out', 'o'], { 'w.netwright': WORKED }).code).toBe(2);
  });
});
