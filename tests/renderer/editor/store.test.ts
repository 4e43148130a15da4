import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../../../src/core/document';
import { setEdgeWeight, setNodeField } from '../../../src/core/edit';
import { MAX_EDGES, MAX_NODES } from '../../../src/core/limits';
import { findTemplate } from '../../../src/core/templates';
import { createEditor } from '../../../src/renderer/editor/context';
import { continuousEdit, edit, load, redo, select, undo } from '../../../src/renderer/editor/store';

const worked = () => findTemplate('worked-example')!.build();

describe('the document store', () => {
  it('applies an edit as one undo step, and undo/redo restore the exact document objects', () => {
    const editor = createEditor(worked());
    const d0 = editor.document.getState().doc;
    expect(edit(editor, (d) => setNodeField(d, 'h1', 'bias', 1))).toBe(true);
    const d1 = editor.document.getState().doc;
    expect(edit(editor, (d) => setEdgeWeight(d, 'e1', 0, 2))).toBe(true);
    const d2 = editor.document.getState().doc;
    undo(editor);
    expect(editor.document.getState().doc).toBe(d1);
    undo(editor);
    expect(editor.document.getState().doc).toBe(d0);
    redo(editor);
    redo(editor);
    expect(editor.document.getState().doc).toBe(d2);
  });

  it('shows a refused edit’s reason and records nothing', () => {
    const editor = createEditor(worked());
    expect(edit(editor, (d) => setNodeField(d, 'h1', 'bias', 'a lot'))).toBe(false);
    expect(editor.view.getState().notice).toMatchObject({ kind: 'refused', text: expect.stringContaining('"h1"') });
    expect(editor.document.temporal.getState().pastStates).toHaveLength(0);
  });

  it('refuses an edit that grows the network past the node limit, with the figures', () => {
    const editor = createEditor(worked());
    const grow = (d: ReturnType<typeof worked>, n: number) => ({ ...d, nodes: [...d.nodes, ...Array.from({ length: n }, (_, i) => ({ ...d.nodes[1]!, id: `x${i}` }))] });
    const size = editor.document.getState().doc.nodes.length;
    expect(edit(editor, (d) => grow(d, MAX_NODES - size))).toBe(true);
    expect(edit(editor, (d) => grow(d, 1))).toBe(false);
    expect(editor.view.getState().notice).toMatchObject({ kind: 'refused', text: `This would make ${(MAX_NODES + 1).toLocaleString('en-US')} nodes; Netwright opens networks of at most ${MAX_NODES.toLocaleString('en-US')} nodes and ${MAX_EDGES.toLocaleString('en-US')} connections.` });
    expect(editor.document.getState().doc.nodes).toHaveLength(MAX_NODES);
  });

  it('records nothing for an edit with nothing to do', () => {
    const editor = createEditor(worked());
    expect(edit(editor, () => null)).toBe(false);
    expect(edit(editor, (d) => d)).toBe(false);
    expect(editor.document.temporal.getState().pastStates).toHaveLength(0);
  });

  it('makes a continuous change (scrubbing a weight) one undo step', () => {
    const editor = createEditor(worked());
    const d0 = editor.document.getState().doc;
    const scrub = continuousEdit(editor);
    scrub.begin();
    for (const w of [0.6, 0.7, 0.8, 0.9]) scrub.update((d) => setEdgeWeight(d, 'e1', 0, w));
    expect(editor.document.getState().doc.edges[0]!.weights).toEqual([0.9]);
    scrub.end();
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
    undo(editor);
    expect(editor.document.getState().doc).toBe(d0);
  });

  it('loads a document without an undo step, clearing history and selection', () => {
    const editor = createEditor(worked());
    edit(editor, (d) => setNodeField(d, 'h1', 'bias', 1));
    select(editor, ['h1']);
    load(editor, emptyDocument('Fresh'));
    expect(editor.document.getState().doc.name).toBe('Fresh');
    expect(editor.document.temporal.getState().pastStates).toHaveLength(0);
    expect(editor.view.getState().selectedNodes.size).toBe(0);
    undo(editor);
    expect(editor.document.getState().doc.name).toBe('Fresh');
  });

  it('drops selected ids that undo removed', () => {
    const editor = createEditor(worked());
    editor.actions.place('neuron', { x: 0, y: 0 });
    const placed = [...editor.view.getState().selectedNodes];
    expect(placed).toHaveLength(1);
    undo(editor);
    expect(editor.view.getState().selectedNodes.size).toBe(0);
  });
});

