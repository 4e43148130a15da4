import { describe, expect, it } from 'vitest';
import { bindInOrder, dataColumns, nextUnusedFeature, toggleFeature } from '../../src/core/bind';
import { BUILTIN_DATASETS, loadDataset, prepareDataset } from '../../src/core/data';
import { featureColumn, planeFeatureId, PLANE_FEATURES, featureLabel } from '../../src/core/data/features';
import type { DataReference, NetworkDocument } from '../../src/core/document';
import { createTrainingSession } from '../../src/core/train';
import { findTemplate } from '../../src/core/templates';

const worked = () => findTemplate('worked-example')!.build();
const xorData = (features?: string[]): DataReference =>
  ({ kind: 'builtin', name: 'xor', noise: 0, trainRatio: 0.8, seed: 1, samples: 100, ...(features ? { features } : {}) }) as DataReference;

describe('the columns a data reference offers', () => {
  for (const info of BUILTIN_DATASETS) {
    it(`${info.id}: the same feature and target names the built data set has`, async () => {
      const ref = { kind: 'builtin', name: info.id, noise: 0, trainRatio: 0.8, seed: 1 } as DataReference;
      await prepareDataset(ref); // the digits are loaded on demand
      const built = loadDataset(ref);
      if (!built.ok) throw new Error(built.message);
      expect(dataColumns(ref)).toEqual({ features: built.dataset.featureNames, targets: built.dataset.targetNames });
    });
  }

  it('a 2-D set with engineered features: those, in the data’s order', () => {
    const ref = xorData(['x', 'y', 'x2', 'xy']);
    const built = loadDataset(ref);
    if (!built.ok) throw new Error(built.message);
    expect(dataColumns(ref)!.features).toEqual(built.dataset.featureNames);
  });

  it('a CSV: its feature and target columns; no data: null', () => {
    expect(dataColumns(worked().data)).toEqual({ features: ['x1', 'x2'], targets: ['y'] });
    expect(dataColumns({ kind: 'none' })).toBeNull();
  });
});

describe('"x²" typed by hand', () => {
  it('every plane feature is found by its id and by its label', () => {
    for (const f of PLANE_FEATURES) {
      expect(planeFeatureId(f)).toBe(f);
      expect(planeFeatureId(featureLabel(f))).toBe(f);
    }
  });

  it.each([['x^2', 'x2'], ['X ²', 'x2'], ['y**2', 'y2'], ['x*y', 'xy'], ['y·x', 'xy'], ['sin(x)', 'sinx'], ['sin y', 'siny']])('%s means %s', (typed, id) => {
    expect(planeFeatureId(typed)).toBe(id);
  });

  it('names nothing else, and an exact column name wins over the alias', () => {
    expect(planeFeatureId('x3')).toBeUndefined();
    expect(planeFeatureId('sepalLength')).toBeUndefined();
    expect(featureColumn(['x', 'y', 'x2'], 'x²')).toBe(2);
    expect(featureColumn(['x²', 'x2'], 'x²')).toBe(0);
    expect(featureColumn(['x', 'y'], 'x²')).toBe(-1);
  });

  it('an Input reading "x²" trains on the x² column of a 2-D set', () => {
    const doc = findTemplate('xor')!.build();
    const withSquare: NetworkDocument = {
      ...doc,
      data: xorData(['x', 'y', 'x2']),
      nodes: [...doc.nodes, { id: 'sq', type: 'input', name: 'sq', position: { x: 0, y: 0 }, features: ['x²'] }],
      edges: [...doc.edges, { id: 'e99', source: 'sq', target: 'h1' }],
    };
    const built = loadDataset(withSquare.data);
    if (!built.ok) throw new Error(built.message);
    const made = createTrainingSession(withSquare, built.dataset, {});
    expect(made.ok ? 'ok' : made.problems[0].message).toBe('ok');
    // And a name the data does not have is still refused, naming it.
    const wrong = { ...withSquare, nodes: withSquare.nodes.map((n) => (n.id === 'sq' ? { ...n, features: ['y²'] } : n)) };
    const refused = createTrainingSession(wrong, built.dataset, {});
    expect(refused.ok ? 'ok' : refused.problems[0].message).toMatch(/reads the feature "y²", which the data does not have/);
  });
});

