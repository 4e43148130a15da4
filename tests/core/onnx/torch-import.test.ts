/**
 * ONNX that other tools make (issue 14 item 3): models exported by `torch.onnx.export` from Debian's PyTorch
 * (/usr/bin/python3), generated here in the test from nn.Sequential and nn.Module MLPs: Linear, ReLU, Tanh, Sigmoid,
 * GELU (tanh approximation, which PyTorch writes as Mul/Add/Pow/Tanh arithmetic), LeakyReLU, Dropout in eval mode,
 * Softmax at the end, Flatten of a 1-row input, a skip connection. Imported, they compute PyTorch's outputs within
 * 1e-5. What Netwright cannot represent (the exact GELU, another LeakyReLU slope) is refused naming the node.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileNetwork } from '../../../src/core/network';
import { importOnnx } from '../../../src/core/onnx/import';
import { runPython } from './python';

const MAKE = String.raw`
import json, sys, torch, torch.nn as nn
import warnings
warnings.filterwarnings('ignore')
torch.manual_seed(1)
out = sys.argv[1]

class Skip(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 6)
        self.drop = nn.Dropout(0.4)
        self.fc2 = nn.Linear(6, 2)
        self.short = nn.Linear(3, 2, bias=False)
    def forward(self, x):
        return torch.tanh(self.fc2(self.drop(torch.relu(self.fc1(x)))) + self.short(x))

MODELS = {
    'relu-dropout-softmax': (nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3), nn.Softmax(dim=1)), 4, 14, True),
    'flatten-tanh-sigmoid (1 row)': (nn.Sequential(nn.Flatten(), nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1), nn.Sigmoid()), 3, 14, False),
    'gelu-tanh-leakyrelu': (nn.Sequential(nn.Linear(2, 6), nn.GELU(approximate='tanh'), nn.Linear(6, 6), nn.LeakyReLU(), nn.Linear(6, 2)), 2, 14, True),
    'sigmoid-relu-softmax opset 17': (nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2), nn.Softmax(dim=-1)), 3, 17, True),
    'module with a skip connection': (Skip(), 3, 14, True),
    'exact gelu': (nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1)), 2, 14, True),
    'leaky relu 0.2': (nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1)), 2, 14, True),
}
result = {}
for k, (name, (model, width, opset, dynamic)) in enumerate(MODELS.items()):
    model.eval()
    rows = 5 if dynamic else 1
    x = torch.randn(rows, width) * 2
    path = f'{out}/{k}.onnx'
    kwargs = {'input_names': ['x'], 'output_names': ['y'], 'opset_version': opset}
    if dynamic:
        kwargs['dynamic_axes'] = {'x': {0: 'N'}, 'y': {0: 'N'}}
    torch.onnx.export(model, torch.randn(rows, width), path, **kwargs)
    with torch.no_grad():
        y = model(x)
    result[name] = {'path': path, 'rows': rows, 'width': width, 'x': x.flatten().tolist(), 'y': y.flatten().tolist()}
print(json.dumps(result))
`;

interface Made { path: string; rows: number; width: number; x: number[]; y: number[] }

describe('ONNX import of models made by torch.onnx.export (PyTorch 1.13)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netwright-torch-onnx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let made: Record<string, Made> | undefined;
  const model = (name: string): Made => {
    made ??= JSON.parse(runPython(MAKE, [dir], { timeoutMs: 300_000 })) as Record<string, Made>;
    const m = made[name];
    if (!m) throw new Error(`the script made no model '${name}'`);
    return m;
  };

  for (const name of ['relu-dropout-softmax', 'flatten-tanh-sigmoid (1 row)', 'gelu-tanh-leakyrelu', 'sigmoid-relu-softmax opset 17', 'module with a skip connection']) {
    it(`${name}: imports and computes PyTorch's outputs within 1e-5`, () => {
      const m = model(name);
      const result = importOnnx(readFileSync(m.path));
      if (!result.ok) throw new Error(result.message);
      const compiled = compileNetwork(result.doc, { featureNames: Array.from({ length: m.width }, (_, i) => `x${i + 1}`) });
      if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
      const got = compiled.net.forward(Float32Array.from(m.x), m.rows);
      expect(got.length).toBe(m.y.length);
      m.y.forEach((want, i) => expect(Math.abs(got[i]! - want), `output ${i}: ${got[i]} vs PyTorch ${want}`).toBeLessThan(1e-5));
    }, 300_000);
  }

  it('a Dropout in eval mode leaves no node behind, and the GELU arithmetic becomes one gelu activation', () => {
    const dropout = importOnnx(readFileSync(model('relu-dropout-softmax').path));
    if (!dropout.ok) throw new Error(dropout.message);
    expect(dropout.doc.nodes.map((n) => n.type)).toEqual(['input', 'dense', 'dense', 'output']);
    const gelu = importOnnx(readFileSync(model('gelu-tanh-leakyrelu').path));
    if (!gelu.ok) throw new Error(gelu.message);
    expect(gelu.doc.nodes.filter((n) => n.type === 'activation').map((n) => ('activation' in n ? n.activation : ''))).toEqual(['gelu']);
  }, 300_000);

  it('refuses the exact GELU and a LeakyReLU of another slope, naming the node', () => {
    expect(importOnnx(readFileSync(model('exact gelu').path))).toEqual({ ok: false, message: expect.stringMatching(/^Cannot import: node '[^']+': Erf is not supported \(an exact GELU\? Netwright's gelu is the tanh approximation/) });
    expect(importOnnx(readFileSync(model('leaky relu 0.2').path))).toEqual({ ok: false, message: expect.stringMatching(/^Cannot import: node '[^']+': LeakyRelu with alpha 0\.2 is not supported/) });
  }, 300_000);
});
