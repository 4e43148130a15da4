import { describe, expect, it } from 'vitest';
import {
  DEAD_UNIT_MAX_ROWS, DEAD_UNIT_MIN_ROWS, DEAD_UNIT_WORK, deadUnitRows, describeDiagnostics, diagnose, findDeadUnits, gradientFlags, layerGradientNorms,
} from '../../src/core/diagnostics';
import { activationNode, compileOrThrow, dense, doc, edge, input, mlp, neuron, output, randomBatch } from './nn-helpers';
import { createRng } from '../../src/core/random';

/** rows × 2 inputs spread over [−2, 2]². */
function plane(rows: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * 2 }, () => rng.uniform(-2, 2));
}

describe('dead ReLU units', () => {
  it('flags a ReLU neuron with bias −100 as dead and a healthy one not', () => {
    const d = doc(
      [input('x', ['a', 'b']), neuron('dead', 'relu', -100), neuron('alive', 'relu', 0.1), neuron('o', 'linear'), output('out', 'mse', ['t'])],
      [edge('x', 'dead', [1, 1]), edge('x', 'alive', [1, -1]), edge('dead', 'o', [1]), edge('alive', 'o', [1]), edge('o', 'out')],
    );
    const net = compileOrThrow(d);
    expect(findDeadUnits(net, plane(200), 200)).toEqual({ dead: [0] });
  });

  it('names exactly the dead units of a Dense layer', () => {
    const d = doc(
      [input('x', ['a', 'b']), dense('h', 4, 'relu', { bias: [-100, 0.5, -100, 0] }), output('out', 'mse', ['t0', 't1', 't2', 't3'])],
      [edge('x', 'h', [1, 1, 1, 1, 1, 1, 1, 1]), edge('h', 'out')],
    );
    const net = compileOrThrow(d);
    expect(findDeadUnits(net, plane(100), 100)).toEqual({ h: [0, 2] });
  });

  it('counts a unit alive if a single row activates it', () => {
    const d = doc(
      [input('x', ['a']), neuron('n', 'relu', -10), neuron('o', 'linear'), output('out', 'mse', ['t'])],
      [edge('x', 'n', [1]), edge('n', 'o', [1]), edge('o', 'out')],
    );
    const net = compileOrThrow(d);
    const rows = Float32Array.from({ length: 300 }, (_, i) => (i === 150 ? 11 : 0));
    expect(findDeadUnits(net, rows, 300)).toEqual({});
    rows[150] = 10; // z = 0 is not active: relu'(0) = 0
    expect(findDeadUnits(net, rows, 300)).toEqual({ n: [0] });
  });

  it('checks relu Activation nodes on their input', () => {
    const d = doc(
      [input('x', ['a']), dense('lin', 2, 'linear', { bias: [-50, 50] }), activationNode('act', 'relu'), output('out', 'mse', ['t0', 't1'])],
      [edge('x', 'lin', [1, 1]), edge('lin', 'act'), edge('act', 'out')],
    );
    const net = compileOrThrow(d);
    expect(findDeadUnits(net, Float32Array.of(-1, 0, 1), 3)).toEqual({ act: [0] });
  });

  it('ignores other activations, however negative their input', () => {
    const d = doc(
      [input('x', ['a']), neuron('n', 'tanh', -100), neuron('o', 'linear'), output('out', 'mse', ['t'])],
      [edge('x', 'n', [1]), edge('n', 'o', [1]), edge('o', 'out')],
    );
    expect(findDeadUnits(compileOrThrow(d), Float32Array.of(0, 1), 2)).toEqual({});
  });

  it(`looks at no more than ${DEAD_UNIT_MAX_ROWS} rows, spread over the whole set`, () => {
    const d = doc(
      [input('x', ['a']), neuron('n', 'relu', 0), neuron('o', 'linear'), output('out', 'mse', ['t'])],
      [edge('x', 'n', [1]), edge('n', 'o', [1]), edge('o', 'out')],
    );
    const net = compileOrThrow(d);
    const rows = 5000;
    // Only the last tenth of the rows activates the unit: an even spread still sees it.
    const x = Float32Array.from({ length: rows }, (_, i) => (i >= rows * 0.9 ? 1 : -1));
    expect(findDeadUnits(net, x, rows)).toEqual({});
    let traced = 0;
    const spy = { ...net, trace: (v: Float32Array) => (traced++, net.trace(v)) };
    findDeadUnits(spy, x, rows);
    expect(traced).toBe(DEAD_UNIT_MAX_ROWS);
  });
});

describe('the rows the dead-unit check looks at', () => {
  it('are all of a small set, at most DEAD_UNIT_MAX_ROWS, fewer for a large network, never fewer than the minimum', () => {
    expect(deadUnitRows(400, 105)).toBe(400);
    expect(deadUnitRows(60_000, 105)).toBe(DEAD_UNIT_MAX_ROWS);
    expect(deadUnitRows(60_000, 101_770)).toBe(Math.floor(DEAD_UNIT_WORK / 101_770));
    expect(deadUnitRows(60_000, 1e8)).toBe(DEAD_UNIT_MIN_ROWS);
    expect(deadUnitRows(10, 1e8)).toBe(10);
  });
});