describe('binding a network to its data', () => {
  it('the next unused feature is the first the Inputs do not read (aliases count as read)', () => {
    const doc = { ...findTemplate('xor')!.build(), data: xorData(['x', 'y', 'x2', 'sinx']) };
    expect(nextUnusedFeature(doc)).toBe('x2');
    const squared = { ...doc, nodes: [...doc.nodes, { id: 'q', type: 'input' as const, name: 'q', position: { x: 0, y: 0 }, features: ['x²'] }] };
    expect(nextUnusedFeature(squared)).toBe('sinx');
    expect(nextUnusedFeature({ ...doc, data: xorData() })).toBeUndefined();
    expect(nextUnusedFeature({ ...doc, data: { kind: 'none' } })).toBeUndefined();
  });

  it('binds the worked example’s x1, x2 → y to XOR’s x, y → label, in order', () => {
    const bound = bindInOrder(worked(), dataColumns(xorData())!);
    expect(bound!.features).toEqual([{ from: 'x1', to: 'x' }, { from: 'x2', to: 'y' }]);
    expect(bound!.targets).toEqual([{ from: 'y', to: 'label' }]);
    const inputs = bound!.doc.nodes.flatMap((n) => (n.type === 'input' ? n.features : []));
    expect(inputs).toEqual(['x', 'y']);
    // Bound, there is nothing left to bind.
    expect(bindInOrder(bound!.doc, dataColumns(xorData())!)).toBeNull();
  });

  it('offers nothing when the counts differ or everything matches already', () => {
    expect(bindInOrder(worked(), dataColumns(xorData(['x', 'y', 'x2']))!)?.features ?? []).toEqual([]);
    expect(bindInOrder(findTemplate('xor')!.build(), dataColumns(xorData())!)).toBeNull();
  });
});

describe('Playground’s feature toggles (toggleFeature)', () => {
  const spiral = () => findTemplate('spiral')!.build();
  const inputsOf = (d: NetworkDocument) => d.nodes.filter((n) => n.type === 'input');

  it('ticking x² adds it to the data and an Input for it, wired into the first layer like x and y', () => {
    const doc = spiral();
    const r = toggleFeature(doc, 'x2', true);
    if (!r.ok) throw new Error(r.reason);
    expect(r.doc.data).toMatchObject({ features: ['x', 'y', 'x2'] });
    const added = inputsOf(r.doc).find((n) => !doc.nodes.some((m) => m.id === n.id))!;
    expect(added).toMatchObject({ type: 'input', name: 'x²', features: ['x2'] });
    expect(r.doc.edges.filter((e) => e.source === added.id).map((e) => e.target)).toEqual(['hidden1']);
    // It trains: the network reads exactly the data's columns.
    const built = loadDataset(r.doc.data);
    if (!built.ok) throw new Error(built.message);
    const made = createTrainingSession(r.doc, built.dataset, {});
    expect(made.ok ? 'ok' : made.problems[0].message).toBe('ok');
  });

  it('on XOR (neurons), the new Input feeds every neuron x feeds; unticking takes it and its connections away again', () => {
    const doc = findTemplate('xor')!.build();
    const on = toggleFeature(doc, 'sinx', true);
    if (!on.ok) throw new Error(on.reason);
    const added = inputsOf(on.doc).find((n) => !doc.nodes.some((m) => m.id === n.id))!;
    expect(on.doc.edges.filter((e) => e.source === added.id).map((e) => e.target)).toEqual(['h1', 'h2', 'h3', 'h4']);
    const off = toggleFeature(on.doc, 'sinx', false);
    if (!off.ok) throw new Error(off.reason);
    expect(off.doc.nodes).toEqual(doc.nodes);
    expect(off.doc.edges).toEqual(doc.edges);
    expect(off.doc.data).toMatchObject({ features: ['x', 'y'] });
  });

  it('unticking x removes the Input that reads x; the last feature cannot go; other data refuses with a reason', () => {
    const doc = findTemplate('xor')!.build();
    const off = toggleFeature(doc, 'x', false);
    if (!off.ok) throw new Error(off.reason);
    expect(inputsOf(off.doc).map((n) => n.id)).toEqual(['y']);
    expect(off.doc.edges.some((e) => e.source === 'x')).toBe(false);
    const last = toggleFeature(off.doc, 'y', false);
    expect(last.ok ? '' : last.reason).toMatch(/at least one input feature/);
    const iris = toggleFeature(findTemplate('iris')!.build(), 'x2', true);
    expect(iris.ok ? '' : iris.reason).toMatch(/2-D data sets/);
  });

  it('an Input that already reads "x²" (typed by hand) is not doubled', () => {
    const doc = findTemplate('xor')!.build();
    const typed = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'y' && n.type === 'input' ? { ...n, features: ['x²'] } : n)) };
    const r = toggleFeature(typed, 'x2', true);
    if (!r.ok) throw new Error(r.reason);
    expect(r.doc.nodes).toHaveLength(typed.nodes.length);
  });
});
