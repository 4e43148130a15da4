/**
 * The lesson panel, beside the inspector: the lesson's steps, progress, the current step's text (with inline math),
 * its question, the live state of its check (green only while the condition holds, computed by the core on what the
 * learner sees), a hint, and "Show me", which performs the step.
 */
import { useEffect, useMemo, useState } from 'react';
import { Check, ChevronLeft, ChevronRight, Lightbulb, Play, X } from 'lucide-react';
import type { NetworkDocument } from '../../core/document';
import { setEdgeWeight, setNodeField } from '../../core/edit';
import {
  evaluateCheck, evaluateQuantity, resolveSelection, type CheckResult, type LessonAction, type LessonContext, type LessonStep, type LessonTrainerState,
} from '../../core/lessons';
import { parseNumber } from '../../shared/numbers';
import { useDoc, useEditor, useView } from '../editor/context';
import { edit, notify, select, type EditorStores } from '../editor/store';
import { explainStore, refreshExplain, closeExplain, useExplain } from '../live/explainStore';
import { useTraining, useTrainingActions, type TrainingState, type TrainingStore } from '../training/store';
import { closeLesson, goToStep, lessonStore, markDone, setAnswer, useLesson } from './store';
import { LessonText } from './math';
import { runsStore, useRuns } from './runs';
import { calibrationStore, useCalibrationView } from './calibrationStore';
import { trainerLogStore, useTrainerLog, watchTrainer, type TrainerLog } from './trainerLog';
import './learn.css';

function trainerOf(s: Pick<TrainingState, 'snapshot' | 'status'>, log: TrainerLog): LessonTrainerState | null {
  const snap = s.snapshot;
  if (!snap) return log.divergences > 0 ? { step: 0, epoch: 0, trainLoss: null, testLoss: null, accuracy: null, state: 'idle', ...log } : null;
  const ev = snap.evaluation;
  const state = s.status.kind === 'running' ? 'running' : s.status.kind === 'diverged' ? 'diverged' : s.status.kind === 'ready' ? 'paused' : 'idle';
  return {
    step: snap.step, epoch: snap.epoch, trainLoss: ev.trainLoss, testLoss: ev.testLoss,
    accuracy: ev.testAccuracy ?? ev.trainAccuracy ?? null, state, ...log,
  };
}

/** What a check sees now, from the window's stores. */
function contextNow(editor: EditorStores, training: TrainingStore, answerText: string | undefined): LessonContext {
  const t = training.getState();
  const answer = answerText === undefined ? Number.NaN : parseNumber(answerText);
  return {
    doc: t.withLiveWeights(editor.document.getState().doc),
    baseline: lessonStore.getState().baseline,
    answer: Number.isFinite(answer) ? answer : null,
    selectedEdges: [...editor.view.getState().selectedEdges],
    explainOpen: explainStore.getState().open,
    trainer: trainerOf(t, trainerLogStore.getState()),
    runs: runsStore.getState().runs.slice(lessonStore.getState().runsAtStart),
    calibration: calibrationStore.getState(),
  };
}

