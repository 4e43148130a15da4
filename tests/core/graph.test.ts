import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyDocument, type NetworkDocument, type NetworkEdge, type NetworkNode } from '../../src/core/document';
import { analyzeGraph, edgeBlockShape } from '../../src/core/graph';
import { NODE_TYPE_LIST, createNode } from '../../src/core/nodes';
import { validateDocument } from '../../src/core/validate';

const p = { x: 0, y: 0 };

function doc(nodes: NetworkNode[], edges: [string, string, Partial<NetworkEdge>?][]): NetworkDocument {
  return {
    ...emptyDocument('t'),
    nodes,
    edges: edges.map(([source, target, extra], i) => ({ id: `e${i}`, source, target, ...(extra ?? {}) })),
  };
}

const input = (id: string, features = [id]) => createNode('input', id, p, { features });
const neuron = (id: string) => createNode('neuron', id, p);
const dense = (id: string, units: number) => createNode('dense', id, p, { units });
const output = (id: string, targets = ['y']) => createNode('output', id, p, { targets });

const codes = (d: NetworkDocument) => analyzeGraph(d).problems.map((q) => q.code);

describe('analyzeGraph', () => {
  it('orders nodes so every edge points forward, ties in document order', () => {
    const d = doc([neuron('o'), neuron('h2'), neuron('h1'), input('x1'), input('x2')],
      [['x1', 'h1'], ['x2', 'h1'], ['x1', 'h2'], ['h1', 'o'], ['h2', 'o']]);
    const a = analyzeGraph(d);
    expect(a.problems).toEqual([]);
    expect(a.order).toEqual(['x1', 'h2', 'x2', 'h1', 'o']);
    const pos = new Map(a.order.map((id, i) => [id, i]));
    for (const e of d.edges) expect(pos.get(e.source)!).toBeLessThan(pos.get(e.target)!);
  });

  it('breaks ties by document order', () => {
    const a = analyzeGraph(doc([input('b'), input('a'), input('c')], []));
    expect(a.order).toEqual(['b', 'a', 'c']);
  });

  it.each([
    ['input of 3 features', () => input('x', ['a', 'b', 'c']), 3],
    ['neuron', () => neuron('n'), 1],
    ['dense of 7 units', () => dense('d', 7), 7],
  ])('infers the size of a lone %s', (_name, make, size) => {
    const node = make();
    expect(analyzeGraph(doc([node], [])).sizes[node.id]).toBe(size);
  });

  it('infers sizes through activation, dropout, add, concat and output', () => {
    const d = doc([
      input('x', ['a', 'b']),
      dense('d1', 3),
      dense('d2', 3),
      createNode('add', 'add', p),
      createNode('activation', 'act', p),
      createNode('dropout', 'drop', p),
      createNode('concat', 'cat', p),
      output('o', ['t1', 't2', 't3', 't4', 't5']),
    ], [['x', 'd1'], ['x', 'd2'], ['d1', 'add'], ['d2', 'add'], ['add', 'act'], ['act', 'drop'], ['drop', 'cat'], ['x', 'cat'], ['cat', 'o']]);
    const a = analyzeGraph(d);
    expect(a.problems).toEqual([]);
    expect(a.sizes).toEqual({ x: 2, d1: 3, d2: 3, add: 3, act: 3, drop: 3, cat: 5, o: 5 });
  });

  it('sorts concat inputs by order, ties (and no order) in file order, never by id', () => {
    const d = doc([input('a'), input('b'), input('c'), createNode('concat', 'cat', p)], [
      ['a', 'cat', { id: 'z', order: 2 }],
      ['b', 'cat', { id: 'y' }],
      ['c', 'cat', { id: 'x', order: 1 }],
    ]);
    d.edges.push({ id: 'w', source: 'b', target: 'cat' }); // duplicate pair, still sorted deterministically
    d.edges.push({ id: 'e10', source: 'a', target: 'cat', order: 1 }); // ties with x: after it, as in the file
    const a = analyzeGraph(d);
    expect(a.incoming.cat!.map((e) => e.id)).toEqual(['x', 'e10', 'z', 'y', 'w']);
  });

  it('reports a cycle naming its nodes, and leaves the cycle out of the order', () => {
    const h1 = { ...neuron('h1'), name: 'h1' };
    const h2 = { ...neuron('h2'), name: 'h2' };
    const d = doc([input('x'), h1, h2, output('o')], [['x', 'h1'], ['h1', 'h2'], ['h2', 'h1'], ['h2', 'o']]);
    const a = analyzeGraph(d);
    expect(a.cycles).toEqual([['h1', 'h2']]);
    const cycle = a.problems.find((q) => q.code === 'cycle')!;
    expect(cycle.message).toContain('These nodes form a cycle: "h1" → "h2" → "h1".');
    expect(cycle.nodeIds).toEqual(['h1', 'h2']);
    expect(cycle.edgeIds.sort()).toEqual(['e1', 'e2']);
    expect(a.order).toEqual(['x']);
    expect(a.sizes.o).toBeUndefined();
  });

  it('finds a cycle in a long chain without overflowing the stack', () => {
    const n = 20_000;
    const nodes = Array.from({ length: n }, (_, i) => neuron(`n${i}`));
    const edges: [string, string][] = nodes.map((_, i) => [`n${i}`, `n${(i + 1) % n}`]);
    const a = analyzeGraph(doc(nodes, edges));
    expect(a.cycles).toHaveLength(1);
    expect(a.cycles[0]).toHaveLength(n);
  });

  it('reports a self-loop and keeps it out of the graph', () => {
    const a = analyzeGraph(doc([input('x'), neuron('h')], [['x', 'h'], ['h', 'h']]));
    expect(a.problems.map((q) => q.code)).toEqual(['self-loop']);
    expect(a.incoming.h!.map((e) => e.id)).toEqual(['e0']);
    expect(a.order).toEqual(['x', 'h']);
  });

  it('reports edges to unknown nodes and ignores them', () => {
    const a = analyzeGraph(doc([input('x'), neuron('h')], [['x', 'h'], ['ghost', 'h']]));
    const q = a.problems.find((x) => x.code === 'edge-unknown-node')!;
    expect(q.message).toContain('"ghost"');
    expect(q.edgeIds).toEqual(['e1']);
    expect(a.incoming.h).toHaveLength(1);
  });

  it('reports duplicate node ids once and keeps the first', () => {
    const a = analyzeGraph(doc([input('x'), neuron('x'), neuron('x')], []));
    expect(a.problems.filter((q) => q.code === 'duplicate-node-id')).toHaveLength(1);
    expect(a.nodesById.x!.type).toBe('input');
  });

  it('reports duplicate edge ids and duplicate connections', () => {
    const d = doc([input('x'), neuron('h')], [['x', 'h', { id: 'a' }], ['x', 'h', { id: 'a' }], ['x', 'h', { id: 'b' }]]);
    expect(codes(d)).toEqual(['duplicate-edge-id', 'duplicate-edge']);
  });

  it.each(['neuron', 'dense', 'activation', 'dropout', 'add', 'concat', 'output'] as const)('reports a %s with no input', (type) => {
    const node = { ...createNode(type, 'n', p), name: 'h1' };
    const q = analyzeGraph(doc([node], [])).problems.find((x) => x.code === 'no-input')!;
    expect(q.message).toBe('"h1" has no input: connect something into it.');
    expect(q.nodeIds).toEqual(['n']);
  });

  it.each(['activation', 'dropout', 'output'] as const)('reports a %s with two inputs', (type) => {
    const d = doc([input('a'), input('b'), createNode(type, 'n', p, { targets: ['y'] } as never)], [['a', 'n'], ['b', 'n']]);
    expect(codes(d)).toContain('too-many-inputs');
  });

  it('reports an input node with incoming edges', () => {
    expect(codes(doc([input('a'), input('b')], [['a', 'b']]))).toEqual(['input-has-incoming']);
  });

  it('reports edges out of an output', () => {
    expect(codes(doc([input('a'), output('o'), neuron('n')], [['a', 'o'], ['o', 'n']]))).toEqual(['output-has-outgoing']);
  });

  it('reports add inputs of different sizes and gives add no size', () => {
    const d = doc([input('x', ['a', 'b']), dense('d', 3), createNode('add', 'add', p)], [['x', 'add'], ['d', 'add'], ['x', 'd']]);
    const a = analyzeGraph(d);
    expect(a.problems.map((q) => q.code)).toEqual(['add-size-mismatch']);
    expect(a.problems[0]!.message).toContain('"x" gives 2');
    expect(a.problems[0]!.message).toContain('"d" gives 3');
    expect(a.sizes.add).toBeUndefined();
  });

  it('reports an output whose size differs from its targets', () => {
    const d = doc([input('x'), dense('d', 2), output('o', ['y'])], [['x', 'd'], ['d', 'o']]);
    const q = analyzeGraph(d).problems[0]!;
    expect(q.code).toBe('output-size-mismatch');
    expect(q.field).toBe('targets');
  });

  it('says plainly when a dense layer has no units at all', () => {
    const d = doc([{ ...dense('d', 1), units: undefined as unknown as number }], []);
    expect(analyzeGraph(d).problems.find((q) => q.code === 'invalid-units')!.message).toBe('"d" has no units: a Dense layer needs a whole number of units, at least 1.');
  });

  it.each([0, -1, 2.5, Number.NaN])('reports dense units=%s as invalid', (units) => {
    const a = analyzeGraph(doc([dense('d', units)], []));
    expect(a.problems.map((q) => q.code)).toContain('invalid-units');
    expect(a.sizes.d).toBeUndefined();
  });

  it('gives edge block shapes only for edges into weighted nodes', () => {
    const d = doc([input('x', ['a', 'b', 'c']), dense('d', 4), neuron('n'), createNode('activation', 'act', p)],
      [['x', 'd'], ['d', 'n'], ['n', 'act']]);
    const a = analyzeGraph(d);
    expect(edgeBlockShape(a, d.edges[0]!)).toEqual({ rows: 3, cols: 4 });
    expect(edgeBlockShape(a, d.edges[1]!)).toEqual({ rows: 4, cols: 1 });
    expect(edgeBlockShape(a, d.edges[2]!)).toBeUndefined();
  });

  it('never throws on garbage', () => {
    const garbage: unknown[] = [null, {}, { nodes: 3 }, { nodes: [null, 1, { id: 3 }], edges: [null, { id: 'e' }] },
      { nodes: [{ id: '__proto__', type: 'neuron' }, { id: 'constructor', type: 'input', features: ['a'] }], edges: [{ id: 'e', source: 'constructor', target: '__proto__' }] }];
    for (const g of garbage) expect(() => analyzeGraph(g as NetworkDocument)).not.toThrow();
    const a = analyzeGraph(garbage[4] as NetworkDocument);
    expect(a.order).toEqual(['constructor', '__proto__']);
  });

  /** Naive reference: repeatedly take the first node (in document order) whose inputs are all placed. */
  function naiveOrder(d: NetworkDocument): string[] {
    const placed = new Set<string>();
    const order: string[] = [];
    const ins = (id: string) => d.edges.filter((e) => e.target === id && e.source !== id && d.nodes.some((n) => n.id === e.source));
    for (;;) {
      const next = d.nodes.find((n) => !placed.has(n.id) && ins(n.id).every((e) => placed.has(e.source)));
      if (!next) return order;
      placed.add(next.id);
      order.push(next.id);
    }
  }

  /** Random graphs over n nodes of random types, with random edges (cycles, self-loops and dangling ends included). */
  const graphArb = fc.integer({ min: 0, max: 12 }).chain((n) => fc.record({
    types: fc.array(fc.constantFrom(...NODE_TYPE_LIST), { minLength: n, maxLength: n }),
    units: fc.array(fc.integer({ min: -1, max: 4 }), { minLength: n, maxLength: n }),
    edges: fc.array(fc.tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }), fc.option(fc.integer({ min: 0, max: 3 }))), { maxLength: 3 * n }),
  })).map(({ types, units, edges }) => build(
    types.map((t, i) => createNode(t, `n${i}`, p, (t === 'dense' ? { units: units[i] } : t === 'input' ? { features: Array.from({ length: Math.max(units[i]!, 0) }, (_, k) => `f${k}`) } : undefined) as never)),
    edges.map(([a, b, order]) => [`n${a}`, `n${b}`, order === null ? undefined : { order }]),
  ));

  function build(nodes: NetworkNode[], edges: [string, string, Partial<NetworkEdge>?][]) {
    return doc(nodes, edges);
  }

  it('orders random graphs like the naive reference, every edge pointing forward', () => {
    fc.assert(fc.property(graphArb, (d) => {
      const a = analyzeGraph(d);
      expect(a.order).toEqual(naiveOrder(d));
      const pos = new Map(a.order.map((id, i) => [id, i]));
      for (const e of d.edges) {
        if (pos.has(e.source) && pos.has(e.target) && e.source !== e.target) expect(pos.get(e.source)!).toBeLessThan(pos.get(e.target)!);
      }
      expect(a.cycles.length > 0).toBe(a.order.length < d.nodes.length);
      for (const cycle of a.cycles) {
        for (let k = 0; k < cycle.length; k++) {
          const from = cycle[k]!;
          const to = cycle[(k + 1) % cycle.length]!;
          expect(d.edges.some((e) => e.source === from && e.target === to)).toBe(true);
        }
      }
    }), { numRuns: 400 });
  });

  it('validates random graphs without throwing, pointing only at nodes and edges that exist', () => {
    fc.assert(fc.property(graphArb, (d) => {
      const report = validateDocument(d);
      const nodeIds = new Set(d.nodes.map((n) => n.id));
      const edgeIds = new Set(d.edges.map((e) => e.id));
      for (const q of [...report.errors, ...report.warnings]) {
        for (const id of q.nodeIds) expect(nodeIds.has(id)).toBe(true);
        for (const id of q.edgeIds) expect(edgeIds.has(id)).toBe(true);
        expect(q.message).not.toMatch(/undefined|NaN|\[object/);
      }
      expect(report.parameterCount).toBeGreaterThanOrEqual(0);
    }), { numRuns: 400 });
  });

  it('never throws on random JSON in place of nodes and edges', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (nodes, edges) => {
      const d = { ...emptyDocument(), nodes, edges } as unknown as NetworkDocument;
      expect(() => validateDocument(d)).not.toThrow();
    }), { numRuns: 300 });
  });
});
