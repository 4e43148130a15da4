/**
 * The loss-trend and divergence checks (lessons 6 and 7): their semantics on hand-made epoch lists, and the shipped
 * lessons' checks against the core's real training sessions (the numbers the trainer reports).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/core/data';
import type { NetworkDocument } from '../../../src/core/document';
import { evaluateCheck, parseLesson, stepDocument, type Condition, type Lesson, type LessonContext, type LessonTrainerState } from '../../../src/core/lessons';
import { createTrainingSession } from '../../../src/core/train';

const LESSON_DIR = join(__dirname, '../../../examples/lessons');
function lesson(file: string): Lesson {
  const r = parseLesson(readFileSync(join(LESSON_DIR, file), 'utf8'));
  if (!r.ok) throw new Error(r.message);
  return r.lesson;
}
function docOf(l: Lesson, step: number): NetworkDocument {
  const r = stepDocument(l.steps[step]!);
  if (!r.ok) throw new Error(r.message);
  return r.doc;
}

const trainer = (over: Partial<LessonTrainerState> = {}): LessonTrainerState => ({
  step: 10, epoch: 0, trainLoss: 0.5, testLoss: null, accuracy: 0.5, state: 'paused', ...over,
});
const epochs = (losses: number[], from = 0) => losses.map((trainLoss, i) => ({ epoch: from + i, trainLoss }));
const ctx = (doc: NetworkDocument, t: LessonTrainerState | null): LessonContext => ({ doc, baseline: null, answer: null, selectedEdges: [], explainOpen: false, trainer: t });

describe('falling and plateau', () => {
  const doc = docOf(lesson('07-why-hidden-layers.nwlesson'), 0);
  const falling: Condition = { falling: { epochs: 3 } };
  const plateau: Condition = { plateau: { epochs: 3, within: 0.02 } };

  it('too few epochs fail and say how many there are', () => {
    expect(evaluateCheck(falling, ctx(doc, null))).toEqual({ pass: false, why: '0 of 3 epochs trained so far' });
    expect(evaluateCheck(falling, ctx(doc, trainer({ epochs: epochs([1, 0.5, 0.2]) })))).toEqual({ pass: false, why: '2 of 3 epochs trained so far' });
    expect(evaluateCheck(plateau, ctx(doc, trainer({ epochs: epochs([1, 1, 1]) }))).pass).toBe(false);
  });

  it('falling compares the last epoch with the one the window starts at', () => {
    expect(evaluateCheck(falling, ctx(doc, trainer({ epochs: epochs([1, 0.5, 0.4, 0.3]) }))).pass).toBe(true);
    // Down, then back up above where the window started.
    const r = evaluateCheck(falling, ctx(doc, trainer({ epochs: epochs([9, 1, 0.5, 0.4, 1.2]) })));
    expect(r).toEqual({ pass: false, why: 'the training loss went from 1 to 1.2 over the last 3 epochs: it is not falling' });
    // Not by enough.
    expect(evaluateCheck({ falling: { epochs: 3, by: 0.5 } }, ctx(doc, trainer({ epochs: epochs([1, 0.9, 0.8, 0.7]) }))).pass).toBe(false);
    expect(evaluateCheck({ falling: { epochs: 3, by: 0.5 } }, ctx(doc, trainer({ epochs: epochs([1, 0.9, 0.8, 0.4]) }))).pass).toBe(true);
  });

  it('the window is measured in the trainer\'s epochs, not in entries (epochs the window skipped count)', () => {
    // Entries for epochs 0, 2, 5: the last 3 epochs start at epoch 2.
    const t = trainer({ epochs: [{ epoch: 0, trainLoss: 5 }, { epoch: 2, trainLoss: 1 }, { epoch: 5, trainLoss: 1.1 }] });
    expect(evaluateCheck(falling, ctx(doc, t)).pass).toBe(false);
  });

  it('a plateau holds while the loss improves by at most `within` of it, and fails while it still improves', () => {
    expect(evaluateCheck(plateau, ctx(doc, trainer({ epochs: epochs([0.9, 0.693, 0.69, 0.695, 0.692]) }))).pass).toBe(true);
    const r = evaluateCheck(plateau, ctx(doc, trainer({ epochs: epochs([0.9, 0.7, 0.6, 0.5, 0.4]) })));
    expect(r).toEqual({ pass: false, why: 'the training loss is still improving (0.7 → 0.4 over the last 3 epochs)' });
  });

  it('divergences count from zero without a trainer, and the diverged rate needs a divergence', () => {
    expect(evaluateCheck({ compare: { trainer: 'divergences' }, op: 'ge', value: 1 }, ctx(doc, null))).toEqual({ pass: false, why: 'the number of divergences is 0; the step needs ≥ 1' });
    expect(evaluateCheck({ compare: { trainer: 'divergedRate' }, op: 'gt', value: 0 }, ctx(doc, trainer()))).toEqual({ pass: false, why: 'training has not diverged yet' });
    expect(evaluateCheck({ compare: { trainer: 'divergedRate' }, op: 'gt', value: 0 }, ctx(doc, trainer({ divergences: 1, divergedRate: 1 }))).pass).toBe(true);
  });

  it('bad windows and fractions are refused by path', () => {
    const base = { format: 'netwright-lesson', version: 1, id: 'x', title: 'X' };
    const r = parseLesson(JSON.stringify({ ...base, steps: [{ title: 'S', text: 't', check: { plateau: { epochs: 0 } } }] }));
    expect(r).toMatchObject({ ok: false, path: 'steps[0].check.plateau.epochs' });
    const f = parseLesson(JSON.stringify({ ...base, steps: [{ title: 'S', text: 't', check: { falling: { epochs: 3, by: 2 } } }] }));
    expect(f).toMatchObject({ ok: false, path: 'steps[0].check.falling.by' });
  });
});

/** Train a document epoch by epoch with the core, collecting what the trainer would report. */
function train(doc: NetworkDocument, plan: { epochs: number; learningRate?: number }[]): LessonTrainerState {
  const ds = loadDataset(doc.data);
  if (!ds.ok) throw new Error(ds.message);
  const made = createTrainingSession(doc, ds.dataset);
  if (!made.ok) throw new Error(made.problems[0]?.message);
  const s = made.session;
  let log: { epoch: number; trainLoss: number }[] = [{ epoch: 0, trainLoss: s.evaluate().trainLoss }];
  let divergences = 0;
  let divergedRate: number | null = null;
  let state: LessonTrainerState['state'] = 'paused';
  for (const part of plan) {
    if (part.learningRate !== undefined) s.setLearningRate(part.learningRate);
    for (let e = 0; e < part.epochs; e++) {
      const r = s.stepEpoch();
      if (r.kind === 'diverged') {
        divergences++;
        divergedRate = s.learningRate;
        state = 'diverged';
        log = [{ epoch: s.state.epoch, trainLoss: s.evaluate().trainLoss }];
        break;
      }
      state = 'paused';
      log.push({ epoch: s.state.epoch, trainLoss: s.evaluate().trainLoss });
    }
  }
  const ev = s.evaluate();
  return { step: s.state.step, epoch: s.state.epoch, trainLoss: ev.trainLoss, testLoss: ev.testLoss, accuracy: ev.testAccuracy ?? null, state, divergences, divergedRate, epochs: log };
}

