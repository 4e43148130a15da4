import { describe, expect, it } from 'vitest';
import { createTrainingSession } from '../../src/core/train';
import { writeWeights } from '../../src/core/network';
import { compileOrThrow, dataset, doc, edge, input, neuron, output } from './nn-helpers';

/**
 * The textbook network: x = [1, 2]
 *   h1 = relu(0.5·x1 − 0.3·x2 + 0.3)   z1 = 0.5 − 0.6 + 0.3 = 0.2
 *   h2 = relu(0.2·x1 + 0.4·x2 − 0.1)   z2 = 0.2 + 0.8 − 0.1 = 0.9
 *   out = σ(1.0·h1 − 1.0·h2 + 0.5)      z  = 0.2 − 0.9 + 0.5 = −0.2, out = σ(−0.2) = 0.450166
 *   loss (mse, target 1) = (out − 1)²
 */
function workedExample() {
  return doc(
    [input('x1', ['x1']), input('x2', ['x2']), neuron('h1', 'relu', 0.3), neuron('h2', 'relu', -0.1), neuron('o', 'sigmoid', 0.5), output('out', 'mse', ['y'])],
    [
      edge('x1', 'h1', [0.5]), edge('x2', 'h1', [-0.3]),
      edge('x1', 'h2', [0.2]), edge('x2', 'h2', [0.4]),
      edge('h1', 'o', [1.0]), edge('h2', 'o', [-1.0]),
      edge('o', 'out'),
    ],
  );
}

const X = Float32Array.of(1, 2);
const Y = Float32Array.of(1);

describe('the worked example', () => {
  it('computes z1 = 0.2, z2 = 0.9, z = −0.2 and output 0.450166', () => {
    const net = compileOrThrow(workedExample());
    const t = net.trace(X);
    expect(t.h1!.z![0]).toBeCloseTo(0.2, 6);
    expect(t.h2!.z![0]).toBeCloseTo(0.9, 6);
    expect(t.o!.z![0]).toBeCloseTo(-0.2, 6);
    expect(t.o!.a[0]).toBeCloseTo(0.450166, 6);
    expect(net.forward(X, 1)[0]).toBeCloseTo(0.450166, 6);
    expect(net.loss(Y, 1)).toBeCloseTo((0.450166 - 1) ** 2, 6);
  });

  it('gives every gradient its hand-derived value', () => {
    const net = compileOrThrow(workedExample());
    net.forward(X, 1);
    net.zeroGrads();
    net.backward(Y, 1);
    const out = 1 / (1 + Math.exp(0.2));
    // dL/dout = 2(out − 1); dout/dz = out(1 − out); so dL/dz = 2(out − 1)·out(1 − out) ≈ −0.272186
    const dz = 2 * (out - 1) * out * (1 - out);
    // Output neuron: dL/dw = dL/dz · a_h, dL/db = dL/dz.
    // h1: dL/da1 = dL/dz · 1.0, relu'(0.2) = 1, so dL/dz1 = dz; dL/dw(x1→h1) = dz·1, dL/dw(x2→h1) = dz·2, dL/db1 = dz.
    // h2: dL/da2 = dL/dz · (−1.0), relu'(0.9) = 1, so dL/dz2 = −dz; dL/dw(x1→h2) = −dz·1, (x2→h2) = −dz·2, db2 = −dz.
    const expected: Record<string, number> = {
      'h1->o': dz * 0.2, 'h2->o': dz * 0.9,
      'x1->h1': dz * 1, 'x2->h1': dz * 2,
      'x1->h2': -dz * 1, 'x2->h2': -dz * 2,
    };
    expect(dz).toBeCloseTo(-0.272186, 5);
    for (const [id, value] of Object.entries(expected)) expect(net.grads[net.layout.edges[id]!.offset], id).toBeCloseTo(value, 6);
    expect(net.grads[net.layout.biases.o!.offset]).toBeCloseTo(dz, 6);
    expect(net.grads[net.layout.biases.h1!.offset]).toBeCloseTo(dz, 6);
    expect(net.grads[net.layout.biases.h2!.offset]).toBeCloseTo(-dz, 6);
  });

  it('explains the example number by number without touching the accumulated gradients', () => {
    const net = compileOrThrow(workedExample());
    net.grads.fill(7);
    const e = net.explain(X, Y);
    expect(Array.from(net.grads).every((g) => g === 7)).toBe(true);
    const out = 1 / (1 + Math.exp(0.2));
    expect(e.loss).toBeCloseTo((out - 1) ** 2, 6);
    expect(e.output[0]).toBeCloseTo(out, 6);
    expect(e.nodes.o!.outputGrad![0]).toBeCloseTo(2 * (out - 1), 6);
    expect(e.nodes.o!.preactivationGrad![0]).toBeCloseTo(2 * (out - 1) * out * (1 - out), 6);
    expect(e.nodes.h2!.preactivationGrad![0]).toBeCloseTo(-2 * (out - 1) * out * (1 - out), 6);
    expect(e.nodes.x1!.outputGrad).toBeNull();
    expect(e.grads[net.layout.edges['x2->h1']!.offset]).toBeCloseTo(2 * 2 * (out - 1) * out * (1 - out), 6);
  });

  it('refuses an input row of the wrong size with a clear message', () => {
    const net = compileOrThrow(workedExample());
    expect(() => net.forward(Float32Array.of(1), 1)).toThrow(/x must hold 1 rows of 2 values \(2\); it has 1 values/);
    expect(() => net.forward(X, 0)).toThrow(/batch size/);
  });

  it('moves the output toward 1 after one SGD step, by w −= lr·dL/dw', () => {
    const d = workedExample();
    const data = dataset('regression', ['x1', 'x2'], ['y'], [[1, 2]], [[1]]);
    const made = createTrainingSession(d, data, { optimizer: 'sgd', learningRate: 0.5, batchSize: 1 });
    if (!made.ok) throw new Error(made.problems[0]!.message);
    const { session } = made;
    const before = session.net.forward(X, 1)[0]!;
    const w0 = session.net.params.slice();
    const r = session.stepBatches(1);
    expect(r.kind).toBe('ok');
    const after = session.net.forward(X, 1)[0]!;
    expect(after).toBeGreaterThan(before);
    expect(Math.abs(after - 1)).toBeLessThan(Math.abs(before - 1));
    // Every parameter moved by exactly −lr·gradient (the gradient of that step).
    for (let k = 0; k < w0.length; k++) expect(session.net.params[k]).toBeCloseTo(w0[k]! - 0.5 * session.net.grads[k]!, 6);
    // And the step is written back into a document with the new numbers.
    const saved = writeWeights(d, session.net);
    const h1ToO = saved.edges.find((e) => e.id === 'h1->o')!.weights![0]!;
    expect(h1ToO).toBe(session.net.params[session.net.layout.edges['h1->o']!.offset]);
    expect(h1ToO).toBeGreaterThan(1.0);
    expect(d.edges.find((e) => e.id === 'h1->o')!.weights![0]).toBe(1.0);
  });
});
