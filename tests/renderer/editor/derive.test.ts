import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../../src/core/document';
import { setEdgeWeight } from '../../../src/core/edit';
import { findTemplate } from '../../../src/core/templates';
import { validateDocument } from '../../../src/core/validate';
import { createDeriver, type DeriveInput } from '../../../src/renderer/editor/derive';
import { exampleInputs, runExample } from '../../../src/renderer/editor/trace';

function input(doc: NetworkDocument, extra: Partial<DeriveInput> = {}): DeriveInput {
  return {
    doc, report: validateDocument(doc), run: runExample(doc, {}), example: exampleInputs(doc, {}),
    selectedNodes: new Set(), selectedEdges: new Set(), dragPositions: null, measured: new Map(), ...extra,
  };
}

describe('deriving React Flow elements from the document', () => {
  it('shows scalar edges with their weight and edges into a Dense with the block size', () => {
    const derive = createDeriver();
    const worked = derive(input(findTemplate('worked-example')!.build()));
    const e1 = worked.edges.find((e) => e.source === 'x1' && e.target === 'h1')!;
    expect(e1.data).toMatchObject({ kind: 'weight', weight: 0.5 });
    expect(worked.edges.find((e) => e.target === 'output')!.data).toMatchObject({ kind: 'plain' });

    const iris = createDeriver()(input(findTemplate('iris')!.build()));
    expect(iris.edges.find((e) => e.target === 'hidden')!.data).toMatchObject({ kind: 'block', shape: '4×8' });
    expect(iris.edges.find((e) => e.target === 'classes')!.data).toMatchObject({ kind: 'block', shape: '8×3' });
  });

  it('gives each node its size, its example values and its problems', () => {
    const doc = findTemplate('worked-example')!.build();
    const broken = { ...doc, edges: doc.edges.filter((e) => e.target !== 'h2') };
    const { nodes, edges } = createDeriver()(input(broken));
    const h2 = nodes.find((n) => n.id === 'h2')!;
    expect(h2.data.problems.map((p) => p.code)).toContain('no-input');
    const out = createDeriver()(input(doc)).nodes.find((n) => n.id === 'out')!;
    expect(out.data.size).toBe(1);
    expect(out.data.values?.a[0]).toBeCloseTo(0.4502, 4);
    expect(edges.every((e) => e.data!.problem === false)).toBe(true);
  });

  it('marks the edges of a cycle as errors', () => {
    const doc = findTemplate('worked-example')!.build();
    const looped = { ...doc, edges: [...doc.edges, { id: 'back', source: 'out', target: 'h1', weights: [1] }] };
    const { edges, nodes } = createDeriver()(input(looped));
    expect(edges.find((e) => e.id === 'back')!.data!.problem).toBe(true);
    expect(nodes.find((n) => n.id === 'h1')!.data.problems.some((p) => p.code === 'cycle')).toBe(true);
  });

  it('reuses the objects of nodes and edges that did not change', () => {
    const derive = createDeriver();
    const doc = findTemplate('worked-example')!.build();
    const first = derive(input(doc));
    const again = derive(input(doc));
    first.nodes.forEach((n, i) => expect(again.nodes[i]).toBe(n));
    first.edges.forEach((e, i) => expect(again.edges[i]).toBe(e));

    // Dragging h2 changes h2 only.
    const dragged = derive(input(doc, { dragPositions: { h2: { x: 999, y: 999 } } }));
    expect(dragged.nodes.filter((n, i) => n !== again.nodes[i]).map((n) => n.id)).toEqual(['h2']);
    expect(dragged.nodes.find((n) => n.id === 'h2')!.position).toEqual({ x: 999, y: 999 });
  });

  it('re-derives the nodes whose values a weight change moved, and the edge whose weight changed', () => {
    const derive = createDeriver();
    const doc = findTemplate('worked-example')!.build();
    const first = derive(input(doc));
    const r = setEdgeWeight(doc, 'e5', 0, 2); // h1 → out
    if (!r.ok) throw new Error(r.reason);
    const second = derive(input(r.doc));
    expect(second.nodes.filter((n, i) => n !== first.nodes[i]).map((n) => n.id).sort()).toEqual(['out', 'output']);
    expect(second.edges.filter((e, i) => e !== first.edges[i]).map((e) => e.id)).toEqual(['e5']);
  });
});

describe('a large document is drawn only where it is seen (issue 11 item 11)', () => {
  it('estimates the size and handles of nodes not measured yet, so React Flow need not draw every node to measure it', () => {
    const doc = findTemplate('worked-example')!.build();
    const derive = createDeriver();
    const { nodes } = derive(input(doc, { estimate: true }));
    const h1 = nodes.find((n) => n.id === 'h1')!;
    expect(h1).toMatchObject({ initialWidth: 96, initialHeight: 100 });
    expect(h1.handles?.map((h) => h.type)).toEqual(['target', 'source']);
    const x1 = nodes.find((n) => n.id === 'x1')!;
    expect(x1.handles?.map((h) => h.type)).toEqual(['source']);
    const output = nodes.find((n) => n.id === 'output')!;
    expect(output.handles?.map((h) => h.type)).toEqual(['target']);
    // Once measured, the real size and React Flow's own handle bounds take over.
    const measured = new Map([['h1', { width: 101, height: 120 }]]);
    const again = derive(input(doc, { estimate: true, measured })).nodes.find((n) => n.id === 'h1')!;
    expect(again.measured).toEqual({ width: 101, height: 120 });
    expect(again.handles).toBeUndefined();
    // A small document is measured as drawn: no estimates.
    expect(createDeriver()(input(doc)).nodes.every((n) => n.handles === undefined && n.initialWidth === undefined)).toBe(true);
  });
});
