import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { loadDataset } from '../../../src/core/data';
import { OutputView } from '../../../src/renderer/kinds/output';
import { exampleFromRow } from '../../../src/renderer/editor/exampleTarget';
import { ReactFlowProvider } from '@xyflow/react';
import type { DataReference, NetworkDocument } from '../../../src/core/document';
import { emptyDocument } from '../../../src/core/document';
import { findTemplate } from '../../../src/core/templates';
import { Inspector } from '../../../src/renderer/components/Inspector';
import { AnalysisProvider, useAnalysis } from '../../../src/renderer/editor/analysis';
import { EditorContext, createEditor, type Editor } from '../../../src/renderer/editor/context';
import { BindOffer } from '../../../src/renderer/editor/dataBinding';
import { select, undo } from '../../../src/renderer/editor/store';

const xorData = (features?: string[]): DataReference =>
  ({ kind: 'builtin', name: 'xor', noise: 0, trainRatio: 0.8, seed: 1, samples: 100, ...(features ? { features } : {}) }) as DataReference;
const doc = (editor: Editor) => editor.document.getState().doc;
const inputs = (d: NetworkDocument) => d.nodes.filter((n) => n.type === 'input').map((n) => (n.type === 'input' ? n.features : []));

function renderWith(editor: Editor, children: React.ReactNode) {
  render(
    <EditorContext.Provider value={editor}>
      <ReactFlowProvider>
        <AnalysisProvider>{children}</AnalysisProvider>
      </ReactFlowProvider>
    </EditorContext.Provider>,
  );
}

describe('a new Input reads the next feature of the data', () => {
  it('on an empty canvas bound to XOR: x, then y, then (all read) its own name', () => {
    const editor = createEditor({ ...emptyDocument(), data: xorData() });
    editor.actions.place('input', { x: 0, y: 0 });
    editor.actions.place('input', { x: 0, y: 200 });
    expect(inputs(doc(editor))).toEqual([['x'], ['y']]);
    expect(doc(editor).nodes.map((n) => n.name)).toEqual(['x', 'y']);
    editor.actions.place('input', { x: 0, y: 400 });
    const third = doc(editor).nodes[2]!;
    expect(third.type === 'input' && third.features).toEqual([third.id]);
    // Each add is one undo step.
    undo(editor);
    expect(doc(editor).nodes).toHaveLength(2);
  });

  it('with engineered features chosen, the next unused one, shown by its label', () => {
    const editor = createEditor({ ...findTemplate('xor')!.build(), data: xorData(['x', 'y', 'xy']) });
    editor.actions.place('input', { x: 0, y: 0 });
    const added = doc(editor).nodes.at(-1)!;
    expect(added.type === 'input' && added.features).toEqual(['xy']);
    expect(added.name).toBe('x·y');
  });
});

describe('each Input picks its feature from a menu of the data’s', () => {
  it('lists the data’s features (by label) and the current one if the data lacks it; a pick is one undo step', () => {
    const editor = createEditor({ ...findTemplate('worked-example')!.build(), data: xorData(['x', 'y', 'x2']) });
    select(editor, ['x1']);
    renderWith(editor, <Inspector />);
    const menu = within(screen.getByRole('region', { name: 'Data features' })).getByRole('combobox', { name: 'Feature' });
    expect([...(menu as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['x1 (not in the data)', 'x', 'y', 'x²']);
    const before = doc(editor);
    fireEvent.change(menu, { target: { value: 'x2' } });
    expect(inputs(doc(editor))).toEqual([['x2'], ['x2']]);
    undo(editor);
    expect(doc(editor)).toBe(before);
  });
});

describe('"Bind inputs to …" when the data changes', () => {
  it('binds the worked example to XOR in one click (one undo step), then offers nothing', () => {
    const editor = createEditor({ ...findTemplate('worked-example')!.build(), data: xorData() });
    renderWith(editor, <BindOffer />);
    const before = doc(editor);
    const offer = screen.getByRole('group', { name: 'Bind to the data' });
    expect(offer.textContent).toContain('The network reads “x1”, “x2”, “y”; the data has “x”, “y”, “label”.');
    fireEvent.click(within(offer).getByRole('button', { name: 'Bind inputs to x, y and the target to label' }));
    expect(inputs(doc(editor))).toEqual([['x'], ['y']]);
    expect(doc(editor).nodes.find((n) => n.type === 'output')).toMatchObject({ targets: ['label'] });
    expect(screen.queryByRole('group', { name: 'Bind to the data' })).toBeNull();
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
    undo(editor);
    expect(doc(editor)).toBe(before);
  });

  it('offers nothing when the network already reads the data’s features', () => {
    const editor = createEditor(findTemplate('xor')!.build());
    renderWith(editor, <BindOffer />);
    expect(screen.queryByRole('group', { name: 'Bind to the data' })).toBeNull();
  });
});

describe('"x²" typed in an Input’s Features', () => {
  it('is accepted and stored as the data’s own column (x2); a name the data lacks is kept as typed', () => {
    const editor = createEditor({ ...findTemplate('xor')!.build(), data: xorData(['x', 'y', 'x2', 'sinx']) });
    select(editor, ['x']);
    renderWith(editor, <Inspector />);
    const field = screen.getByRole('textbox', { name: 'Features' });
    fireEvent.focus(field);
    fireEvent.change(field, { target: { value: 'x², sin x' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(inputs(doc(editor))[0]).toEqual(['x2', 'sinx']);
    fireEvent.focus(field);
    fireEvent.change(field, { target: { value: 'petal' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(inputs(doc(editor))[0]).toEqual(['petal']);
  });
});

describe('the Output shows the example’s true target, from the data', () => {
  it('the worked example’s x = (1, 2) is the data’s row: the Output shows its target 1', () => {
    const editor = createEditor(findTemplate('worked-example')!.build());
    renderWith(editor, <Probe />);
    expect(screen.getByTestId('probe').textContent).toBe('train row 0: 1');
  });

  it('a row picked from XOR’s data: its features become the example, and the target is the row’s label', () => {
    const editor = createEditor(findTemplate('xor')!.build());
    renderWith(editor, <Probe />);
    // Typed by hand (1, 2): no row of the data, so no target.
    expect(screen.getByTestId('probe').textContent).toBe('none');
    const values = exampleFromRow(doc(editor), 4)!;
    act(() => editor.view.setState({ exampleValues: values }));
    const built = loadDataset(doc(editor).data);
    if (!built.ok) throw new Error(built.message);
    const label = built.dataset.train.y[4]! >= 0.5 ? '1' : '0';
    expect(screen.getByTestId('probe').textContent).toBe(`train row 4: ${label}`);
    expect(values).toEqual({ x: built.dataset.train.x[8], y: built.dataset.train.x[9] });
  });

  it('the Output node draws that target', () => {
    const editor = createEditor(findTemplate('worked-example')!.build());
    renderWith(editor, <OutputView {...({ id: 'output', data: { node: doc(editor).nodes.find((n) => n.type === 'output')!, problems: [], values: null }, selected: false } as unknown as Parameters<typeof OutputView>[0])} />);
    expect(screen.getByTestId('node-target').textContent).toBe('true1');
  });
});

function Probe() {
  const { target } = useAnalysis();
  return <span data-testid="probe">{target ? `${target.split} row ${target.row}: ${target.label ?? target.values.join(',')}` : 'none'}</span>;
}
