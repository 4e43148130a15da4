import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../../src/core/document';
import { removeEdges, setEdgeWeight, setNodeField } from '../../../src/core/edit';
import { findTemplate } from '../../../src/core/templates';
import type { TrainerCommand, TrainerEvent } from '../../../src/shared/protocol';
import { createEditor } from '../../../src/renderer/editor/context';
import { edit, load, undo } from '../../../src/renderer/editor/store';
import { emptyDocument } from '../../../src/core/document';
import type { TrainerClient } from '../../../src/renderer/trainer/client';
import { createTrainingStore, selectEdgeValue, selectNodeBias, type TrainingState } from '../../../src/renderer/training/store';
import { connectedTrainer, disposeAll, stores, until } from './harness';

afterEach(disposeAll);

const template = (id: string): NetworkDocument => findTemplate(id)!.build();

/** Frames drawn by hand: acks wait here until the test "draws" them. */
function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    afterFrame: (callback: () => void) => void queue.push(callback),
    draw() {
      const run = queue.splice(0);
      run.forEach((f) => f());
      return run.length;
    },
    get pending() {
      return queue.length;
    },
  };
}

function setupStore(doc: NetworkDocument, options: { historyCap?: number } = {}) {
  const conn = connectedTrainer();
  const editor = createEditor(doc);
  const frames = manualFrames();
  const training = createTrainingStore({ trainer: conn.trainer, editor, afterFrame: frames.afterFrame, ...options });
  stores.push(training);
  const state = (): TrainingState => training.getState();
  return { ...conn, editor, frames, training, state };
}

const acks = (sent: TrainerCommand[]) => sent.filter((c) => c.type === 'ack');
const loads = (sent: TrainerCommand[]) => sent.filter((c) => c.type === 'load');

