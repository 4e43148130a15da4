import { describe, expect, it } from 'vitest';
import { findTemplate } from '../../../src/core/templates';
import { connectCandidates } from '../../../src/renderer/editor/connectTo';
import { createEditor } from '../../../src/renderer/editor/context';
import { select, undo } from '../../../src/renderer/editor/store';
import { shortcutFor } from '../../../src/renderer/editor/shortcuts';

const xor = () => findTemplate('xor')!.build();

describe('connect the selected node to another by name (C)', () => {
  it('C is the connect shortcut; Ctrl+C stays copy', () => {
    const key = { key: 'c', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false };
    expect(shortcutFor(key)).toBe('connect');
    expect(shortcutFor({ ...key, ctrlKey: true })).toBe('copy');
  });

  it('lists nodes whose name starts with the query first, accepted targets before refused ones, each refusal with its reason', () => {
    const doc = xor();
    const all = connectCandidates(doc, 'x', '');
    expect(all.map((c) => c.id)).not.toContain('x');
    // Into h1..h4 it is already connected; out and output take it; y is an Input (refused).
    const accepted = all.filter((c) => c.ok).map((c) => c.id);
    expect(accepted).toEqual(['out']);
    const refused = all.filter((c) => !c.ok);
    expect(refused.map((c) => c.id)).toEqual(['y', 'h1', 'h2', 'h3', 'h4', 'output']);
    expect(refused.find((c) => c.id === 'y')!.reason).toMatch(/is an Input/);
    expect(refused.find((c) => c.id === 'h1')!.reason).toMatch(/already connected/);
    expect(all.indexOf(all.find((c) => c.ok)!)).toBe(0);

    expect(connectCandidates(doc, 'h1', 'ou').map((c) => c.id)).toEqual(['out', 'output']);
    expect(connectCandidates(doc, 'h1', 'OUTP').map((c) => c.id)).toEqual(['output']);
    // "ut" is inside "out" and "output": contained matches are still offered.
    expect(connectCandidates(doc, 'h1', 'ut').map((c) => c.id)).toEqual(['out', 'output']);
    expect(connectCandidates(doc, 'h1', 'zzz')).toEqual([]);
  });

  it('connectTo is one undo step; a refused target changes nothing and says why', () => {
    const editor = createEditor(xor());
    const before = editor.document.getState().doc;
    expect(editor.actions.connectTo('x', 'out')).toBe(true);
    const after = editor.document.getState().doc;
    expect(after.edges.length).toBe(before.edges.length + 1);
    expect(after.edges.at(-1)).toMatchObject({ source: 'x', target: 'out' });
    expect(editor.view.getState().selectedEdges.has(after.edges.at(-1)!.id)).toBe(true);
    undo(editor);
    expect(editor.document.getState().doc).toBe(before);

    expect(editor.actions.connectTo('x', 'y')).toBe(false);
    expect(editor.document.getState().doc).toBe(before);
    expect(editor.view.getState().notice?.text).toMatch(/"y" is an Input/);
  });

  it('opens only with exactly one node selected, and says so otherwise', () => {
    const editor = createEditor(xor());
    editor.actions.openConnect();
    expect(editor.view.getState().connectOpen).toBe(false);
    expect(editor.view.getState().notice?.text).toMatch(/Select one node, then press C/);
    select(editor, ['x']);
    editor.actions.openConnect();
    expect(editor.view.getState().connectOpen).toBe(true);
  });
});

describe('a palette add at the centre of the view', () => {
  it('puts the node’s middle on the point once its size is known, in the same undo step as the add', () => {
    const editor = createEditor(xor());
    const before = editor.document.getState().doc;
    expect(editor.actions.placeCentred('neuron', { x: 500, y: 300 })).toBe(true);
    const id = [...editor.view.getState().selectedNodes][0]!;
    expect(editor.view.getState().centreOnMeasure).toEqual({ id, at: { x: 500, y: 300 } });
    // Not measured yet: nothing moves.
    editor.actions.centreMeasured(() => undefined);
    editor.actions.centreMeasured((n) => (n === id ? { width: 150, height: 97 } : undefined));
    const placed = editor.document.getState().doc.nodes.find((n) => n.id === id)!;
    expect(placed.position).toEqual({ x: 425, y: 252 });
    expect(editor.view.getState().centreOnMeasure).toBeNull();
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
    undo(editor);
    expect(editor.document.getState().doc).toBe(before);
  });
});
