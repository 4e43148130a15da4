/**
 * The PyTorch project's model.py, loaded with the exported weights, gives Netwright's forward outputs within 1e-5,
 * for the example networks of every node kind in the table (each with random parameters at three seeds) and a
 * network whose node names need sanitising. All networks run in one Python process (torch starts slowly).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NetworkDocument, NetworkNode } from '../../../src/core/document';
import { exportPyTorch } from '../../../src/core/exchange/pytorch';
import { pythonIdentifier } from '../../../src/core/exchange/common';
import { KIND_LIST } from '../../../src/core/kinds';
import { exampleNetwork, origin } from '../../../src/core/kinds/common';
import { compileNetwork } from '../../../src/core/network';
import { createRng } from '../../../src/core/random';
import { randomParams } from './harness';
import { requirePython, runPython, tempRoot, writeProject } from './python';

const ROWS = 7;

/** Node names a user might type, which are no Python identifiers. */
function awkwardNames(): NetworkDocument {
  return exampleNetwork('awkward names', [
    { id: 'a', type: 'input', name: 'x', position: origin, features: ['x1', 'x2'] },
    { id: 'b', type: 'input', name: 'class', position: origin, features: ['x3'] },
    { id: 'h1', type: 'dense', name: 'hidden 1', position: origin, units: 3, activation: 'gelu', useBias: true },
    { id: 'h2', type: 'dense', name: 'hidden-1', position: origin, units: 3, activation: 'leakyRelu', useBias: true },
    { id: 'n', type: 'neuron', name: '1st neuron', position: origin, activation: 'sine', bias: 0 },
    { id: 'm', type: 'neuron', name: 'Größe', position: origin, activation: 'elu', bias: 0 },
    { id: 's', type: 'concat', name: 'd_out', position: origin },
    { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2'] },
  ] satisfies NetworkNode[], [['a', 'h1'], ['b', 'h1'], ['a', 'h2'], ['h1', 'n'], ['h2', 'n'], ['h2', 'm'], ['n', 's'], ['m', 's'], ['s', 'out']]);
}

const HARNESS = String.raw`
import importlib.util, json, sys
import torch
results = []
for d in json.load(open(sys.argv[1])):
    spec = importlib.util.spec_from_file_location(f"model_{len(results)}", d + "/model.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    net = m.Network()
    m.load_weights(net)
    net.eval()
    case = json.load(open(d + "/case.json"))
    x = torch.tensor(case["x"], dtype=torch.float32).reshape(case["rows"], -1)
    with torch.no_grad():
        y = net(x).reshape(-1)
    want = torch.tensor(case["y"], dtype=torch.float32)
    results.append({"dir": d, "max_abs": float((y - want).abs().max()), "n": int(y.numel())})
print(json.dumps(results))
`;

describe('PyTorch export: model.py forward', () => {
  it('sanitises node names into unique Python identifiers', () => {
    expect(pythonIdentifier('hidden 1')).toBe('hidden_1');
    expect(pythonIdentifier('1st')).toBe('n_1st');
    expect(pythonIdentifier('class')).toBe('class_');
    expect(pythonIdentifier('Größe')).toBe('Grosse');
    expect(pythonIdentifier('∑')).toBe('node');
    const r = exportPyTorch(awkwardNames());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const model = r.project.files['model.py']!;
    expect(model).toContain('self.hidden_1 = nn.Linear(3, 3, bias=True)');
    expect(model).toContain('self.hidden_1_2 = nn.Linear(2, 3, bias=True)');
    expect(model).toContain('n_1st_neuron = torch.sin(n_1st_neuron_z)');
    expect(model).toContain('n_d_out = torch.cat([n_1st_neuron, Grosse], dim=1)');
    expect(model).toContain('class_ = x[:, [2]]');
  });

  it('gives Netwright\'s outputs within 1e-5 for random networks of every node kind', async () => {
    requirePython(['torch']);
    const root = tempRoot('nw-pt-forward-');
    const dirs: string[] = [];
    const covered = new Set<string>();
    const docs: { title: string; doc: NetworkDocument }[] = [{ title: 'awkward names', doc: awkwardNames() }];
    for (const kind of KIND_LIST) for (const doc of kind.examples.networks()) docs.push({ title: `${kind.type}: ${doc.name}`, doc });
    docs.forEach(({ title, doc }, k) => {
      for (const seed of [1, 2, 3]) {
        const made = compileNetwork(doc, { seed, reinitialize: true });
        if (!made.ok) throw new Error(`${title}: ${made.problems[0]!.message}`);
        const net = made.net;
        const rng = createRng(seed * 101 + k);
        const params = randomParams(net.layout, rng, -1.5, 1.5);
        net.setParams(params);
        const x = new Float32Array(ROWS * net.inputSize).map(() => rng.uniform(-2, 2));
        const y = Array.from(net.forward(x, ROWS));
        const exported = exportPyTorch(doc, { params });
        if (!exported.ok) throw new Error(`${title}: ${exported.message}`);
        for (const n of doc.nodes) covered.add(n.type);
        const dir = writeProject(root, `net${k}-seed${seed}`, exported.project.files);
        writeFileSync(join(dir, 'case.json'), JSON.stringify({ title, rows: ROWS, x: Array.from(x), y }));
        dirs.push(dir);
      }
    });
    expect([...covered].sort()).toEqual(KIND_LIST.map((k) => k.type).sort());
    writeFileSync(join(root, 'dirs.json'), JSON.stringify(dirs));
    writeFileSync(join(root, 'harness.py'), HARNESS);
    const run = await runPython([join(root, 'harness.py'), join(root, 'dirs.json')], root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const results = JSON.parse(run.stdout) as { dir: string; max_abs: number; n: number }[];
    expect(results).toHaveLength(dirs.length);
    for (const r of results) {
      const title = (JSON.parse(readFileSync(join(r.dir, 'case.json'), 'utf8')) as { title: string }).title;
      expect({ title, n: r.n > 0, within: r.max_abs <= 1e-5 }).toEqual({ title, n: true, within: true });
    }
  }, 120_000);
});
