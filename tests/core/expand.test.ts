import { describe, expect, it } from 'vitest';
import type { ActivationName, NetworkDocument, NetworkNode } from '../../src/core/document';
import { collapseNeurons, expandDense } from '../../src/core/expand';
import { analyzeGraph } from '../../src/core/graph';
import { TEMPLATES, findTemplate } from '../../src/core/templates';
import { validateDocument } from '../../src/core/validate';
import { build, node, type EdgeSpec } from './helpers/build';
import { EVALUATED_KINDS, evaluate, evaluateAll, randomExample, withRandomWeights } from './helpers/reference-eval';

const CONSUMERS = ['dense', 'neuron', 'output', 'concat', 'add', 'activation', 'mixed'] as const;
type Consumer = (typeof CONSUMERS)[number];

const targets = (k: number) => Array.from({ length: k }, (_, i) => `t${i}`);

/** x(2 features), z(1 feature) → layer D (n units) → consumer → Output, with random weights. */
function fixture(n: number, activation: ActivationName, consumer: Consumer, seed = 1): NetworkDocument {
  const nodes: NetworkNode[] = [
    node('input', 'x', { features: ['a', 'b'] }),
    node('input', 'z', { features: ['c'] }),
    node('dense', 'D', { units: n, activation, name: 'hidden' }),
  ];
  const edges: EdgeSpec[] = [['x', 'D'], ['z', 'D']];
  switch (consumer) {
    case 'dense':
      nodes.push(node('dense', 'E', { units: 2, activation: 'linear' }), node('output', 'o', { targets: targets(2) }));
      edges.push(['D', 'E'], ['x', 'E'], ['E', 'o']);
      break;
    case 'neuron':
      nodes.push(node('neuron', 'N', { activation: 'sigmoid' }), node('output', 'o'));
      edges.push(['D', 'N'], ['N', 'o']);
      break;
    case 'output':
      nodes.push(node('output', 'o', { targets: targets(n) }));
      edges.push(['D', 'o']);
      break;
    case 'concat':
      nodes.push(node('concat', 'C'), node('output', 'o', { targets: targets(n + 1) }));
      edges.push(['z', 'C', { order: 0 }], ['D', 'C', { order: 1 }], ['C', 'o']);
      break;
    case 'add':
      nodes.push(node('dense', 'P', { units: n, activation: 'linear' }), node('add', 'A'), node('output', 'o', { targets: targets(n) }));
      edges.push(['x', 'P'], ['D', 'A'], ['P', 'A'], ['A', 'o']);
      break;
    case 'activation':
      nodes.push(node('activation', 'T', { activation: 'tanh' }), node('output', 'o', { targets: targets(n) }));
      edges.push(['D', 'T'], ['T', 'o']);
      break;
    case 'mixed':
      nodes.push(node('dense', 'E', { units: 2, activation: 'linear' }), node('activation', 'T', { activation: 'tanh' }),
        node('concat', 'C'), node('output', 'o', { targets: targets(n + 2) }));
      edges.push(['D', 'E'], ['D', 'T'], ['T', 'C', { order: 0 }], ['E', 'C', { order: 1 }], ['C', 'o']);
      break;
  }
  const doc = build(nodes, edges);
  return withRandomWeights(doc, analyzeGraph(doc).sizes, seed);
}

function expectSameFunction(before: NetworkDocument, after: NetworkDocument, seeds = 5) {
  for (let s = 0; s < seeds; s++) {
    const example = randomExample(before, 100 + s);
    const a = evaluate(before, example);
    const b = evaluate(after, example);
    expect(b).toHaveLength(a.length);
    for (let i = 0; i < a.length; i++) expect(Math.abs(b[i]! - a[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a[i]!)));
  }
}

const errorCodes = (d: NetworkDocument) => validateDocument(d).errors.map((p) => p.code);