describe('vanishing and exploding gradients', () => {
  const d = mlp(2, [{ units: 3, activation: 'tanh' }, { units: 3, activation: 'tanh' }, { units: 1, activation: 'linear' }], 'mse', 3);

  function gradsWith(scale: Record<string, number>): { net: ReturnType<typeof compileOrThrow>; grads: Float32Array } {
    const net = compileOrThrow(d);
    const grads = new Float32Array(net.layout.size).fill(0.01);
    for (const [id, s] of Object.entries(scale)) {
      for (const [edgeId, b] of Object.entries(net.layout.edges)) {
        if (edgeId.endsWith(`->${id}`)) for (let k = b.offset; k < b.offset + b.rows * b.cols; k++) grads[k] = s;
      }
      const b = net.layout.biases[id]!;
      for (let k = b.offset; k < b.offset + b.length; k++) grads[k] = s;
    }
    return { net, grads };
  }

  it('reports nothing for gradients of similar size', () => {
    const { net, grads } = gradsWith({});
    expect(gradientFlags(net, grads, 0.5)).toEqual({ vanishing: [], exploding: [] });
  });

  it('flags a layer whose gradient is 1e-9 of the largest as vanishing', () => {
    const { net, grads } = gradsWith({ d1: 1e-11 });
    expect(gradientFlags(net, grads, 0.5)).toEqual({ vanishing: ['d1'], exploding: [] });
  });

  it('flags a layer under the absolute floor even when all are small', () => {
    const { net, grads } = gradsWith({ d1: 1e-10, d2: 1e-3, d3: 1e-3 });
    expect(gradientFlags(net, grads, 0.5).vanishing).toEqual(['d1']);
  });

  it('does not call a gradient vanishing once the loss is ~0', () => {
    const { net, grads } = gradsWith({ d1: 1e-11 });
    expect(gradientFlags(net, grads, 1e-9).vanishing).toEqual([]);
  });

  it('flags a layer 1e4 × the median as exploding, and one above 1e3 absolutely', () => {
    const { net, grads } = gradsWith({ d3: 100 });
    expect(gradientFlags(net, grads, 0.5)).toEqual({ vanishing: [], exploding: ['d3'] });
    const big = gradsWith({ d1: 2000, d2: 2000, d3: 2000 });
    expect(gradientFlags(big.net, big.grads, 0.5).exploding).toEqual(['d1', 'd2', 'd3']);
  });

  it('treats non-finite gradients as exploding', () => {
    const { net, grads } = gradsWith({ d2: Number.POSITIVE_INFINITY });
    expect(gradientFlags(net, grads, 0.5).exploding).toEqual(['d2']);
  });

  it('raises no gradient flag without a loss (no step taken yet)', () => {
    const { net } = gradsWith({});
    expect(gradientFlags(net, new Float32Array(net.layout.size), null)).toEqual({ vanishing: [], exploding: [] });
  });

  it('measures each layer’s norm over its weights and bias together', () => {
    const net = compileOrThrow(d);
    const grads = new Float32Array(net.layout.size);
    const b = net.layout.biases.d3!;
    grads[b.offset] = 3;
    grads[net.layout.edges['d2->d3']!.offset] = 4;
    const norms = layerGradientNorms(net, grads);
    expect(norms.d3).toBeCloseTo(5, 6);
    expect(norms.d1).toBe(0);
  });

  it('sees a real vanishing gradient: a deep sigmoid stack with huge weights saturates', () => {
    const layers = Array.from({ length: 6 }, () => ({ units: 4, activation: 'sigmoid' as const }));
    const deep = mlp(2, [...layers, { units: 1, activation: 'linear' }], 'mse', 5);
    for (const e of deep.edges) if (e.target !== 'out') e.weights = Array.from({ length: e.target === 'd1' ? 8 : e.target === 'd7' ? 4 : 16 }, () => 40);
    const net = compileOrThrow(deep);
    const { x, y } = randomBatch(net, 8, 'mse', 2);
    net.zeroGrads();
    net.forward(x, 8);
    const loss = net.loss(y, 8);
    net.backward(y, 8);
    const result = diagnose(net, x, 8, { loss });
    expect(result.vanishing.length).toBeGreaterThan(0);
    expect(result.vanishing).toContain('d1');
    expect(result.exploding).toEqual([]);
  });
});

describe('describeDiagnostics', () => {
  it('says how many units are dead, in words', () => {
    const d = { deadUnits: { h: [1, 4] }, vanishing: ['h'], exploding: [] };
    expect(describeDiagnostics(d, 'h', 8)).toEqual([
      '2 of 8 units never activate on the data (dead ReLU).',
      'Its gradient has vanished: its weights barely change any more.',
    ]);
    expect(describeDiagnostics(d, 'other', 1)).toEqual([]);
  });
});
