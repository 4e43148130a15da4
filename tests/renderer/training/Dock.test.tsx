import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { NetworkDocument } from '../../../src/core/document';
import { findTemplate } from '../../../src/core/templates';
import { EditorContext, createEditor } from '../../../src/renderer/editor/context';
import { Dock } from '../../../src/renderer/training/Dock';
import { TrainingStoreContext, createTrainingStore } from '../../../src/renderer/training/store';
import { connectedTrainer, disposeAll, stores, until } from './harness';

afterEach(disposeAll);

const template = (id: string): NetworkDocument => findTemplate(id)!.build();

function renderDock(doc: NetworkDocument) {
  const conn = connectedTrainer();
  const editor = createEditor(doc);
  const training = createTrainingStore({ trainer: conn.trainer, editor, afterFrame: (f) => setTimeout(f, 0) });
  stores.push(training);
  render(
    <EditorContext.Provider value={editor}>
      <TrainingStoreContext.Provider value={training}>
        <Dock />
      </TrainingStoreContext.Provider>
    </EditorContext.Provider>,
  );
  return { ...conn, editor, training };
}

describe('the training dock', () => {
  it('names a CSV\'s input columns as written (a column "x2" is not the engineered feature x²)', async () => {
    const { training } = renderDock(template('worked-example'));
    await act(() => until(() => training.getState().loaded !== null, 'loaded'));
    const line = screen.getByText(/train · \d+ test · inputs/);
    expect(line.textContent).toContain('inputs x1, x2');
    expect(line.textContent).not.toContain('x²');
  });

  it('labels engineered plane features with their formulas', async () => {
    const doc = template('spiral');
    const data = doc.data.kind === 'builtin' ? { ...doc.data, features: ['x', 'y', 'x2'] } : doc.data;
    const spiral = { ...doc, data, nodes: [...doc.nodes.map((n) => (n.type === 'input' && n.features.includes('y') ? { ...n, features: [...n.features, 'x2'] } : n))] };
    const { training } = renderDock(spiral);
    await act(() => until(() => training.getState().loaded !== null, 'loaded'));
    expect(screen.getByText(/train · \d+ test · inputs/).textContent).toContain('inputs x, y, x²');
  });

  it('shows the trainer\'s own step and losses in the live line', async () => {
    const { training } = renderDock(template('xor'));
    await act(() => until(() => training.getState().status.kind === 'ready' && training.getState().snapshot !== null, 'loaded'));
    await act(async () => {
      await training.getState().step(7);
      await until(() => training.getState().snapshot?.step === 7, 'step 7');
    });
    const snapshot = training.getState().snapshot!;
    expect(screen.getByTestId('live-step').textContent).toBe('step 7');
    expect(Number(screen.getByTestId('test-loss').getAttribute('data-value'))).toBe(snapshot.evaluation.testLoss);
    expect(Number(screen.getByTestId('train-loss').getAttribute('data-value'))).toBe(snapshot.evaluation.trainLoss);
    // The confusion matrix counts every test example once.
    const matrix = screen.getByRole('figure', { name: 'Confusion matrix' });
    const cells = within(matrix).getAllByRole('cell').map((c) => Number(c.textContent));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(training.getState().loaded!.testSize);
  });

  it('says what diverged, that the last good weights are kept, and offers a 10× lower learning rate', async () => {
    const doc = template('xor');
    const { training, editor, sent } = renderDock({ ...doc, training: { ...doc.training, learningRate: 1e6 } });
    await act(() => until(() => training.getState().status.kind === 'ready', 'loaded'));
    await act(async () => {
      await training.getState().play();
      await until(() => training.getState().divergence !== null, 'divergence');
    });
    const message = screen.getByLabelText('Divergence');
    expect(message.textContent).toMatch(/Training diverged at step \d+/);
    expect(message.textContent).toMatch(/The weights are those of step \d+/);
    await act(async () => {
      fireEvent.click(within(message).getByRole('button', { name: 'Lower learning rate to 100000' }));
      await until(() => sent.some((c) => c.type === 'setup'), 'setup');
    });
    expect(editor.document.getState().doc.training.learningRate).toBe(100000);
    expect(sent.find((c) => c.type === 'setup')).toMatchObject({ changes: { learningRate: 100000 } });
  });

  it('after a divergence offers the last rate that trained well, not a tenth of the one that exploded, and shows the new rate at once (item 6)', async () => {
    const { training, sent } = renderDock(template('xor'));
    await act(() => until(() => training.getState().status.kind === 'ready', 'loaded'));
    await act(async () => {
      await training.getState().step(40);
      await until(() => (training.getState().snapshot?.step ?? 0) === 40, 'trained at 0.03');
    });
    await act(async () => {
      training.getState().setSetup({ learningRate: 1e9 });
      await until(() => sent.some((c) => c.type === 'setup'), 'setup');
      await training.getState().play();
      await until(() => training.getState().divergence !== null, 'divergence');
    });
    const message = screen.getByLabelText('Divergence');
    expect(message.textContent).toMatch(/learning rate 1000000000 is too high; try 0\.03/);
    await act(async () => {
      fireEvent.click(within(message).getByRole('button', { name: 'Lower learning rate to 0.03' }));
      await until(() => screen.queryByTestId('live-lr')?.textContent === 'lr 0.03', 'the dock shows the new rate');
    });
    expect(screen.getByTestId('live-lr').textContent).toBe('lr 0.03');
  });

  it('lists a CSV\'s problems with their row and column, and keeps the data set it had', async () => {
    const { editor } = renderDock(template('worked-example'));
    const before = editor.document.getState().doc.data;
    const file = new File(['x1,x2,y\n1,2,1\n3,oops,0\n4,5,\n'], 'bad.csv', { type: 'text/csv' });
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Import CSV file'), { target: { files: [file] } });
      await until(() => screen.queryByRole('combobox', { name: 'Target column' }) !== null, 'the column picker');
    });
    const target = screen.getByRole('combobox', { name: 'Target column' }) as HTMLSelectElement;
    expect(target.value).toBe('y');
    fireEvent.change(target, { target: { value: 'y' } });
    fireEvent.click(screen.getByRole('button', { name: 'Use this data' }));
    const problems = screen.getByRole('list', { name: 'CSV problems' });
    const text = problems.textContent ?? '';
    expect(text).toMatch(/row 3/);
    expect(text).toMatch(/column “x2”/);
    expect(editor.document.getState().doc.data).toBe(before);
  });

  it('switches to another built-in data set as one undoable edit', async () => {
    const { editor } = renderDock(template('xor'));
    fireEvent.change(screen.getByRole('combobox', { name: 'Data set' }), { target: { value: 'circle' } });
    expect(editor.document.getState().doc.data).toMatchObject({ kind: 'builtin', name: 'circle', trainRatio: 0.8, features: ['x', 'y'] });
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
  });
});

describe('feature toggles in the data panel (issue 10 item 11)', () => {
  it('ticking x² adds an Input for it wired into the first layer, unticking removes it: one undo step each', () => {
    const { editor } = renderDock(template('xor'));
    const doc = () => editor.document.getState().doc;
    const start = doc();
    const square = screen.getByRole('checkbox', { name: 'Feature x²' });
    fireEvent.click(square);
    const added = doc().nodes.find((n) => n.type === 'input' && n.features.includes('x2'))!;
    expect(added.name).toBe('x²');
    expect(doc().edges.filter((e) => e.source === added.id).map((e) => e.target)).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(editor.document.temporal.getState().pastStates).toHaveLength(1);
    expect((screen.getByRole('checkbox', { name: 'Feature x²' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Feature x²' }));
    expect(doc().nodes).toEqual(start.nodes);
    expect(editor.document.temporal.getState().pastStates).toHaveLength(2);
    editor.document.temporal.getState().undo();
    expect(doc().nodes.some((n) => n.id === added.id)).toBe(true);
    editor.document.temporal.getState().undo();
    expect(doc()).toBe(start);
  });
});
