/**
 * The lesson open in this window: which step, what the learner typed, which steps are done, and the document each
 * step started from (for "changed exactly one weight"). The checks themselves are the core's (core/lessons/check.ts).
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { NetworkDocument } from '../../core/document';
import { parseLesson, stepDocument, type Lesson } from '../../core/lessons';
import { decodeUtf8 } from '../../core/fileText';
import { load, type EditorStores } from '../editor/store';
import { runsStore } from './runs';
import { resetTrainerLog } from './trainerLog';
import { calibrationStore } from './calibrationStore';

export interface LessonState {
  lesson: Lesson | null;
  step: number;
  /** What the learner typed in each step's question, by step index. */
  answers: Readonly<Record<number, string>>;
  /** Steps whose check has held at least once (or that have no check and were read). */
  done: ReadonlySet<number>;
  /** The document as the current step opened. */
  baseline: NetworkDocument | null;
  /** How many runs were kept when the current step opened (its checks count the runs kept since). */
  runsAtStart: number;
  menuOpen: boolean;
  /** The quantize dialog is open. */
  quantizeOpen: boolean;
  /** Why the last lesson file could not be opened (located like a network file's error). */
  error: string | null;
}

export const lessonStore = createStore<LessonState>()(() => ({
  lesson: null, step: 0, answers: {}, done: new Set<number>(), baseline: null, runsAtStart: 0, menuOpen: false, quantizeOpen: false, error: null,
}));

export function useLesson<T>(selector: (s: LessonState) => T): T {
  return useStore(lessonStore, selector);
}

/** Open step `index` of the lesson: load its state if it has one, and remember the document it starts from. */
export function goToStep(editor: EditorStores, index: number): void {
  const { lesson } = lessonStore.getState();
  if (!lesson) return;
  const i = Math.max(0, Math.min(lesson.steps.length - 1, index));
  const step = lesson.steps[i]!;
  if (step.load) {
    const made = stepDocument(step);
    if (made.ok) load(editor, made.doc);
  }
  resetTrainerLog();
  calibrationStore.setState((s) => ({ opened: s.open }));
  lessonStore.setState({ step: i, baseline: editor.document.getState().doc, runsAtStart: runsStore.getState().runs.length });
}

export function startLesson(editor: EditorStores, lesson: Lesson): void {
  lessonStore.setState({ lesson, step: 0, answers: {}, done: new Set(), baseline: null, menuOpen: false, error: null });
  editor.view.setState({ startDismissed: true });
  goToStep(editor, 0);
}

export function closeLesson(): void {
  lessonStore.setState({ lesson: null, step: 0, answers: {}, done: new Set(), baseline: null, error: null });
}

export function markDone(index: number): void {
  const { done } = lessonStore.getState();
  if (done.has(index)) return;
  lessonStore.setState({ done: new Set([...done, index]) });
}

export function setAnswer(index: number, text: string): void {
  lessonStore.setState((s) => ({ answers: { ...s.answers, [index]: text } }));
}

/** Open a teacher's lesson file from its bytes; a bad file leaves the current lesson and says what is wrong where. */
export function openLessonFile(editor: EditorStores, name: string, bytes: Uint8Array): boolean {
  const text = decodeUtf8(bytes);
  if (!text.ok) {
    lessonStore.setState({ error: `${name}: ${text.message}`, menuOpen: false });
    return false;
  }
  const r = parseLesson(text.text);
  if (!r.ok) {
    const where = r.line !== undefined ? '' : r.path ? ` (at ${r.path})` : '';
    lessonStore.setState({ error: `${name} could not be opened${where}: ${r.message}`, menuOpen: false });
    return false;
  }
  startLesson(editor, r.lesson);
  return true;
}
