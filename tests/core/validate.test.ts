import { describe, expect, it } from 'vitest';
import { emptyDocument, type NetworkDocument } from '../../src/core/document';
import { validateDocument } from '../../src/core/validate';
import { build, node } from './helpers/build';

/** The textbook 2-2-1 net: 9 parameters. */
function textbook(): NetworkDocument {
  return build([
    node('input', 'x1'),
    node('input', 'x2'),
    node('neuron', 'h1', { activation: 'relu', bias: 0.3 }),
    node('neuron', 'h2', { activation: 'relu', bias: -0.1 }),
    node('neuron', 'out', { activation: 'sigmoid', bias: 0.5 }),
    node('output', 'y', { loss: 'mse', targets: ['y'] }),
  ], [
    ['x1', 'h1', { weights: [0.5] }], ['x2', 'h1', { weights: [-0.3] }],
    ['x1', 'h2', { weights: [0.2] }], ['x2', 'h2', { weights: [0.4] }],
    ['h1', 'out', { weights: [1] }], ['h2', 'out', { weights: [-1] }],
    ['out', 'y'],
  ]);
}

/** x(4) → dense(8) → dense(k, act) → output(loss, targets). */
function classifier(k: number, act: 'softmax' | 'sigmoid' | 'relu' | 'linear', loss: 'mse' | 'binaryCrossEntropy' | 'softmaxCrossEntropy') {
  return build([
    node('input', 'x', { features: ['a', 'b', 'c', 'd'] }),
    node('dense', 'h', { units: 8, activation: 'relu' }),
    node('dense', 'last', { units: k, activation: act }),
    node('output', 'o', { loss, targets: Array.from({ length: k }, (_, i) => `t${i}`) }),
  ], [['x', 'h'], ['h', 'last'], ['last', 'o']]);
}

const codesOf = (d: NetworkDocument) => {
  const r = validateDocument(d);
  return { errors: r.errors.map((p) => p.code), warnings: r.warnings.map((p) => p.code) };
};

