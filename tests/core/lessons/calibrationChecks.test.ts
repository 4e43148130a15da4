/** Lesson 9's checks: the calibration view open, the ECE typed, the most confidently wrong example selected. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCalibration } from '../../../src/core/calibration';
import { loadDataset } from '../../../src/core/data';
import type { NetworkDocument } from '../../../src/core/document';
import { evaluateCheck, evaluateQuantity, parseLesson, stepDocument, type LessonContext } from '../../../src/core/lessons';
import { writeWeights } from '../../../src/core/network';
import { createTrainingSession } from '../../../src/core/train';

const r = parseLesson(readFileSync(join(__dirname, '../../../examples/lessons/09-confident-is-not-correct.nwlesson'), 'utf8'));
if (!r.ok) throw new Error(r.message);
const lesson = r.lesson;

/** The spiral network trained two epochs by the core, its weights written into the document. */
const trained = (() => {
  const made = stepDocument(lesson.steps[0]!);
  if (!made.ok) throw new Error(made.message);
  const ds = loadDataset(made.doc.data);
  if (!ds.ok) throw new Error(ds.message);
  const s = createTrainingSession(made.doc, ds.dataset);
  if (!s.ok) throw new Error('compile');
  s.session.stepEpoch();
  s.session.stepEpoch();
  return { doc: writeWeights(made.doc, s.session.net) as NetworkDocument, epoch: s.session.state.epoch };
})();

const ctx = (over: Partial<LessonContext>): LessonContext => ({
  doc: trained.doc, baseline: null, answer: null, selectedEdges: [], explainOpen: false,
  trainer: { step: 80, epoch: trained.epoch, trainLoss: 0.6, testLoss: 0.6, accuracy: 0.6, state: 'paused' }, ...over,
});
const check = (i: number, over: Partial<LessonContext>) => evaluateCheck(lesson.steps[i]!.check!, ctx(over));
const report = (() => {
  const c = evaluateCalibration(trained.doc);
  if (!c.ok) throw new Error(c.message);
  return c.report;
})();

describe('lesson 9', () => {
  it('step 1: trained but the view closed fails; open passes', () => {
    expect(check(0, {})).toEqual({ pass: false, why: 'open the calibration view' });
    expect(check(0, { calibration: { open: false, opened: false, selectedRow: null } }).pass).toBe(false);
    expect(check(0, { calibration: { open: true, opened: true, selectedRow: null } })).toEqual({ pass: true });
    // Closed again: it was opened in this step.
    expect(check(0, { calibration: { open: false, opened: true, selectedRow: null } })).toEqual({ pass: true });
    // Opened, but before two epochs were trained.
    expect(check(0, { calibration: { open: true, opened: true, selectedRow: null }, trainer: { step: 0, epoch: 0, trainLoss: 0.7, testLoss: 0.7, accuracy: 0.5, state: 'paused' } }).pass).toBe(false);
  });

  it('step 2: the ECE typed within 0.001 passes; the accuracy typed instead fails', () => {
    const ece = evaluateQuantity({ calibration: 'ece' }, ctx({}));
    expect(ece).toEqual({ ok: true, value: report.ece });
    expect(check(1, { answer: Number(report.ece.toFixed(3)) }).pass).toBe(true);
    expect(check(1, { answer: Number(report.accuracy.toFixed(3)) }).pass).toBe(false);
  });

  it('step 3: the first confidently wrong example passes; the second, or none, fails', () => {
    expect(report.confidentlyWrong.length).toBeGreaterThan(1);
    const [first, second] = report.confidentlyWrong;
    expect(check(2, { calibration: { open: true, opened: true, selectedRow: null } })).toEqual({ pass: false, why: 'select an example in the calibration view' });
    expect(check(2, { calibration: { open: true, opened: true, selectedRow: first!.row } })).toEqual({ pass: true });
    expect(check(2, { calibration: { open: true, opened: true, selectedRow: second!.row } }).pass).toBe(false);
  });
});