/** The step's check, re-evaluated whenever anything it may read changes. */
function useCheck(step: LessonStep, index: number): CheckResult | null {
  const editor = useEditor();
  const training = useTrainingActions();
  const doc = useDoc((s) => s.doc);
  const snapshot = useTraining((s) => s.snapshot);
  const status = useTraining((s) => s.status);
  const selectedEdges = useView((s) => s.selectedEdges);
  const explainOpen = useExplain((s) => s.open);
  const answer = useLesson((s) => s.answers[index]);
  const baseline = useLesson((s) => s.baseline);
  const runs = useRuns((s) => s.runs);
  const log = useTrainerLog((s) => s);
  const calibration = useCalibrationView((s) => s);
  return useMemo(() => {
    if (!step.check) return null;
    return evaluateCheck(step.check, contextNow(editor, training, answer));
    // The stores' values are read through contextNow; these are what it reads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [step, doc, snapshot, status, selectedEdges, explainOpen, answer, baseline, runs, log, calibration, editor, training]);
}

function setParam(doc: NetworkDocument, param: { edge: string; index?: number } | { bias: string; index?: number }, value: number) {
  if ('edge' in param) return setEdgeWeight(doc, param.edge, param.index ?? 0, value);
  const node = doc.nodes.find((n) => n.id === param.bias) as { bias?: number | number[] } | undefined;
  if (Array.isArray(node?.bias)) {
    const biases = [...node.bias];
    biases[param.index ?? 0] = value;
    return setNodeField(doc, param.bias, 'bias', biases);
  }
  return setNodeField(doc, param.bias, 'bias', value);
}

/** Perform a step's "show me" actions, in order. */
async function showMe(actions: readonly LessonAction[], index: number, editor: EditorStores, training: TrainingStore): Promise<void> {
  for (const action of actions) {
    const ctx = contextNow(editor, training, lessonStore.getState().answers[index]);
    if ('setParam' in action) {
      const v = evaluateQuantity(action.setParam.value, ctx);
      if (!v.ok) return notify(editor, 'refused', `Show me: ${v.why}`);
      training.getState().applySnapshotToDocument();
      edit(editor, (d) => setParam(d, action.setParam.param, v.value));
    } else if ('setLearningRate' in action) {
      training.getState().setSetup({ learningRate: action.setLearningRate });
    } else if ('answer' in action) {
      const v = evaluateQuantity(action.answer, ctx);
      if (!v.ok) return notify(editor, 'refused', `Show me: ${v.why}`);
      setAnswer(index, String(Number(v.value.toPrecision(6))));
    } else if ('select' in action) {
      const id = resolveSelection(action, ctx);
      if (id) select(editor, [], [id]);
    } else if ('explain' in action) {
      if (action.explain === 'close') closeExplain();
      else {
        const t = training.getState();
        if (t.status.kind === 'running') await t.pause();
        training.getState().applySnapshotToDocument();
        explainStore.setState({ open: true, index: 0 });
        refreshExplain(editor.document.getState().doc, explainStore.getState().row, 0);
      }
    } else {
      const t = training.getState();
      if (action.trainer === 'step') await t.step();
      else if (action.trainer === 'play') await t.play();
      else if (action.trainer === 'pause') await t.pause();
      else await t.reset();
    }
  }
}

/** Canvas values of these nodes hidden (a "predict, then reveal" step). */
function HiddenValues({ nodes }: { nodes: readonly string[] }) {
  if (nodes.length === 0) return null;
  const selectors = nodes.map((id) => `.react-flow__node[data-id="${CSS.escape(id)}"] [data-testid="node-output"]`).join(',\n');
  return <style>{`${selectors} { visibility: hidden; }`}</style>;
}

export function LessonPanel() {
  const lesson = useLesson((s) => s.lesson);
  if (!lesson) return null;
  return <OpenLesson />;
}

function OpenLesson() {
  const editor = useEditor();
  const training = useTrainingActions();
  const lesson = useLesson((s) => s.lesson)!;
  const index = useLesson((s) => s.step);
  const done = useLesson((s) => s.done);
  const answer = useLesson((s) => s.answers[index] ?? '');
  const [hint, setHint] = useState(false);
  const [busy, setBusy] = useState(false);
  const step = lesson.steps[index]!;
  const check = useCheck(step, index);
  const passing = check?.pass === true;
  const last = index === lesson.steps.length - 1;

  useEffect(() => setHint(false), [index, lesson]);
  useEffect(() => watchTrainer(training), [training]);
  useEffect(() => {
    if (passing) markDone(index);
  }, [passing, index]);

  const canGoOn = !step.check || done.has(index);
  const next = () => {
    if (!step.check) markDone(index);
    if (!last) goToStep(editor, index + 1);
  };

  return (
    <aside className="panel lesson-panel" aria-label="Lesson">
      <header className="lesson-head">
        <h2 className="lesson-title">{lesson.title}</h2>
        <button type="button" className="lesson-icon" onClick={closeLesson} aria-label="Close lesson" title="Close lesson">
          <X size={16} aria-hidden />
        </button>
      </header>
      <ol className="lesson-progress" aria-label="Steps">
        {lesson.steps.map((s, i) => (
          <li key={i}>
            <button
              type="button"
              className={`lesson-dot${i === index ? ' current' : ''}${done.has(i) ? ' done' : ''}`}
              aria-current={i === index ? 'step' : undefined}
              aria-label={`Step ${i + 1}: ${s.title}${done.has(i) ? ' (done)' : ''}`}
              title={s.title}
              onClick={() => goToStep(editor, i)}
            >
              {done.has(i) ? <Check size={12} aria-hidden /> : i + 1}
            </button>
          </li>
        ))}
      </ol>
      <p className="lesson-count">Step {index + 1} of {lesson.steps.length} · {done.size} done</p>
      <section className="lesson-step" aria-label="Step">
        <h3 className="lesson-step-title">{step.title}</h3>
        <p className="lesson-text"><LessonText text={step.text} /></p>
        {step.question && (
          <label className="lesson-question">
            <span>{step.question.label} =</span>
            <input
              className="lesson-answer"
              aria-label={step.question.label}
              inputMode="decimal"
              value={answer}
              onChange={(e) => setAnswer(index, e.target.value)}
            />
          </label>
        )}
        {check && (
          <div className={`lesson-check ${check.pass ? 'pass' : 'fail'}`} aria-live="polite" data-testid="lesson-check" data-state={check.pass ? 'pass' : 'fail'}>
            {check.pass ? <><Check size={15} aria-hidden /> Done</> : <>Not yet: {check.why}</>}
          </div>
        )}
        {hint && step.hint && <p className="lesson-hint" aria-label="Hint"><LessonText text={step.hint} /></p>}
        <div className="lesson-tools">
          {step.hint && (
            <button type="button" className="lesson-button" onClick={() => setHint(!hint)} aria-pressed={hint}>
              <Lightbulb size={14} aria-hidden /> Hint
            </button>
          )}
          {step.showMe && step.showMe.length > 0 && (
            <button
              type="button"
              className="lesson-button"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                void showMe(step.showMe!, index, editor, training).finally(() => setBusy(false));
              }}
            >
              <Play size={14} aria-hidden /> Show me
            </button>
          )}
        </div>
      </section>
      <footer className="lesson-nav">
        <button type="button" className="lesson-button" onClick={() => goToStep(editor, index - 1)} disabled={index === 0}>
          <ChevronLeft size={14} aria-hidden /> Back
        </button>
        {last ? (
          <button type="button" className="lesson-button primary" onClick={() => { next(); closeLesson(); }} disabled={!canGoOn}>
            Finish
          </button>
        ) : (
          <button type="button" className="lesson-button primary" onClick={next} disabled={!canGoOn}>
            Next <ChevronRight size={14} aria-hidden />
          </button>
        )}
      </footer>
      {step.hideValues && !passing && <HiddenValues nodes={step.hideValues} />}
    </aside>
  );
}