describe('validateDocument', () => {
  it('accepts the textbook network and counts its 9 parameters', () => {
    const r = validateDocument(textbook());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.parameterCount).toBe(9);
    // 6 weights and 3 biases: fp16 6·2 + 3·4; int8 6·1 + 3 unit scales·5 + 3·4.
    expect(r.memory).toEqual({ fp32: 36, fp16: 24, int8: 33 });
    expect(r.sizes.out).toBe(1);
  });

  it.each([
    [1, 8, true, 4 * 8 + 8 + 8 * 1 + 1],
    [3, 5, true, 4 * 5 + 5 + 5 * 3 + 3],
    [3, 5, false, 4 * 5 + 5 * 3],
  ])('counts parameters of dense layers: out=%i hidden=%i bias=%s', (k, hidden, useBias, expected) => {
    const d = build([
      node('input', 'x', { features: ['a', 'b', 'c', 'd'] }),
      node('dense', 'h', { units: hidden, useBias }),
      node('dense', 'last', { units: k, activation: 'linear', useBias }),
      node('output', 'o', { targets: Array.from({ length: k }, (_, i) => `t${i}`) }),
    ], [['x', 'h'], ['h', 'last'], ['last', 'o']]);
    const r = validateDocument(d);
    expect(r.errors).toEqual([]);
    expect(r.parameterCount).toBe(expected);
    // fp16 halves the weights only; biases stay float32 (as quantization stores them).
    const biases = useBias ? hidden + k : 0;
    expect(r.memory.fp16).toBe((expected - biases) * 2 + biases * 4);
  });

  it('reports a cycle in plain words', () => {
    const d = textbook();
    d.edges.push({ id: 'back', source: 'h1', target: 'h2' }, { id: 'forth', source: 'h2', target: 'h1' });
    const r = validateDocument(d);
    expect(r.errors.find((p) => p.code === 'cycle')!.message).toContain('These nodes form a cycle: "h1" → "h2" → "h1".');
  });

  it('reports a node with no input', () => {
    const d = textbook();
    d.edges = d.edges.filter((e) => e.target !== 'h1');
    expect(validateDocument(d).errors.map((p) => p.message)).toContain('"h1" has no input: connect something into it.');
  });

  it('reports an input node with incoming edges', () => {
    const d = textbook();
    d.edges.push({ id: 'bad', source: 'x1', target: 'x2' });
    expect(codesOf(d).errors).toEqual(['input-has-incoming']);
  });

  it.each(['activation', 'dropout', 'output'] as const)('reports too many inputs into a %s', (type) => {
    const d = build([node('input', 'a'), node('input', 'b'), node(type, 'n'), ...(type === 'output' ? [] : [node('output', 'o')])],
      [['a', 'n'], ['b', 'n'], ...(type === 'output' ? [] : [['n', 'o'] as [string, string]])]);
    expect(codesOf(d).errors).toContain('too-many-inputs');
  });

  it('reports a network with no Output', () => {
    const d = textbook();
    d.nodes = d.nodes.filter((n) => n.type !== 'output');
    d.edges = d.edges.filter((e) => e.target !== 'y');
    expect(codesOf(d).errors).toEqual(['no-output']);
  });

  it('refuses a second Output', () => {
    const d = textbook();
    d.nodes.push(node('output', 'y2'));
    d.edges.push({ id: 'e-y2', source: 'h1', target: 'y2' });
    const r = validateDocument(d);
    expect(r.errors.map((p) => p.code)).toEqual(['multiple-outputs']);
    expect(r.errors[0]!.nodeIds).toEqual(['y', 'y2']);
  });

  it('reports an Output whose size differs from its targets', () => {
    const d = classifier(3, 'linear', 'mse');
    (d.nodes[3] as { targets: string[] }).targets = ['a', 'b'];
    const r = validateDocument(d);
    expect(r.errors.map((p) => p.code)).toEqual(['output-size-mismatch']);
    expect(r.errors[0]!.message).toContain('receives 3 values from "last" but is compared with 2 targets');
  });

  it('reports an Output with no targets', () => {
    const d = textbook();
    (d.nodes[5] as { targets: string[] }).targets = [];
    expect(codesOf(d).errors).toEqual(['no-targets']);
  });

  it('reports Add inputs of different sizes', () => {
    const d = build([
      node('input', 'x', { features: ['a', 'b'] }), node('dense', 'd', { units: 3 }), node('add', 'sum'), node('output', 'o', { targets: ['p', 'q', 'r'] }),
    ], [['x', 'd'], ['x', 'sum'], ['d', 'sum'], ['sum', 'o']]);
    expect(codesOf(d).errors).toEqual(['add-size-mismatch']);
  });

  describe('loss and activation', () => {
    it.each([
      [1, 'sigmoid', 'binaryCrossEntropy', []],
      [1, 'relu', 'binaryCrossEntropy', ['loss-activation-mismatch']],
      [2, 'sigmoid', 'binaryCrossEntropy', ['loss-activation-mismatch']],
      [3, 'softmax', 'softmaxCrossEntropy', []],
      [3, 'sigmoid', 'softmaxCrossEntropy', ['loss-activation-mismatch']],
      [1, 'linear', 'softmaxCrossEntropy', ['loss-activation-mismatch']],
      [3, 'softmax', 'mse', []],
      [1, 'linear', 'mse', []],
    ] as const)('size=%i activation=%s loss=%s gives %j', (k, act, loss, expected) => {
      expect(codesOf(classifier(k, act, loss)).errors).toEqual(expected);
    });

    it('names the fix in the message', () => {
      const r = validateDocument(classifier(1, 'relu', 'binaryCrossEntropy'));
      expect(r.errors[0]!.message).toContain('give "last" a sigmoid activation');
      expect(r.errors[0]!.field).toBe('loss');
    });

    it('suggests an Activation node when the Output is fed by a node without activation', () => {
      const d = build([node('input', 'x', { features: ['a', 'b'] }), node('output', 'o', { loss: 'softmaxCrossEntropy', targets: ['p', 'q'] })], [['x', 'o']]);
      expect(validateDocument(d).errors[0]!.message).toBe(
        '"o" uses softmax cross-entropy, which needs class probabilities, but "x" is not squashed by any activation: put a softmax Activation between "x" and "o".');
    });

    it('accepts binary cross-entropy after a separate sigmoid Activation node and a Dropout', () => {
      const d = build([
        node('input', 'x'), node('neuron', 'n', { activation: 'linear' }), node('activation', 's', { activation: 'sigmoid' }),
        node('dropout', 'dr', { rate: 0.1 }), node('output', 'o', { loss: 'binaryCrossEntropy' }),
      ], [['x', 'n'], ['n', 's'], ['s', 'dr'], ['dr', 'o']]);
      expect(codesOf(d).errors).toEqual([]);
    });

    it('accepts binary cross-entropy after a Concat of one sigmoid neuron', () => {
      const d = build([
        node('input', 'x'), node('neuron', 'n', { activation: 'sigmoid' }), node('concat', 'c'), node('output', 'o', { loss: 'binaryCrossEntropy' }),
      ], [['x', 'n'], ['n', 'c'], ['c', 'o']]);
      expect(codesOf(d).errors).toEqual([]);
    });

    it('refuses softmax cross-entropy after a Concat of softmax layers', () => {
      const d = build([
        node('input', 'x'), node('dense', 'a', { units: 2, activation: 'softmax' }), node('dense', 'b', { units: 2, activation: 'softmax' }),
        node('concat', 'c'), node('output', 'o', { loss: 'softmaxCrossEntropy', targets: ['p', 'q', 'r', 's'] }),
      ], [['x', 'a'], ['x', 'b'], ['a', 'c'], ['b', 'c'], ['c', 'o']]);
      expect(codesOf(d).errors).toContain('loss-activation-mismatch');
    });
  });

  describe('softmax placement', () => {
    it('refuses softmax on a single neuron', () => {
      const d = textbook();
      (d.nodes[2] as { activation: string }).activation = 'softmax';
      const r = validateDocument(d);
      expect(r.errors.map((p) => p.code)).toEqual(['softmax-not-before-output']);
      expect(r.errors[0]!.nodeIds).toEqual(['h1']);
    });

    it('warns about softmax on a hidden layer', () => {
      const d = classifier(3, 'softmax', 'softmaxCrossEntropy');
      (d.nodes[1] as { activation: string }).activation = 'softmax';
      const r = codesOf(d);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual(['softmax-not-before-output']);
    });
  });

  describe('weights', () => {
    it.each([[[]], [[0.1, 0.2]], [[0.1, 0.2, 0.3, 0.4, 0.5]]])('reports a 2×2 block given %j', (weights) => {
      const d = build([
        node('input', 'x', { features: ['a', 'b'] }), node('dense', 'd', { units: 2, activation: 'linear' }), node('output', 'o', { targets: ['p', 'q'] }),
      ], [['x', 'd', { weights }], ['d', 'o']]);
      const r = validateDocument(d);
      expect(r.errors.map((p) => p.code)).toEqual(['weights-wrong-length']);
      expect(r.errors[0]!.message).toContain('needs 4 (2 values in × 2 units)');
      expect(r.errors[0]!.edgeIds).toEqual(['e0']);
    });

    it.each([Number.NaN, Infinity, -Infinity])('reports a weight of %s', (w) => {
      const d = textbook();
      d.edges[3]!.weights = [w];
      const r = validateDocument(d);
      expect(r.errors.map((p) => p.code)).toEqual(['weights-not-finite']);
      expect(r.errors[0]!.message).toContain('"x2" → "h2"');
    });

    it('reports weights on an edge into a node without weights', () => {
      const d = textbook();
      d.edges[6]!.weights = [1];
      const r = validateDocument(d);
      expect(r.errors.map((p) => p.code)).toEqual(['weights-on-unweighted']);
      expect(r.errors[0]!.message).toContain('an Output, which has no weights');
    });

    it('reports a dense bias of the wrong length and a non-finite neuron bias', () => {
      const d = classifier(3, 'linear', 'mse');
      (d.nodes[1] as { bias?: number[] }).bias = [0, 0];
      expect(codesOf(d).errors).toEqual(['bias-wrong-length']);
      expect(validateDocument(d).errors[0]!.message).toBe('"h" has 2 biases but 8 units: it needs one bias per unit.');
      const t = textbook();
      (t.nodes[2] as { bias: number }).bias = Number.NaN;
      expect(codesOf(t).errors).toEqual(['bias-not-finite']);
    });
  });

  it.each([0, 2.5, -3, Number.NaN])('reports dense units=%s', (units) => {
    const d = classifier(3, 'linear', 'mse');
    (d.nodes[1] as { units: number }).units = units;
    const r = validateDocument(d);
    expect(r.errors.map((p) => p.code)).toEqual(['invalid-units']);
    expect(r.errors[0]!.field).toBe('units');
  });

  it.each([
    [0, true], [0.5, true], [0.999, true], [1, false], [-0.1, false], [Number.NaN, false],
  ])('dropout rate=%s valid=%s', (rate, valid) => {
    const d = build([node('input', 'x'), node('dropout', 'd', { rate }), node('output', 'o')], [['x', 'd'], ['d', 'o']]);
    expect(codesOf(d).errors).toEqual(valid ? [] : ['invalid-dropout-rate']);
  });

  it('reports duplicate ids', () => {
    const d = textbook();
    d.nodes.push(node('neuron', 'h1'));
    d.edges.push({ ...d.edges[0]!, target: 'h2' });
    expect(codesOf(d).errors.sort()).toEqual(['duplicate-edge-id', 'duplicate-node-id']);
  });

  it('reports edges to unknown nodes, self-loops and duplicate edges', () => {
    const d = textbook();
    d.edges.push({ id: 'u', source: 'h1', target: 'nowhere' }, { id: 's', source: 'h1', target: 'h1' }, { id: 'd', source: 'x1', target: 'h1' });
    expect(codesOf(d).errors).toEqual(['edge-unknown-node', 'self-loop', 'duplicate-edge']);
  });

  it('warns about nodes that cannot reach the Output and inputs never used', () => {
    const d = textbook();
    d.nodes.push(node('input', 'x3'), node('input', 'x4'), node('neuron', 'dead'));
    d.edges.push({ id: 'x4-dead', source: 'x4', target: 'dead' });
    const r = validateDocument(d);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((p) => [p.code, p.nodeIds])).toEqual([
      ['cannot-reach-output', ['x4']],
      ['cannot-reach-output', ['dead']],
      ['unused-input', ['x3']],
    ]);
    expect(r.warnings[2]!.message).toBe('"x3" is not connected to anything: connect it to a neuron or layer, or remove it.');
  });

  it('never throws on malformed documents', () => {
    const bad = [{}, { nodes: null }, { nodes: [{ id: 'a', type: 'dense', units: 'x' }], edges: [{ id: 1 }] },
      { nodes: [{ id: 'o', type: 'output' }, { id: 'i', type: 'input' }], edges: [{ id: 'e', source: 'i', target: 'o', weights: 'no' }] }];
    for (const b of bad) expect(() => validateDocument(b as unknown as NetworkDocument)).not.toThrow();
  });
});