describe('editor actions', () => {
  it('deletes the selection in one step', () => {
    const editor = createEditor(worked());
    select(editor, ['h1'], ['e4']);
    editor.actions.deleteSelection();
    const doc = editor.document.getState().doc;
    expect(doc.nodes.some((n) => n.id === 'h1')).toBe(false);
    expect(doc.edges.some((e) => e.id === 'e4')).toBe(false);
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
    expect(editor.view.getState().selectedNodes.size).toBe(0);
  });

  it('copies, then pastes twice with distinct ids, selecting what it pasted', () => {
    const editor = createEditor(worked());
    select(editor, ['h1', 'h2']);
    expect(editor.actions.copy()).not.toBeNull();
    expect(editor.actions.paste()).toBe(true);
    const first = [...editor.view.getState().selectedNodes];
    expect(editor.actions.paste()).toBe(true);
    const second = [...editor.view.getState().selectedNodes];
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect(new Set([...first, ...second]).size).toBe(4);
    expect(editor.document.getState().doc.nodes).toHaveLength(10);
  });

  it('pastes the app’s own copy when the system clipboard holds something else', () => {
    const editor = createEditor(worked());
    select(editor, ['out']);
    editor.actions.copy();
    expect(editor.actions.paste('some text from elsewhere')).toBe(true);
    expect(editor.document.getState().doc.nodes.filter((n) => n.name === 'out copy')).toHaveLength(1);
  });

  it('expands the selected Dense and collapses the selected neurons back, weights bit for bit', () => {
    const editor = createEditor(findTemplate('spiral')!.build());
    editor.actions.initialiseWeights();
    const initialised = editor.document.getState().doc;
    select(editor, ['hidden2']);
    editor.actions.expandOrCollapse();
    const expanded = editor.document.getState().doc;
    expect(expanded.nodes.filter((n) => n.type === 'neuron')).toHaveLength(8);
    expect(editor.view.getState().selectedNodes.size).toBe(8);
    editor.actions.expandOrCollapse();
    const collapsed = editor.document.getState().doc;
    const dense = collapsed.nodes.find((n) => n.type === 'dense' && !['hidden1', 'last'].includes(n.id))!;
    const weightsInto = (doc: typeof collapsed, id: string) => doc.edges.filter((e) => e.target === id).map((e) => e.weights);
    expect(weightsInto(collapsed, dense.id)).toEqual(weightsInto(initialised, 'hidden2'));
    expect(dense).toMatchObject({ units: 8, activation: 'tanh', bias: (initialised.nodes.find((n) => n.id === 'hidden2') as { bias: number[] }).bias });
  });

  it('says what to select when expand/collapse has nothing to work on', () => {
    const editor = createEditor(worked());
    select(editor, ['x1']);
    editor.actions.expandOrCollapse();
    expect(editor.view.getState().notice?.text).toMatch(/Select a Dense layer/);
  });

  it('lays the network out left to right in one undo step', async () => {
    const doc = worked();
    const scrambled = { ...doc, nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: (i * 7919) % 300, y: (i * 104729) % 500 } })) };
    const editor = createEditor(scrambled);
    expect(await editor.actions.autoLayout(() => ({ width: 100, height: 80 }), 16)).toBe(true);
    const at = Object.fromEntries(editor.document.getState().doc.nodes.map((n) => [n.id, n.position]));
    expect(at['x1']!.x).toBeLessThan(at['h1']!.x);
    expect(at['h1']!.x).toBeLessThan(at['out']!.x);
    expect(at['out']!.x).toBeLessThan(at['output']!.x);
    expect(at['h1']!.x).toBe(at['h2']!.x);
    for (const p of Object.values(at)) expect([p.x % 16, p.y % 16]).toEqual([0, 0]);
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
  });
});

describe('duplicate and a drop onto an edge', () => {
  it('duplicates the selection as one step, beside the original', () => {
    const editor = createEditor(worked());
    select(editor, ['h1']);
    editor.actions.duplicate();
    const doc = editor.document.getState().doc;
    const copy = doc.nodes.find((n) => n.name === 'h1 copy')!;
    const h1 = doc.nodes.find((n) => n.id === 'h1')!;
    expect(copy.position).toEqual({ x: h1.position.x + 48, y: h1.position.y + 48 });
    expect([...editor.view.getState().selectedNodes]).toEqual([copy.id]);
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
  });

  it('records a drag that ends on an edge as one step: the move and the insertion', () => {
    const editor = createEditor(findTemplate('spiral')!.build());
    editor.actions.place('dropout', { x: 0, y: 0 });
    const id = [...editor.view.getState().selectedNodes][0]!;
    const edge = editor.document.getState().doc.edges.find((e) => e.source === 'hidden1')!;
    editor.actions.commitPositions({ [id]: { x: 320, y: 16 } }, { nodeId: id, edgeId: edge.id });
    const doc = editor.document.getState().doc;
    expect(doc.nodes.find((n) => n.id === id)!.position).toEqual({ x: 320, y: 16 });
    expect(doc.edges.some((e) => e.source === 'hidden1' && e.target === id)).toBe(true);
    expect(editor.document.temporal.getState().pastStates).toHaveLength(2);
    undo(editor);
    expect(editor.document.getState().doc.edges.some((e) => e.id === edge.id)).toBe(true);
    expect(editor.document.getState().doc.nodes.find((n) => n.id === id)!.position).not.toEqual({ x: 320, y: 16 });
  });
});