function expanded(doc: NetworkDocument, id = 'D') {
  const r = expandDense(doc, id);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('expandDense', () => {
  const grid = [1, 3].flatMap((n) => (['tanh', 'relu', 'softmax'] as const).flatMap((act) => CONSUMERS.map((c) => [n, act, c] as const)));

  it.each(grid)('units=%i activation=%s consumer=%s keeps the function', (n, act, consumer) => {
    const before = fixture(n, act, consumer);
    const r = expanded(before);
    expect(r.neuronIds).toHaveLength(n);
    expect(r.doc.nodes.some((x) => x.id === 'D')).toBe(false);
    expectSameFunction(before, r.doc);
    expect(errorCodes(r.doc)).toEqual(errorCodes(before));
  });

  it('names the neurons after the layer and gives each its column of weights and its bias', () => {
    const before = fixture(3, 'tanh', 'output');
    const r = expanded(before);
    const neurons = r.neuronIds.map((id) => r.doc.nodes.find((x) => x.id === id)!);
    expect(neurons.map((x) => x.name)).toEqual(['hidden 1', 'hidden 2', 'hidden 3']);
    const dense = before.nodes.find((x) => x.id === 'D')!;
    const xBlock = before.edges.find((e) => e.source === 'x' && e.target === 'D')!.weights!;
    r.neuronIds.forEach((id, j) => {
      const neuron = r.doc.nodes.find((x) => x.id === id)!;
      expect(neuron.type === 'neuron' && neuron.bias).toBe(dense.type === 'dense' && dense.bias![j]);
      expect(r.doc.edges.find((e) => e.source === 'x' && e.target === id)!.weights).toEqual([xBlock[j]!, xBlock[3 + j]!]);
    });
  });

  it('joins the neurons in a Concat for a consumer without weights, keeping the consumer edge id', () => {
    const before = fixture(3, 'relu', 'activation');
    const keptId = before.edges.find((e) => e.source === 'D' && e.target === 'T')!.id;
    const r = expanded(before);
    expect(r.concatId).toBeDefined();
    expect(r.doc.edges.find((e) => e.id === keptId)).toMatchObject({ source: r.concatId, target: 'T' });
    const into = r.doc.edges.filter((e) => e.target === r.concatId);
    expect(into.map((e) => [e.source, e.order])).toEqual(r.neuronIds.map((id, j) => [id, j]));
  });

  it('expands a softmax layer into linear neurons, a Concat and a softmax Activation', () => {
    const r = expanded(fixture(3, 'softmax', 'output'));
    const act = r.doc.nodes.find((x) => x.id === r.activationId)!;
    expect(act).toMatchObject({ type: 'activation', activation: 'softmax' });
    for (const id of r.neuronIds) expect(r.doc.nodes.find((x) => x.id === id)).toMatchObject({ activation: 'linear' });
  });

  it('gives new ids that the document never used, and moves its counter past them', () => {
    const before = fixture(3, 'tanh', 'mixed');
    const r = expanded(before);
    const oldIds = new Set([...before.nodes.map((x) => x.id), ...before.edges.map((e) => e.id)]);
    const added = [...r.doc.nodes.map((x) => x.id), ...r.doc.edges.map((e) => e.id)].filter((id) => !oldIds.has(id));
    expect(new Set(added).size).toBe(added.length);
    for (const id of added) expect(Number(/\d+$/.exec(id)![0])).toBeLessThan(r.doc.nextId!);
  });

  it('is deterministic', () => {
    expect(expanded(fixture(3, 'tanh', 'mixed')).doc).toEqual(expanded(fixture(3, 'tanh', 'mixed')).doc);
  });

  // Templates the reference evaluator can compute (the CNN template's image kinds are checked by the kinds table instead).
  const evaluated = TEMPLATES.filter((t) => t.build().nodes.every((n) => EVALUATED_KINDS.has(n.type)));
  it('the reference evaluator computes every template but the image ones', () => {
    expect(TEMPLATES.filter((t) => !evaluated.includes(t)).map((t) => t.id)).toEqual(['digits-cnn']);
  });
  const templateLayers = evaluated.flatMap((t) => t.build().nodes.filter((n) => n.type === 'dense').map((n) => [t.id, n.id] as const));

  it.each(templateLayers)('template %s: expanding %s keeps it valid and computing the same, and collapsing restores it', (templateId, denseId) => {
    const t = findTemplate(templateId)!.build();
    const before = withRandomWeights(t, analyzeGraph(t).sizes, 11);
    const r = expanded(before, denseId);
    expect(validateDocument(r.doc).errors).toEqual([]);
    expectSameFunction(before, r.doc);
    const back = collapseNeurons(r.doc, r.neuronIds);
    if (!back.ok) throw new Error(back.reason);
    expectSameFunction(before, back.doc);
    expect(validateDocument(back.doc).errors).toEqual([]);
    expect(validateDocument(back.doc).parameterCount).toBe(validateDocument(before).parameterCount);
  });

  it('keeps missing weights missing', () => {
    const doc = build([node('input', 'x', { features: ['a', 'b'] }), node('dense', 'D', { units: 2 }), node('dense', 'E', { units: 1 }), node('output', 'o')],
      [['x', 'D'], ['D', 'E'], ['E', 'o']]);
    const r = expanded(doc);
    expect(r.doc.edges.every((e) => e.weights === undefined)).toBe(true);
    expect(errorCodes(r.doc)).toEqual([]);
  });

  it.each([
    ['an unknown node', 'nope', 'There is no node "nope"'],
    ['a node that is not a Dense layer', 'x', 'is not a Dense layer'],
  ])('refuses %s', (_what, id, reason) => {
    const r = expandDense(fixture(3, 'tanh', 'output'), id);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('refuses a block of the wrong length', () => {
    const doc = fixture(3, 'tanh', 'output');
    doc.edges[0]!.weights = [1];
    const r = expandDense(doc, 'D');
    expect(!r.ok && r.reason).toContain('wrong number of weights');
  });

  it('refuses a layer too large to show as neurons', () => {
    const doc = build([node('input', 'x'), node('dense', 'D', { units: 1000 })], [['x', 'D']]);
    expect(expandDense(doc, 'D').ok).toBe(false);
  });
});

describe('collapseNeurons', () => {
  const grid = [1, 3].flatMap((n) => (['tanh', 'relu'] as const).flatMap((act) => CONSUMERS.map((c) => [n, act, c] as const)));

  it.each(grid)('units=%i activation=%s consumer=%s: collapse(expand(layer)) restores every weight exactly', (n, act, consumer) => {
    const before = fixture(n, act, consumer);
    const ex = expanded(before);
    const r = collapseNeurons(ex.doc, ex.neuronIds);
    if (!r.ok) throw new Error(r.reason);
    expectSameFunction(before, r.doc);
    const dense = r.doc.nodes.find((x) => x.id === r.denseId)!;
    const original = before.nodes.find((x) => x.id === 'D')!;
    expect(dense).toMatchObject({ type: 'dense', units: n, activation: act, name: 'hidden' });
    expect(dense.type === 'dense' && dense.bias).toEqual(original.type === 'dense' && original.bias);
    for (const e of before.edges) {
      const touches = e.source === 'D' || e.target === 'D';
      const other = e.source === 'D' ? e.target : e.source;
      const found = touches
        ? r.doc.edges.find((x) => (e.source === 'D' ? x.source === r.denseId && x.target === other : x.target === r.denseId && x.source === other))
        : r.doc.edges.find((x) => x.id === e.id);
      expect(found, `edge ${e.id}`).toBeDefined();
      expect(found!.weights).toEqual(e.weights);
    }
    expect(r.doc.nodes).toHaveLength(before.nodes.length);
    expect(errorCodes(r.doc)).toEqual(errorCodes(before));
  });

  it('merges the hidden neurons of the XOR template into one layer with the same function', () => {
    const t = findTemplate('xor')!.build();
    const doc = withRandomWeights(t, analyzeGraph(t).sizes, 7);
    const r = collapseNeurons(doc, ['h1', 'h2', 'h3', 'h4']);
    if (!r.ok) throw new Error(r.reason);
    expectSameFunction(doc, r.doc);
    expect(errorCodes(r.doc)).toEqual([]);
    expect(r.doc.nodes.filter((x) => x.type === 'neuron').map((x) => x.id)).toEqual(['out']);
    expect(validateDocument(r.doc).parameterCount).toBe(validateDocument(doc).parameterCount);
  });

  it('follows the Concat order when the neurons are given in another order', () => {
    const before = fixture(3, 'tanh', 'concat');
    const ex = expanded(before);
    const r = collapseNeurons(ex.doc, [...ex.neuronIds].reverse());
    if (!r.ok) throw new Error(r.reason);
    expectSameFunction(before, r.doc);
  });

  it('uses the given order when there is no Concat, keeping the function', () => {
    const before = fixture(3, 'tanh', 'dense');
    const ex = expanded(before);
    const r = collapseNeurons(ex.doc, [ex.neuronIds[2]!, ex.neuronIds[0]!, ex.neuronIds[1]!]);
    if (!r.ok) throw new Error(r.reason);
    expectSameFunction(before, r.doc);
  });

  it('keeps a shared Concat in place between its other inputs', () => {
    const doc = withRandomWeights(build([
      node('input', 'x'), node('input', 'w'), node('neuron', 'n1', { name: 'h 1' }), node('neuron', 'n2', { name: 'h 2' }),
      node('concat', 'C'), node('output', 'o', { targets: targets(4) }),
    ], [['x', 'n1'], ['x', 'n2'], ['w', 'C', { order: 0 }], ['n1', 'C', { order: 1 }], ['n2', 'C', { order: 2 }], ['x', 'C', { order: 3 }], ['C', 'o']]),
    { x: 1, w: 1, n1: 1, n2: 1 }, 3);
    const r = collapseNeurons(doc, ['n1', 'n2']);
    if (!r.ok) throw new Error(r.reason);
    expectSameFunction(doc, r.doc);
    const all = evaluateAll(r.doc, { x: 0.5, w: -1 });
    expect(all.get('C')).toHaveLength(4);
    expect(r.doc.nodes.find((x) => x.id === r.denseId)!.name).toBe('h');
  });

  function pair(extra: (doc: NetworkDocument) => void): NetworkDocument {
    const doc = withRandomWeights(build([
      node('input', 'x'), node('input', 'w'), node('neuron', 'h1'), node('neuron', 'h2'), node('neuron', 'out'), node('output', 'o'),
    ], [['x', 'h1'], ['w', 'h1'], ['x', 'h2'], ['w', 'h2'], ['h1', 'out'], ['h2', 'out'], ['out', 'o']]), { x: 1, w: 1, h1: 1, h2: 1, out: 1 }, 5);
    extra(doc);
    return doc;
  }

  it.each([
    ['neurons with different activations', pair((d) => { (d.nodes[3] as { activation: string }).activation = 'tanh'; }), ['h1', 'h2'], 'share one activation'],
    ['neurons with different inputs', pair((d) => { d.edges.splice(3, 1); }), ['h1', 'h2'], '"h1" takes input from "w" but "h2" does not'],
    ['a node that is not a Neuron', pair(() => undefined), ['h1', 'x'], '"x" is not a Neuron'],
    ['an empty selection', pair(() => undefined), [], 'Select the neurons'],
    ['a neuron listed twice', pair(() => undefined), ['h1', 'h1'], 'listed twice'],
    ['neurons that feed each other', pair(() => undefined), ['h1', 'out'], 'feeds "out", and both are selected'],
    ['one of several neurons feeding an Activation on its own',
      pair((d) => { d.nodes.push(node('activation', 'T')); d.edges.push({ id: 'eT', source: 'h1', target: 'T' }); }), ['h1', 'h2'], '"h1" feeds "T" on its own'],
    ['mixed initialised and missing weights', pair((d) => { delete d.edges[2]!.weights; }), ['h1', 'h2'], 'have weights and others do not'],
  ] as const)('refuses %s', (_what, doc, ids, reason) => {
    const r = collapseNeurons(doc, ids);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('turns a single neuron into a layer of one unit, whatever it feeds', () => {
    const doc = pair(() => undefined);
    const r = collapseNeurons(doc, ['out']);
    if (!r.ok) throw new Error(r.reason);
    expectSameFunction(doc, r.doc);
    expect(errorCodes(r.doc)).toEqual([]);
  });

  it('leaves its input untouched', () => {
    const doc = pair(() => undefined);
    const copy = structuredClone(doc);
    collapseNeurons(doc, ['h1', 'h2']);
    expandDense(fixture(3, 'tanh', 'mixed'), 'D');
    expect(doc).toEqual(copy);
  });
});