describe('the training store', () => {
  it('loads the document when the trainer is ready and reports the trainer\'s layout and data', async () => {
    const { state, sent } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    expect(loads(sent)).toHaveLength(1);
    expect(state().loaded).toMatchObject({ task: 'binary', featureNames: ['x', 'y'], targetNames: ['label'] });
    // 8 input weights + 4 hidden biases + 4 output weights + 1 output bias
    expect(state().loaded!.layout.size).toBe(17);
  });

  it('says why it cannot train a document without data, and sends nothing', async () => {
    const doc = { ...template('xor'), data: { kind: 'none' as const } };
    const { state, sent } = setupStore(doc);
    await until(() => state().status.kind === 'idle' && state().status.kind !== 'loading', 'idle');
    await new Promise((r) => setTimeout(r, 20));
    expect(state().status).toEqual({ kind: 'idle', reason: 'Choose a data set in the Data tab to train.' });
    expect(loads(sent)).toHaveLength(0);
  });

  it('shows the trainer\'s data error with its row and column', async () => {
    const doc: NetworkDocument = {
      ...template('worked-example'),
      data: { kind: 'csv', fileName: 'bad.csv', text: 'x1,x2,y\n1,2,1\n3,oops,0\n', roles: { x1: 'feature', x2: 'feature', y: 'target' }, standardize: false, trainRatio: 1, seed: 1 },
    };
    const { state } = setupStore(doc);
    await until(() => state().status.kind === 'error', 'error');
    const status = state().status;
    expect(status.kind === 'error' && status.message).toMatch(/bad\.csv: .*row 3|Row 3/i);
    expect(status.kind === 'error' && status.message).toMatch(/x2/);
  });

  it('acknowledges a snapshot only after the frame that shows it, so the trainer sends no more meanwhile', async () => {
    const { state, sent, frames, training, received } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await until(() => frames.pending === 1, 'first snapshot');
    expect(acks(sent)).toHaveLength(0);
    await training.getState().play();
    // Running flat out, yet without an ack nothing more arrives.
    await new Promise((r) => setTimeout(r, 100));
    const snapshotsBefore = received.filter((e) => e.type === 'snapshot').length;
    expect(snapshotsBefore).toBe(1);
    expect(frames.draw()).toBe(1);
    expect(acks(sent)).toEqual([expect.objectContaining({ type: 'ack', snapshot: 1 })]);
    await until(() => received.filter((e) => e.type === 'snapshot').length === 2, 'second snapshot');
    await until(() => state().snapshot?.id === 2, 'stored');
    expect(state().snapshot!.step).toBeGreaterThan(0);
    await training.getState().pause();
  });

  it('keeps the chart history under its cap by thinning, never growing without bound', async () => {
    const cap = 40;
    const { state, frames, training } = setupStore(template('xor'), { historyCap: cap });
    await until(() => state().status.kind === 'ready', 'ready');
    let maxLength = 0;
    for (let i = 0; i < 150; i++) {
      await training.getState().step(1);
      await until(() => frames.pending > 0, `snapshot ${i}`);
      frames.draw();
      maxLength = Math.max(maxLength, state().history.step.length);
    }
    const { history } = state();
    expect(maxLength).toBeLessThanOrEqual(cap);
    expect(history.step.length).toBeGreaterThan(cap / 4);
    // Steps stay in order and the curve still reaches back to the start.
    expect([...history.step].sort((a, b) => a - b)).toEqual(history.step);
    expect(history.step[0]).toBeLessThanOrEqual(1);
    expect(history.trainLoss.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });

  it('on a graph edit, writes the trained weights into the document (no undo step) and reloads from them', async () => {
    const { state, frames, training, editor, sent } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    for (let i = 0; i < 30; i++) {
      await training.getState().step(5);
      await until(() => frames.pending > 0, 'snapshot');
      frames.draw();
    }
    await until(() => {
      frames.draw();
      return state().snapshot!.step === 150;
    }, 'the last step drawn');
    const trained = state().snapshot!;
    const e1 = selectEdgeValue(state(), 'e1')!;
    const h1Bias = selectNodeBias(state(), 'h1')!.values[0]!;
    expect(e1.values.length).toBe(1);
    const undoBefore = editor.document.temporal.getState().pastStates.length;

    // The user changes h1's activation: same shapes everywhere, so every trained value still fits.
    expect(edit(editor, (d) => setNodeField(d, 'h1', 'activation', 'relu'))).toBe(true);
    await until(() => loads(sent).length === 2 && state().status.kind === 'ready', 'reload');

    const doc = editor.document.getState().doc;
    expect(doc.nodes.find((n) => n.id === 'h1')).toMatchObject({ activation: 'relu', bias: h1Bias });
    expect(doc.edges.find((e) => e.id === 'e1')!.weights).toEqual([trained.params[state().loaded!.layout.edges.e1!.offset]]);
    expect(doc.edges.find((e) => e.id === 'e1')!.weights![0]).toBe(e1.values[0]);
    // One undo step (the user's edit), not two.
    expect(editor.document.temporal.getState().pastStates.length).toBe(undoBefore + 1);
    // The trainer was given those weights.
    const reload = loads(sent)[1] as Extract<TrainerCommand, { type: 'load' }>;
    expect((reload.document as NetworkDocument).edges.find((e) => e.id === 'e1')!.weights).toEqual(doc.edges.find((e) => e.id === 'e1')!.weights);
  });

  it('an edit made while training runs, then undone, gives back the trained network, not the untrained one', async () => {
    const { state, frames, training, editor, sent } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    const untrained = editor.document.getState().doc;
    await training.getState().play();
    await until(() => {
      frames.draw();
      return (state().snapshot?.step ?? 0) > 200;
    }, 'training under way');
    expect(state().status.kind).toBe('running');

    expect(edit(editor, (d) => setNodeField(d, 'h1', 'activation', 'relu'))).toBe(true);
    await until(() => loads(sent).length === 2 && state().status.kind === 'ready', 'reload');
    const edited = editor.document.getState().doc;
    const trainedE1 = edited.edges.find((e) => e.id === 'e1')!.weights;

    undo(editor);
    const undone = editor.document.getState().doc;
    expect(undone.nodes.find((n) => n.id === 'h1')).toMatchObject({ activation: 'tanh' });
    // The weights training reached before the edit, not those the document had before training.
    expect(undone.edges.find((e) => e.id === 'e1')!.weights).toEqual(trainedE1);
    expect(undone.edges.find((e) => e.id === 'e1')!.weights).not.toEqual(untrained.edges.find((e) => e.id === 'e1')!.weights);
  });

  it('keeps a weight the user typed rather than the trained one', async () => {
    const { state, frames, training, editor, sent } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await training.getState().step(50);
    // (A view change may bring a snapshot from the middle of the step: draw until the last one is in.)
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 50;
    }, 'step 50');
    expect(edit(editor, (d) => setEdgeWeight(d, 'e2', 0, 0.125))).toBe(true);
    await until(() => loads(sent).length === 2 && state().status.kind === 'ready', 'reload');
    const doc = editor.document.getState().doc;
    expect(doc.edges.find((e) => e.id === 'e2')!.weights).toEqual([0.125]);
    const e3 = state().loaded!.layout.edges.e3!;
    expect(doc.edges.find((e) => e.id === 'e3')!.weights).toHaveLength(e3.rows * e3.cols);
  });

  it('pauses and says why when an edit breaks the network, and trains on from the kept weights once it is fixed', async () => {
    const { state, training, editor, sent, received, frames } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await training.getState().play();
    await until(() => {
      frames.draw();
      return (state().snapshot?.step ?? 0) > 100;
    }, 'some training');
    const last = editor.document.getState().doc.edges.find((e) => e.target === 'output')!;
    expect(edit(editor, (d) => removeEdges(d, [last.id]))).toBe(true);
    await until(() => state().status.kind === 'idle', 'idle');
    const status = state().status;
    expect(status.kind === 'idle' && status.reason).toMatch(/^Fix the network first: /);
    // Paused at once (the status says so before the trainer's reply is in).
    expect(sent.some((c) => c.type === 'pause')).toBe(true);
    await until(() => received.some((e) => e.type === 'state' && e.reason === 'paused'), 'the trainer paused');

    // The broken network has no numbers of its own: none are shown.
    expect(state().snapshot).toBeNull();
    expect(state().history.step).toEqual([]);
    // Undo gives back exactly what the trainer has: no reload, training goes on from where it paused.
    undo(editor);
    await until(() => state().status.kind === 'ready' && state().snapshot !== null, 'ready again');
    // With its chart.
    expect(state().history.step.length).toBeGreaterThan(1);
    expect(loads(sent)).toHaveLength(1);
    const stepBefore = state().snapshot!.step;
    await training.getState().step(1);
    await until(() => {
      frames.draw();
      return state().snapshot!.step > stepBefore;
    }, 'the next step');
    expect(state().snapshot!.step).toBeGreaterThan(100);

    // A real fix (a different edit that makes it valid again) reloads, with the trained weights.
    expect(edit(editor, (d) => removeEdges(d, [last.id]))).toBe(true);
    await until(() => state().status.kind === 'idle', 'idle again');
    expect(edit(editor, (d) => ({ ...d, edges: [...d.edges, { ...last, id: 'e99' }] }))).toBe(true);
    await until(() => loads(sent).length === 2 && state().status.kind === 'ready', 'reloaded');
    const reload = loads(sent)[1] as Extract<TrainerCommand, { type: 'load' }>;
    const e1 = (reload.document as NetworkDocument).edges.find((e) => e.id === 'e1')!.weights;
    const layout = state().loaded!.layout;
    expect(e1).toHaveLength(1);
    expect(e1![0]).toBe(state().snapshot!.params[layout.edges.e1!.offset]);
  });

  it('after Reset, the document holds the reset weights, not the trained ones', async () => {
    const { state, frames, training, editor } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await training.getState().step(20);
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 20;
    }, 'step 20');
    await until(() => editor.document.getState().doc.edges.find((e) => e.id === 'e1')!.weights !== undefined, 'trained weights in the document');
    const trained = editor.document.getState().doc.edges.find((e) => e.id === 'e1')!.weights;

    await training.getState().reset();
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 0;
    }, 'the reset snapshot');
    const offset = state().loaded!.layout.edges.e1!.offset;
    const resetValue = state().snapshot!.params[offset];
    await until(() => editor.document.getState().doc.edges.find((e) => e.id === 'e1')!.weights?.[0] === resetValue, 'the document takes the reset weights');
    expect(editor.document.getState().doc.edges.find((e) => e.id === 'e1')!.weights).not.toEqual(trained);
  });

  it('does not reload when a node only moves', async () => {
    const { state, editor, sent } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    expect(edit(editor, (d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === 'h1' ? { ...n, position: { x: 500, y: 500 } } : n)) }))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(loads(sent)).toHaveLength(1);
  });

  it('sends a changed learning rate as a setup command, without reloading, also while running', async () => {
    const { state, training, sent, received } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await training.getState().play();
    training.getState().setSetup({ learningRate: 0.5 });
    await until(() => sent.some((c) => c.type === 'setup'), 'setup');
    expect(sent.find((c) => c.type === 'setup')).toMatchObject({ changes: { learningRate: 0.5 } });
    await until(() => received.some((e) => e.type === 'state' && e.reason === 'setup'), 'setup reply');
    const reply = received.find((e) => e.type === 'state' && e.reason === 'setup') as Extract<TrainerEvent, { type: 'state' }>;
    expect(reply.setup.learningRate).toBe(0.5);
    expect(reply.running).toBe(true);
    expect(loads(sent)).toHaveLength(1);
    await training.getState().pause();
  });

  it('stops after the requested number of epochs', async () => {
    const { state, training, frames } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    training.getState().setStopAfter(2);
    await training.getState().play();
    await until(() => {
      frames.draw();
      return state().status.kind === 'ready' && (state().snapshot?.epoch ?? 0) >= 2;
    }, 'two epochs');
    expect(state().snapshot!.epoch).toBe(2);
    expect(state().snapshot!.running).toBe(false);
  });

  it('loads the document again on a new trainer client (after a restart)', async () => {
    const first = setupStore(template('xor'));
    await until(() => first.state().status.kind === 'ready', 'ready');
    const second = connectedTrainer();
    const fresh: TrainerClient = second.client;
    first.trainer.setState({ client: null, connection: { status: 'gone', transport: 'worker', reason: 'crashed' } });
    expect(first.state().status.kind).toBe('idle');
    first.trainer.setState({ client: fresh, connection: { status: 'ready', transport: 'worker', protocolVersion: 1, host: 'memory' } });
    await until(() => first.state().status.kind === 'ready' && loads(second.sent).length === 1, 'reloaded on the new trainer');
    expect((loads(second.sent)[0] as Extract<TrainerCommand, { type: 'load' }>).document).toMatchObject({ name: 'XOR' });
  });

  it('New after training drops every number of the old run, disables Play, and trains nothing (item 2)', async () => {
    const { state, training, frames, sent, editor } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await training.getState().step(30);
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 30;
    }, 'step 30');
    load(editor, emptyDocument());
    expect(state().snapshot).toBeNull();
    expect(state().history.step).toEqual([]);
    expect(state().phase).toBe('empty');
    expect(state().controls.play).toBe(false);
    const starts = sent.filter((c) => c.type === 'start').length;
    await training.getState().play();
    await training.getState().step(5);
    expect(sent.filter((c) => c.type === 'start')).toHaveLength(starts);
    expect(sent.filter((c) => c.type === 'step')).toHaveLength(1);
  });

  it('Open of a file with the same graph gives the trainer the file, not the trained weights (item 2)', async () => {
    const { state, training, frames, sent, editor } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await training.getState().step(40);
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 40;
    }, 'step 40');
    await until(() => editor.document.getState().doc.edges[0]!.weights !== undefined, 'trained weights written in');
    const file = { ...template('xor'), edges: template('xor').edges.map((e) => (e.target === 'output' ? e : { ...e, weights: [0.25] })) };
    load(editor, file);
    await until(() => loads(sent).length === 2 && state().phase === 'ready', 'the file loaded');
    const sentDoc = (loads(sent)[1] as Extract<TrainerCommand, { type: 'load' }>).document as NetworkDocument;
    const weighted = (d: NetworkDocument) => d.edges.filter((e) => e.target !== 'output');
    expect(weighted(sentDoc).every((e) => e.weights?.[0] === 0.25)).toBe(true);
    expect(weighted(editor.document.getState().doc).every((e) => e.weights?.[0] === 0.25)).toBe(true);
    expect(state().snapshot?.step ?? 0).toBe(0);
  });

  it('Reset is one undo step: Undo gives the trained weights back, to the document and the trainer (item 3)', async () => {
    const { state, training, frames, sent, editor } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    await training.getState().step(60);
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 60;
    }, 'step 60');
    await until(() => editor.document.getState().doc.edges[0]!.weights !== undefined, 'trained weights written in');
    const trained = editor.document.getState().doc.edges.map((e) => e.weights);
    const trainedLoss = state().snapshot!.evaluation.trainLoss;
    const undoSteps = editor.document.temporal.getState().pastStates.length;
    await training.getState().reset();
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 0 && editor.document.temporal.getState().pastStates.length === undoSteps + 1;
    }, 'the reset written in as an undo step');
    expect(editor.document.getState().doc.edges.map((e) => e.weights)).not.toEqual(trained);
    undo(editor);
    expect(editor.document.getState().doc.edges.map((e) => e.weights)).toEqual(trained);
    await until(() => {
      frames.draw();
      return loads(sent).length === 2 && state().phase === 'ready' && state().snapshot !== null;
    }, 'the trainer has the trained weights again');
    const reloaded = (loads(sent)[1] as Extract<TrainerCommand, { type: 'load' }>).document as NetworkDocument;
    expect(reloaded.edges.map((e) => e.weights)).toEqual(trained);
    expect(state().snapshot!.evaluation.trainLoss).toBeCloseTo(trainedLoss, 5);
  });

  it('a stray neuron makes the network invalid: Play is disabled, says why, and nothing starts (item 5)', async () => {
    const { state, training, sent, editor } = setupStore(template('xor'));
    await until(() => state().status.kind === 'ready', 'ready');
    expect(edit(editor, (d) => ({ ...d, nodes: [...d.nodes, { id: 'stray', type: 'neuron', name: 'stray', position: { x: 0, y: 0 }, activation: 'tanh', bias: 0 }] }))).toBe(true);
    expect(state().phase).toBe('invalid');
    expect(state().controls.play).toBe(false);
    expect(state().status).toMatchObject({ kind: 'idle', reason: expect.stringMatching(/^Fix the network first: /) });
    await training.getState().play();
    expect(sent.filter((c) => c.type === 'start')).toHaveLength(0);
  });

  it('opening a file with a training history draws its curve and counts on from its last step (item 9)', async () => {
    const { state, frames, training, editor } = setupStore(emptyDocument());
    const doc: NetworkDocument = {
      ...template('xor'),
      history: { step: [0, 100, 400], trainLoss: [0.7, 0.5, 0.2], testLoss: [0.71, 0.52, 0.25], accuracy: [0.5, 0.7, 0.95] },
    };
    load(editor, doc);
    await until(() => {
      frames.draw();
      return state().phase === 'ready' || state().phase === 'paused';
    }, 'loaded');
    await until(() => state().snapshot !== null, 'the first snapshot');
    expect(state().snapshot!.step).toBe(400);
    // 400 steps of 10 rows over the XOR training split.
    expect(state().snapshot!.epoch).toBe(Math.floor((400 * doc.training.batchSize) / state().loaded!.trainSize));
    expect(state().history.step.slice(0, 3)).toEqual([0, 100, 400]);
    // The saved points, then the trainer's own measurement at step 400 in place of the saved one.
    expect(state().history.testAccuracy.slice(0, 2)).toEqual([0.5, 0.7]);
    expect(state().history.trainLoss[2]).toBe(state().snapshot!.evaluation.trainLoss);
    await training.getState().step(1);
    await until(() => {
      frames.draw();
      return state().snapshot?.step === 401;
    }, 'step 401');
    expect(state().history.step).toEqual([0, 100, 400, 401]);
  });

  it('opens the learning templates at the "watch" pace and others at "max", and tells the trainer (item 12)', async () => {
    const { state, sent, editor, training } = setupStore(template('spiral'));
    await until(() => state().status.kind === 'ready', 'ready');
    expect(state().pace).toBe('max');
    expect(sent.filter((c) => c.type === 'pace').at(-1)).toMatchObject({ stepsPerSecond: null });
    load(editor, template('xor'));
    expect(state().pace).toBe('watch');
    expect(sent.filter((c) => c.type === 'pace').at(-1)).toMatchObject({ stepsPerSecond: 60 });
    training.getState().setPace('fast');
    expect(sent.filter((c) => c.type === 'pace').at(-1)).toMatchObject({ stepsPerSecond: 1000 });
  });
});
