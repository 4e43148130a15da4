import { describe, expect, it } from 'vitest';
import { emptyDocument, type NetworkDocument, type NetworkNode } from '../../../src/core/document';
import { connect } from '../../../src/core/edit';
import { findTemplate } from '../../../src/core/templates';
import { validateDocument } from '../../../src/core/validate';
import {
  copySelection, deleteElements, initialiseWeights, insertExistingOnEdge, insertOnEdge, moveNodes, parseClipboard, pasteContent, placeNode,
} from '../../../src/renderer/editor/commands';

const worked = () => findTemplate('worked-example')!.build();
const spiral = () => findTemplate('spiral')!.build();

function mustPlace(doc: NetworkDocument, ...args: Parameters<typeof placeNode> extends [unknown, ...infer R] ? R : never) {
  const r = placeNode(doc, ...args);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('placing nodes', () => {
  it('gives each new node a fresh id named after its type, and never reuses one after a delete', () => {
    const a = mustPlace(emptyDocument(), 'dense', { x: 10.4, y: 20.6 });
    expect(a.nodeId).toBe('dense1');
    expect(a.doc.nodes[0]).toMatchObject({ type: 'dense', name: 'dense1', position: { x: 10, y: 21 }, units: 4 });
    const b = mustPlace(a.doc, 'neuron', { x: 0, y: 0 });
    expect(b.nodeId).toBe('n2');
    const gone = deleteElements(b.doc, ['n2'], [])!;
    expect(mustPlace(gone, 'neuron', { x: 0, y: 0 }).nodeId).toBe('n3');
  });

  it('inserts a node dropped on an edge between its two ends', () => {
    const doc = spiral();
    const edge = doc.edges.find((e) => e.source === 'hidden1' && e.target === 'hidden2')!;
    const r = insertOnEdge(doc, 'dropout', { x: 300, y: 0 }, edge.id);
    if (!r.ok) throw new Error(r.reason);
    expect(r.doc.edges.some((e) => e.id === edge.id)).toBe(false);
    expect(r.doc.edges.some((e) => e.source === 'hidden1' && e.target === r.nodeId)).toBe(true);
    expect(r.doc.edges.some((e) => e.source === r.nodeId && e.target === 'hidden2')).toBe(true);
    expect(validateDocument(r.doc).errors).toEqual([]);
  });

  it.each([['input'], ['output']] as const)('refuses to put an %s in the middle of a connection, with a reason', (type) => {
    const doc = spiral();
    const r = insertOnEdge(doc, type, { x: 0, y: 0 }, doc.edges[2]!.id);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/cannot go in the middle of a connection/);
  });

  it('refuses an insertion onto a connection that does not exist', () => {
    const r = insertOnEdge(spiral(), 'add', { x: 0, y: 0 }, 'no-such-edge');
    expect(r).toEqual({ ok: false, reason: 'There is no connection "no-such-edge".' });
  });
});

describe('deleting and moving', () => {
  it('deletes nodes with their edges and edges alone, and does nothing for an empty selection', () => {
    const doc = worked();
    expect(deleteElements(doc, [], [])).toBeNull();
    const after = deleteElements(doc, ['h1'], ['e4'])!;
    expect(after.nodes.map((n) => n.id)).not.toContain('h1');
    expect(after.edges.some((e) => e.source === 'h1' || e.target === 'h1' || e.id === 'e4')).toBe(false);
    expect(after.edges.length).toBe(doc.edges.length - 4);
  });

  it('moves only nodes whose position changed, and reports no change as null', () => {
    const doc = worked();
    const h1 = doc.nodes.find((n) => n.id === 'h1')!;
    expect(moveNodes(doc, { h1: { ...h1.position } })).toBeNull();
    const moved = moveNodes(doc, { h1: { x: 5, y: 6 } })!;
    expect(moved.nodes.find((n) => n.id === 'h1')!.position).toEqual({ x: 5, y: 6 });
    expect(moved.nodes.filter((n, i) => n !== doc.nodes[i]).map((n) => n.id)).toEqual(['h1']);
  });
});

