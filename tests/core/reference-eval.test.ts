/** The reference evaluator is itself checked against numbers worked out by hand, so it can serve as a reference. */
import { describe, expect, it } from 'vitest';
import { activate, evaluate, evaluateAll } from './helpers/reference-eval';
import { build, node } from './helpers/build';

describe('reference evaluator', () => {
  it('reads a Dense block row-major: index i·n + j links source unit i to unit j', () => {
    const doc = build([
      node('input', 'x', { features: ['a', 'b'] }),
      node('dense', 'd', { units: 2, activation: 'linear', bias: [0.5, -0.5] }),
      node('output', 'o', { targets: ['p', 'q'] }),
    ], [['x', 'd', { weights: [1, 2, 3, 4] }], ['d', 'o']]);
    // z0 = 1·a + 3·b + 0.5, z1 = 2·a + 4·b − 0.5 at a = 1, b = 10
    expect(evaluate(doc, { a: 1, b: 10 })).toEqual([31.5, 41.5]);
  });

  it('sums every incoming block into a Dense layer, and ignores its bias when useBias is off', () => {
    const doc = build([
      node('input', 'x'), node('input', 'y'),
      node('dense', 'd', { units: 2, activation: 'linear', useBias: false, bias: [100, 100] }),
      node('output', 'o', { targets: ['p', 'q'] }),
    ], [['x', 'd', { weights: [1, -1] }], ['y', 'd', { weights: [2, 3] }], ['d', 'o']]);
    expect(evaluate(doc, { x: 2, y: 1 })).toEqual([4, 1]);
  });

  it('concatenates by order, then edge id, whatever the edge list order', () => {
    const doc = build([
      node('input', 'a'), node('input', 'b'), node('input', 'c'), node('concat', 'cat'), node('output', 'o', { targets: ['1', '2', '3'] }),
    ], [['a', 'cat', { id: 'z', order: 2 }], ['b', 'cat', { id: 'y' }], ['c', 'cat', { id: 'x', order: 0 }], ['cat', 'o']]);
    expect(evaluate(doc, { a: 1, b: 2, c: 3 })).toEqual([3, 1, 2]);
  });

  it('adds element-wise, passes Dropout through and applies an Activation node', () => {
    const doc = build([
      node('input', 'x', { features: ['a', 'b'] }), node('input', 'y', { features: ['c', 'd'] }),
      node('add', 'sum'), node('dropout', 'drop', { rate: 0.5 }), node('activation', 'act', { activation: 'relu' }),
      node('output', 'o', { targets: ['p', 'q'] }),
    ], [['x', 'sum'], ['y', 'sum'], ['sum', 'drop'], ['drop', 'act'], ['act', 'o']]);
    const values = evaluateAll(doc, { a: 1, b: -5, c: 2, d: 3 });
    expect(values.get('sum')).toEqual([3, -2]);
    expect(values.get('drop')).toEqual([3, -2]);
    expect(values.get('o')).toEqual([3, 0]);
  });

  it.each([
    ['linear', [-2, 0, 3], [-2, 0, 3]],
    ['relu', [-2, 0, 3], [0, 0, 3]],
    ['leakyRelu', [-2, 0, 3], [-0.02, 0, 3]],
    ['elu', [-1, 0, 3], [Math.exp(-1) - 1, 0, 3]],
    ['sigmoid', [0, Math.log(3)], [0.5, 0.75]],
    ['tanh', [0, Math.atanh(0.5)], [0, 0.5]],
    ['sine', [0, Math.PI / 2], [0, 1]],
    ['gelu', [0, 1], [0, 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715))]],
    ['softmax', [0, Math.log(3)], [0.25, 0.75]],
  ] as const)('%s at %j is %j', (name, z, expected) => {
    const a = activate(name, [...z]);
    expected.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 14));
  });

  it('softmax does not overflow for large inputs', () => {
    expect(activate('softmax', [1000, 1000])).toEqual([0.5, 0.5]);
  });

  it('refuses a network without weights rather than guessing', () => {
    const doc = build([node('input', 'x'), node('neuron', 'n'), node('output', 'o')], [['x', 'n'], ['n', 'o']]);
    expect(() => evaluate(doc, { x: 1 })).toThrow('edge e0 has no weights');
  });
});
