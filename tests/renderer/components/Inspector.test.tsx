import { UNITS } from '../../../src/core/limits';
import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import type { NetworkDocument } from '../../../src/core/document';
import { findTemplate } from '../../../src/core/templates';
import { Inspector } from '../../../src/renderer/components/Inspector';
import { NetworkStatus } from '../../../src/renderer/components/NetworkStatus';
import { AnalysisProvider } from '../../../src/renderer/editor/analysis';
import { EditorContext, createEditor, type Editor } from '../../../src/renderer/editor/context';
import { select } from '../../../src/renderer/editor/store';
import { validateDocument } from '../../../src/core/validate';

function renderInspector(doc: NetworkDocument) {
  const editor = createEditor(doc);
  render(
    <EditorContext.Provider value={editor}>
      <ReactFlowProvider>
        <AnalysisProvider>
          <Inspector />
          <footer aria-label="status"><NetworkStatus /></footer>
        </AnalysisProvider>
      </ReactFlowProvider>
    </EditorContext.Provider>,
  );
  return { editor, panel: screen.getByRole('complementary', { name: 'Inspector' }) };
}

const worked = () => findTemplate('worked-example')!.build();
const doc = (editor: Editor) => editor.document.getState().doc;

function type(field: HTMLElement, text: string) {
  fireEvent.focus(field);
  fireEvent.change(field, { target: { value: text } });
  fireEvent.keyDown(field, { key: 'Enter' });
}

describe('the inspector', () => {
  it('sets an edge’s weight as typed, and the output on the example moves at once', () => {
    const { editor, panel } = renderInspector(worked());
    act(() => select(editor, ['out']));
    expect(within(panel).getByTestId('inspector-a').textContent).toBe('0.4502');
    act(() => select(editor, [], ['e5']));
    const weight = within(panel).getByRole('textbox', { name: 'Weight' });
    expect((weight as HTMLInputElement).value).toBe('1');
    type(weight, '2');
    expect(doc(editor).edges.find((e) => e.id === 'e5')!.weights).toEqual([2]);
    act(() => select(editor, ['out']));
    // σ(2·0.2 − 0.9 + 0.5) = σ(0) = 0.5
    expect(within(panel).getByTestId('inspector-a').textContent).toBe('0.5');
  });

  it('keeps a value that is not a number in the field, says so, and changes nothing', () => {
    const { editor, panel } = renderInspector(worked());
    act(() => select(editor, ['h1']));
    const before = doc(editor);
    const bias = within(panel).getByRole('textbox', { name: 'Bias' });
    type(bias, 'abc');
    expect(within(panel).getByRole('alert').textContent).toBe('“abc” is not a number.');
    expect((bias as HTMLInputElement).value).toBe('abc');
    expect(doc(editor)).toBe(before);
  });

  it('accepts the typographic minus it prints itself: "−0.3" (U+2212) sets −0.3 (item 8)', () => {
    const { editor, panel } = renderInspector(worked());
    act(() => select(editor, ['h1']));
    type(within(panel).getByRole('textbox', { name: 'Bias' }), '\u22120.3');
    expect(within(panel).queryByRole('alert')).toBeNull();
    expect(doc(editor).nodes.find((n) => n.id === 'h1')).toMatchObject({ bias: -0.3 });
    act(() => select(editor, [], ['e5']));
    type(within(panel).getByRole('textbox', { name: 'Weight' }), '\u22122');
    expect(doc(editor).edges.find((e) => e.id === 'e5')!.weights).toEqual([-2]);
  });

  it('refuses out-of-range units with the range', () => {
    const { editor, panel } = renderInspector(findTemplate('spiral')!.build());
    act(() => select(editor, ['hidden1']));
    type(within(panel).getByRole('textbox', { name: 'Units' }), '0');
    // The inspector reads the core's one declared limit (src/core/limits.ts), the same the file format holds.
    expect(within(panel).getByRole('alert').textContent).toBe(`Units must be between ${UNITS.min} and ${UNITS.max}.`);
    type(within(panel).getByRole('textbox', { name: 'Units' }), '12');
    expect(doc(editor).nodes.find((n) => n.id === 'hidden1')).toMatchObject({ units: 12 });
  });

  it('changes an activation and a loss from their lists', () => {
    const { editor, panel } = renderInspector(worked());
    act(() => select(editor, ['h2']));
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Activation' }), { target: { value: 'tanh' } });
    expect(doc(editor).nodes.find((n) => n.id === 'h2')).toMatchObject({ activation: 'tanh' });
    act(() => select(editor, ['output']));
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Loss' }), { target: { value: 'binaryCrossEntropy' } });
    expect(doc(editor).nodes.find((n) => n.id === 'output')).toMatchObject({ loss: 'binaryCrossEntropy' });
  });

  it('edits the example input of an Input node without an undo step', () => {
    const { editor, panel } = renderInspector(worked());
    act(() => select(editor, ['x2']));
    type(within(panel).getByRole('textbox', { name: 'x2' }), '0');
    expect(editor.view.getState().exampleValues).toEqual({ x2: 0 });
    expect(editor.document.temporal.getState().pastStates).toHaveLength(0);
    act(() => select(editor, ['h2']));
    // h2 = relu(0.2·1 + 0.4·0 − 0.1) = 0.1
    expect(within(panel).getByTestId('inspector-a').textContent).toBe('0.1');
  });

  it('lists the core’s problems; clicking one selects the nodes it is about', () => {
    const base = worked();
    const { editor, panel } = renderInspector({ ...base, edges: base.edges.filter((e) => e.target !== 'h2') });
    const problems = within(panel).getByRole('region', { name: 'Problems' });
    const item = within(problems).getByText(/"h2" has no input/);
    fireEvent.click(item);
    expect([...editor.view.getState().selectedNodes]).toEqual(['h2']);
  });

  it('shows the core’s parameter count, memory and validation state in the status bar', () => {
    const d = worked();
    renderInspector(d);
    const report = validateDocument(d);
    const status = screen.getByRole('contentinfo', { name: 'status' });
    expect(within(status).getByTestId('parameter-count').textContent).toBe(`${report.parameterCount} parameters`);
    expect(status.textContent).toContain('36 B fp32 / 24 B fp16 / 33 B int8');
    expect(within(status).getByTestId('validation-state').textContent).toMatch(/valid/);
  });

  it('offers to collapse several selected neurons into a layer', () => {
    const { editor, panel } = renderInspector(worked());
    act(() => select(editor, ['h1', 'h2']));
    fireEvent.click(within(panel).getByRole('button', { name: /Collapse into a layer/ }));
    const dense = doc(editor).nodes.filter((n) => n.type === 'dense');
    expect(dense).toHaveLength(1);
    expect(dense[0]).toMatchObject({ units: 2, activation: 'relu', bias: [0.3, -0.1] });
  });
});
