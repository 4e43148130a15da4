/** LayerNorm's own numbers (everything else about it is checked by the table-driven tests in kinds.test.ts). */
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../../src/core/network';
import { exampleNetwork, origin } from '../../../src/core/kinds/common';

function net(gamma?: number[], beta?: number[], epsilon = 1e-5) {
  const doc = exampleNetwork('ln', [
    { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2', 'x3'] },
    { id: 'ln', type: 'layerNorm', name: 'ln', position: origin, epsilon, ...(gamma ? { gamma } : {}), ...(beta ? { beta } : {}) },
    { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2', 'y3'] },
  ], [['a', 'ln'], ['ln', 'out']]);
  const compiled = compileNetwork(doc);
  if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
  return compiled.net;
}

describe('LayerNorm', () => {
  it('maps 1, 2, 3 to −√1.5, 0, √1.5 with gamma 1 and beta 0 (fresh parameters)', () => {
    const out = net().forward(Float32Array.of(1, 2, 3), 1);
    // mean 2, variance 2/3: (x − 2)/√(2/3 + 1e-5)
    const s = Math.sqrt(2 / 3 + 1e-5);
    expect(Array.from(out)).toEqual([-1 / s, 0, 1 / s].map((v) => expect.closeTo(v, 6)));
  });

  it('scales by gamma and shifts by beta, position by position', () => {
    const out = net([2, 1, -1], [0.5, 0, 1]).forward(Float32Array.of(1, 2, 3), 1);
    const s = Math.sqrt(2 / 3 + 1e-5);
    expect(Array.from(out)).toEqual([2 * (-1 / s) + 0.5, 0, -1 * (1 / s) + 1].map((v) => expect.closeTo(v, 6)));
  });

  it('gives a constant row zeros plus beta (epsilon keeps it finite)', () => {
    const out = net(undefined, [0.1, 0.2, 0.3], 1e-3).forward(Float32Array.of(4, 4, 4), 1);
    expect(Array.from(out)).toEqual([0.1, 0.2, 0.3].map((v) => expect.closeTo(v, 6)));
  });

  it('lays out gamma then beta as node slots that are not regularised', () => {
    const n = net();
    expect(Object.keys(n.layout.nodes.ln!)).toEqual(['gamma', 'beta']);
    expect(n.layout.nodes.ln!.gamma).toMatchObject({ length: 3, shape: [3] });
    expect(Array.from(n.params)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(Array.from(n.layout.isWeight)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('gives dLoss/dbeta = 2(y − t)/batch and dLoss/dgamma = x̂ · that under mse', () => {
    const n = net();
    const y = n.forward(Float32Array.of(1, 2, 3), 1).slice();
    n.zeroGrads();
    n.backward(Float32Array.of(0, 0, 0), 1);
    const beta = n.grads.subarray(3, 6);
    const gamma = n.grads.subarray(0, 3);
    y.forEach((v, k) => {
      expect(beta[k]).toBeCloseTo(2 * v, 5);
      expect(gamma[k]).toBeCloseTo(2 * v * v, 5);
    });
  });
});
