import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../src/core/document';
import { addNode, connect, newId, newIds, removeEdges, removeNodes, setEdgeWeight, setNodeField, type EditResult } from '../../src/core/edit';
import { createNode } from '../../src/core/nodes';
import { validateDocument } from '../../src/core/validate';
import { build, node } from './helpers/build';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function net(): NetworkDocument {
  return deepFreeze(build([
    node('input', 'x1'), node('input', 'x2'),
    node('neuron', 'h1'), node('neuron', 'h2'),
    node('dense', 'd', { units: 3, bias: [0.1, 0.2, 0.3] }),
    node('concat', 'cat'), node('activation', 'act'), node('output', 'o'),
  ], [
    ['x1', 'h1', { weights: [0.5] }], ['x2', 'h1', { weights: [-0.3] }], ['h1', 'h2'],
    ['x1', 'd', { weights: [1, 2, 3] }], ['d', 'h2', { weights: [4, 5, 6] }],
  ]));
}

function ok(result: EditResult): NetworkDocument {
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.doc;
}

describe('newId', () => {
  it('continues after the highest numbered id', () => {
    expect(newId(net(), 'n')).toBe('n5');
  });

  it('never hands out an id again after its node is deleted', () => {
    let doc: NetworkDocument = net();
    const id = newId(doc, 'n');
    doc = ok(addNode(doc, createNode('neuron', id, { x: 0, y: 0 })));
    expect(newId(doc, 'n')).not.toBe(id);
    doc = removeNodes(doc, [id]);
    expect(newId(doc, 'n')).not.toBe(id);
    const pair = build([node('input', 'x1'), node('input', 'x2')], []);
    expect(newId(removeNodes(pair, ['x2']), 'x')).toBe('x3');
  });

  it('gives distinct ids in a batch and moves the counter past them', () => {
    const { ids, doc } = newIds(net(), ['n', 'n', 'e']);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(newId(doc, id.replace(/\d+$/, ''))).not.toBe(id);
  });

  it('does not collide with an id that ends in the counter digits', () => {
    const doc = build([node('input', 'h12')], []);
    expect(newId(doc, 'h1')).toBe('h113');
  });
});

describe('addNode and removeNodes', () => {
  it('adds a node without touching the input document', () => {
    const before = net();
    const after = ok(addNode(before, createNode('dense', 'new1', { x: 5, y: 6 }, { units: 2 })));
    expect(after.nodes).toHaveLength(before.nodes.length + 1);
    expect(before.nodes.find((n) => n.id === 'new1')).toBeUndefined();
  });

  it('refuses a node whose id is taken', () => {
    const r = addNode(net(), createNode('neuron', 'h1', { x: 0, y: 0 }));
    expect(r).toEqual({ ok: false, reason: 'The id "h1" is already used in this network.' });
  });

  it('refuses a node with a field out of range', () => {
    const r = addNode(net(), createNode('dense', 'z', { x: 0, y: 0 }, { units: 0 }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('units: expected a positive integer');
  });

  it('removes nodes with all their edges', () => {
    const after = removeNodes(net(), ['h1', 'd']);
    expect(after.nodes.map((n) => n.id)).toEqual(['x1', 'x2', 'h2', 'cat', 'act', 'o']);
    expect(after.edges).toEqual([]);
  });

  it('removes edges by id', () => {
    expect(removeEdges(net(), ['e0', 'e2']).edges.map((e) => e.id)).toEqual(['e1', 'e3', 'e4']);
  });
});

describe('connect', () => {
  it('adds an edge without weights and keeps the input intact', () => {
    const before = net();
    const r = connect(before, 'h2', 'o');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.edge).toEqual({ id: 'e5', source: 'h2', target: 'o' });
    expect(r.doc.edges.at(-1)).toEqual(r.edge);
    expect(before.edges).toHaveLength(5);
  });

  it('puts a new Concat input last', () => {
    let doc: NetworkDocument = net();
    const a = connect(doc, 'h1', 'cat');
    if (!a.ok) throw new Error(a.reason);
    doc = a.doc;
    const b = connect(doc, 'x2', 'cat');
    if (!b.ok) throw new Error(b.reason);
    expect([a.edge.order, b.edge.order]).toEqual([0, 1]);
  });

  it.each([
    ['a connection that would make a cycle', 'h2', 'h1', 'would make a loop, because "h1" already feeds "h2"'],
    ['a self-loop', 'h1', 'h1', 'cannot take its own output as input'],
    ['a duplicate connection', 'x1', 'h1', '"x1" is already connected to "h1"'],
    ['an Input as target', 'h1', 'x2', '"x2" is an Input'],
    ['an Output as source', 'o', 'h1', '"o" is an Output'],
    ['an unknown source', 'ghost', 'h1', 'There is no node "ghost"'],
    ['an unknown target', 'h1', 'ghost', 'There is no node "ghost"'],
  ])('rejects %s', (_what, source, target, reason) => {
    const r = connect(net(), source, target);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('rejects a second input into an Activation', () => {
    const first = connect(net(), 'h1', 'act');
    if (!first.ok) throw new Error(first.reason);
    const second = connect(first.doc, 'h2', 'act');
    expect(second).toEqual({ ok: false, reason: '"act" takes only one input and already has one: remove that connection first.' });
  });

  it('rejects an Add input of another size than the others', () => {
    const doc = build([node('input', 'x', { features: ['a', 'b'] }), node('dense', 'd', { units: 3 }), node('add', 'sum')], [['x', 'd'], ['x', 'sum']]);
    const r = connect(doc, 'd', 'sum');
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^"sum" adds inputs of different sizes \(.*"d" gives 3\): they must all have the same size\.$/) });
    const same = build([node('input', 'x', { features: ['a', 'b'] }), node('dense', 'd', { units: 2 }), node('add', 'sum')], [['x', 'd'], ['x', 'sum']]);
    expect(connect(same, 'd', 'sum').ok).toBe(true);
  });

  it('rejects a longer cycle through a Dense layer', () => {
    const r = connect(net(), 'h2', 'd');
    expect(r.ok).toBe(false);
  });
});