describe('initialising weights', () => {
  it('fills every missing weight and bias and keeps the ones already set', () => {
    let doc = spiral();
    const r = initialiseWeights(doc);
    if (!r.ok) throw new Error(r.reason);
    doc = r.doc;
    const report = validateDocument(doc);
    expect(report.errors).toEqual([]);
    for (const edge of doc.edges.filter((e) => e.target !== 'output')) expect(edge.weights?.length).toBeGreaterThan(0);
    const again = initialiseWeights(doc);
    if (!again.ok) throw new Error(again.reason);
    expect(again.doc.edges).toEqual(doc.edges);
  });

  it('refuses while the network is invalid, naming the problem', () => {
    const r = initialiseWeights({ ...worked(), nodes: worked().nodes.filter((n) => n.type !== 'output'), edges: worked().edges.filter((e) => e.target !== 'output') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/no Output/);
  });
});

describe('the clipboard', () => {
  it('copies the selected nodes and only the edges between them', () => {
    const text = copySelection(worked(), new Set(['x1', 'h1', 'out']))!;
    const parsed = parseClipboard(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.content.nodes.map((n) => n.id)).toEqual(['x1', 'h1', 'out']);
    expect(parsed.content.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['x1>h1', 'h1>out']);
    expect(copySelection(worked(), new Set())).toBeNull();
  });

  it('pastes with fresh ids, shifted, names marked as copies when taken, weights and fields kept', () => {
    const doc = worked();
    const parsed = parseClipboard(copySelection(doc, new Set(['x1', 'h1']))!);
    if (!parsed.ok) throw new Error(parsed.reason);
    const r = pasteContent(doc, parsed.content, { x: 48, y: 48 });
    if (!r.ok) throw new Error(r.reason);
    expect(r.nodeIds).toHaveLength(2);
    for (const id of r.nodeIds) expect(doc.nodes.some((n) => n.id === id)).toBe(false);
    const [nx, nh] = r.nodeIds.map((id) => r.doc.nodes.find((n) => n.id === id)!);
    expect(nx!.name).toBe('x1 copy');
    expect(nh).toMatchObject({ name: 'h1 copy', bias: 0.3, activation: 'relu' });
    const x1 = doc.nodes.find((n) => n.id === 'x1')!;
    expect(nx!.position).toEqual({ x: x1.position.x + 48, y: x1.position.y + 48 });
    const edge = r.doc.edges.find((e) => e.id === r.edgeIds[0]);
    expect(edge).toMatchObject({ source: nx!.id, target: nh!.id, weights: [0.5] });
  });

  it('pastes into another document keeping the names', () => {
    const parsed = parseClipboard(copySelection(worked(), new Set(['h1', 'h2', 'out']))!);
    if (!parsed.ok) throw new Error(parsed.reason);
    const r = pasteContent(emptyDocument(), parsed.content, { x: 0, y: 0 });
    if (!r.ok) throw new Error(r.reason);
    expect(r.doc.nodes.map((n) => n.name)).toEqual(['h1', 'h2', 'out']);
    expect(r.doc.edges.map((e) => e.weights)).toEqual([[1], [-1]]);
  });

  it.each([
    ['not JSON', 'hello'],
    ['another JSON', '{"a":1}'],
    ['a node of no known type', JSON.stringify({ format: 'netwright-selection', version: 1, nodes: [{ id: 'a', type: 'conv9d' }], edges: [] })],
  ])('refuses %s with a clear reason', (_what, text) => {
    const r = parseClipboard(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/clipboard holds no Netwright nodes|pasted node number 1 is not a valid node/);
  });

  it('refuses a pasted node whose fields the core rejects, naming it', () => {
    const content = { format: 'netwright-selection' as const, version: 1 as const, nodes: [{ ...worked().nodes[2]!, bias: 'big' } as unknown as NetworkNode], edges: [] };
    const r = pasteContent(emptyDocument(), content, { x: 0, y: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/Cannot paste "h1"/);
  });

  it('refuses to paste a copied connection the core refuses (a self-loop), with the reason', () => {
    const doc = worked();
    const content = { format: 'netwright-selection' as const, version: 1 as const, nodes: doc.nodes.filter((n) => n.id === 'x1'), edges: [{ id: 'e', source: 'x1', target: 'x1' }] };
    const r = pasteContent(doc, content, { x: 0, y: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/Cannot paste a connection/);
    expect(connect(doc, 'x1', 'x1').ok).toBe(false);
  });
});

describe('dragging a loose node onto an edge', () => {
  it('puts it into the connection', () => {
    const placed = mustPlace(spiral(), 'activation', { x: 0, y: 0 });
    const edge = placed.doc.edges.find((e) => e.source === 'hidden2' && e.target === 'last')!;
    const r = insertExistingOnEdge(placed.doc, placed.nodeId, edge.id);
    if (!r.ok) throw new Error(r.reason);
    expect(r.doc.edges.some((e) => e.id === edge.id)).toBe(false);
    expect(r.doc.edges.filter((e) => e.source === placed.nodeId || e.target === placed.nodeId).map((e) => `${e.source}>${e.target}`))
      .toEqual([`hidden2>${placed.nodeId}`, `${placed.nodeId}>last`]);
  });

  it('refuses a node that is already connected, and an Output, saying why', () => {
    const doc = spiral();
    const r = insertExistingOnEdge(doc, 'hidden2', doc.edges[0]!.id);
    expect(r).toEqual({ ok: false, reason: '"hidden2" is already connected: only a loose node can be dropped into a connection.' });
    const out = mustPlace(doc, 'output', { x: 0, y: 0 });
    const r2 = insertExistingOnEdge(out.doc, out.nodeId, doc.edges[2]!.id);
    expect(r2).toEqual({ ok: false, reason: 'An Output cannot go in the middle of a connection.' });
  });
});