describe('long chains', () => {
  it('looks through 20,000 Dropouts for the loss check without overflowing the stack', () => {
    const n = 20_000;
    const nodes: NetworkDocument['nodes'] = [
      { type: 'input', id: 'x', name: 'x', position: { x: 0, y: 0 }, features: ['x'] },
      { type: 'dense', id: 'd', name: 'd', position: { x: 0, y: 0 }, units: 1, activation: 'sigmoid', useBias: true },
    ];
    const edges: NetworkDocument['edges'] = [{ id: 'e0', source: 'x', target: 'd' }];
    let previous = 'd';
    for (let i = 0; i < n; i++) {
      nodes.push({ type: 'dropout', id: `p${i}`, name: `p${i}`, position: { x: 0, y: 0 }, rate: 0 });
      edges.push({ id: `e${i + 1}`, source: previous, target: `p${i}` });
      previous = `p${i}`;
    }
    nodes.push({ type: 'output', id: 'out', name: 'out', position: { x: 0, y: 0 }, loss: 'binaryCrossEntropy', targets: ['label'] });
    edges.push({ id: 'eo', source: previous, target: 'out' });
    const doc: NetworkDocument = { ...emptyDocument('deep'), nodes, edges };
    const report = validateDocument(doc);
    expect(report.errors).toEqual([]);
    // And the check still has teeth at that depth: a tanh at the bottom does not fit binary cross-entropy.
    const tanh = { ...doc, nodes: doc.nodes.map((node) => (node.id === 'd' ? { ...node, activation: 'tanh' as const } : node)) };
    expect(validateDocument(tanh).errors.map((e) => e.code)).toContain('loss-activation-mismatch');
  });
});