describe('setEdgeWeight', () => {
  it('sets one weight of a block', () => {
    const doc = ok(setEdgeWeight(net(), 'e3', 1, 9));
    expect(doc.edges[3]!.weights).toEqual([1, 9, 3]);
    expect(net().edges[3]!.weights).toEqual([1, 2, 3]);
  });

  it('gives a scalar edge its first weight', () => {
    expect(ok(setEdgeWeight(net(), 'e2', 0, 0.25)).edges[2]!.weights).toEqual([0.25]);
  });

  it('refuses to set one weight of an uninitialised larger block', () => {
    const doc = build([node('input', 'x', { features: ['a', 'b'] }), node('dense', 'd', { units: 2 })], [['x', 'd']]);
    const r = setEdgeWeight(doc, 'e0', 0, 1);
    expect(!r.ok && r.reason).toContain('are not set yet');
  });

  it.each([
    ['an index past the block', 'e3', 3, 1, 'has 3 weights; there is no weight number 4'],
    ['a negative index', 'e3', -1, 1, 'there is no weight number 0'],
    ['a NaN weight', 'e3', 0, Number.NaN, 'must be a finite number'],
    ['an unknown edge', 'nope', 0, 1, 'There is no connection "nope"'],
  ])('refuses %s', (_what, edgeId, index, value, reason) => {
    const r = setEdgeWeight(net(), edgeId, index, value);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('refuses a weight on an edge into a node without weights', () => {
    const c = connect(net(), 'h1', 'act');
    if (!c.ok) throw new Error(c.reason);
    const r = setEdgeWeight(c.doc, c.edge.id, 0, 1);
    expect(!r.ok && r.reason).toContain('only connections into a Neuron or a Dense layer do');
  });
});

describe('setNodeField', () => {
  it.each([
    ['h1', 'bias', 0.7],
    ['h1', 'activation', 'tanh'],
    ['h1', 'name', 'hidden one'],
    ['h1', 'position', { x: 10, y: -4 }],
    ['d', 'useBias', false],
  ] as const)('sets %s.%s', (id, field, value) => {
    const doc = ok(setNodeField(net(), id, field, value));
    expect((doc.nodes.find((n) => n.id === id) as unknown as Record<string, unknown>)[field]).toEqual(value);
  });

  it.each([
    ['d', 'units', 0, 'units: expected a positive integer'],
    ['d', 'units', 'three', 'units: expected a number, got the text "three"'],
    ['h1', 'activation', 'swish', 'activation: expected one of'],
    ['h1', 'bias', Number.POSITIVE_INFINITY, 'bias: expected a finite number, got Infinity'],
    ['h1', 'units', 3, '"h1" is a Neuron and has no "units"'],
    ['h1', 'id', 'x', 'cannot be changed'],
    ['d', 'bias', [1, 2], 'needs 3 bias values, not 2'],
  ] as const)('refuses %s.%s = %j', (id, field, value, reason) => {
    const r = setNodeField(net(), id, field, value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('drops the weights of blocks whose shape changed with the units, and the old biases', () => {
    const doc = ok(setNodeField(net(), 'd', 'units', 4));
    const d = doc.nodes.find((n) => n.id === 'd')!;
    expect(d.type === 'dense' && d.bias).toBe(undefined);
    expect(doc.edges[3]!.weights).toBeUndefined();
    expect(doc.edges[4]!.weights).toBeUndefined();
    expect(doc.edges[0]!.weights).toEqual([0.5]);
    expect(validateDocument(doc).errors.filter((p) => p.code.startsWith('weights') || p.code.startsWith('bias'))).toEqual([]);
  });

  it('keeps weights when the units stay the same', () => {
    const doc = ok(setNodeField(net(), 'd', 'units', 3));
    expect(doc.edges[3]!.weights).toEqual([1, 2, 3]);
  });
});