describe('lesson 6 against the core\'s training', () => {
  const l = lesson('06-training-is-repetition.nwlesson');
  const doc = docOf(l, 0);
  const check = (i: number, t: LessonTrainerState, d = doc) => evaluateCheck(l.steps[i]!.check!, ctx(d, t));

  it('an epoch: one batch is not, a trained epoch is', () => {
    expect(check(0, train(doc, [{ epochs: 0 }])).pass).toBe(false);
    expect(check(0, train(doc, [{ epochs: 1 }])).pass).toBe(true);
  });

  it('diverging: 0.04 trains on and stays red; 1 diverges and turns it green', () => {
    expect(check(1, train(doc, [{ epochs: 1 }, { epochs: 3, learningRate: 0.04 }])).pass).toBe(false);
    const t = train(doc, [{ epochs: 1 }, { epochs: 3, learningRate: 1 }]);
    expect(t.state).toBe('diverged');
    expect(check(1, t).pass).toBe(true);
  });

  it('bringing it back: the safe rate after a reset falls; the diverging rate again stays red', () => {
    const safe = { ...doc, training: { ...doc.training, learningRate: 0.03 } };
    expect(check(2, train(safe, [{ epochs: 3, learningRate: 0.03 }]), safe).pass).toBe(true);
    const hot = { ...doc, training: { ...doc.training, learningRate: 1 } };
    const again = train(hot, [{ epochs: 3, learningRate: 1 }]);
    expect(again.state).toBe('diverged');
    expect(check(2, again, hot).pass).toBe(false);
  });
});

describe('lesson 7 against the core\'s training', () => {
  const l = lesson('07-why-hidden-layers.nwlesson');
  const one = docOf(l, 0);
  /** The learner's edit: a Dense layer dropped onto the connection into `out`. */
  const withHidden = (activation: 'relu' | 'linear'): NetworkDocument => {
    const into = one.edges.find((e) => e.target === 'out')!;
    return {
      ...one,
      nodes: [...one.nodes, { id: 'dense1', type: 'dense', name: 'dense1', position: { x: 140, y: 0 }, units: 4, activation, useBias: true } as NetworkDocument['nodes'][number]],
      edges: [...one.edges.filter((e) => e !== into), { ...into, id: 'a', target: 'dense1', weights: undefined }, { ...into, id: 'b', source: 'dense1', weights: undefined }],
    };
  };

  it('one neuron: 3 epochs are too few; 12 epochs plateau near 0.69 with accuracy near a coin toss', () => {
    expect(evaluateCheck(l.steps[0]!.check!, ctx(one, train(one, [{ epochs: 3 }]))).pass).toBe(false);
    const t = train(one, [{ epochs: 12 }]);
    expect(t.trainLoss).toBeGreaterThan(0.68);
    expect(evaluateCheck(l.steps[0]!.check!, ctx(one, t))).toEqual({ pass: true });
  });

  it('a hidden layer does not plateau there, and learns: green; a linear one cannot', () => {
    const relu = withHidden('relu');
    const t = train(relu, [{ epochs: 12 }]);
    expect(evaluateCheck(l.steps[0]!.check!, ctx(relu, t)).pass).toBe(false);
    expect(evaluateCheck(l.steps[1]!.check!, ctx(relu, t))).toEqual({ pass: true });
    const linear = withHidden('linear');
    expect(evaluateCheck(l.steps[1]!.check!, ctx(linear, train(linear, [{ epochs: 12 }]))).pass).toBe(false);
    expect(evaluateCheck(l.steps[1]!.check!, ctx(one, train(one, [{ epochs: 12 }]))).pass).toBe(false);
  });
});
