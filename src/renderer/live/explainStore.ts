/**
 * Explain mode's state in this window: open or not, which example, the stages and where the learner is.
 * The numbers come from the core (explainStep) on the document's weights; opening explain mode pauses training and
 * writes the trained weights into the document first (no undo step), so it explains the network as trained.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { loadDataset } from '../../core/data';
import type { NetworkDocument } from '../../core/document';
import { explainStep, type ExplainStep } from '../../core/explain';
import { buildStages, type Stage } from './explainStages';

export interface ExplainState {
  open: boolean;
  /** The example: a row of the training split (0-based). */
  row: number;
  rows: number;
  index: number;
  step: ExplainStep | null;
  stages: Stage[];
  error: string | null;
}

export const explainStore = createStore<ExplainState>()(() => ({ open: false, row: 0, rows: 0, index: 0, step: null, stages: [], error: null }));

export function useExplain<T>(selector: (s: ExplainState) => T): T {
  return useStore(explainStore, selector);
}

export type Computed = { ok: true; step: ExplainStep; stages: Stage[]; rows: number; row: number } | { ok: false; message: string };

/** Explain row `row` of the document's training data with the document's weights and learning rate. */
export function computeExplain(doc: NetworkDocument, row: number): Computed {
  if (doc.data.kind === 'none') return { ok: false, message: 'Choose a data set first: explain mode takes one example from it.' };
  const made = loadDataset(doc.data);
  if (!made.ok) return { ok: false, message: `The data could not be loaded: ${made.message}` };
  const { train, featureNames, targetNames } = made.dataset;
  if (train.n === 0) return { ok: false, message: 'The training split has no rows to explain.' };
  const r = Math.min(Math.max(0, Math.floor(row)), train.n - 1);
  const inW = featureNames.length;
  const outW = targetNames.length;
  const x = train.x.subarray(r * inW, (r + 1) * inW);
  const y = train.y.subarray(r * outW, (r + 1) * outW);
  const result = explainStep(doc, x, y, doc.training.learningRate, { featureNames, targetNames });
  if (!result.ok) return { ok: false, message: result.message };
  return { ok: true, step: result.step, stages: buildStages(result.step, doc), rows: train.n, row: r };
}

/** Recompute for `doc` (keeping the stage index where it still exists). */
export function refreshExplain(doc: NetworkDocument, row = explainStore.getState().row, index = explainStore.getState().index): void {
  const c = computeExplain(doc, row);
  if (!c.ok) {
    explainStore.setState({ error: c.message, step: null, stages: [], index: 0 });
    return;
  }
  explainStore.setState({ error: null, step: c.step, stages: c.stages, rows: c.rows, row: c.row, index: Math.min(index, c.stages.length - 1) });
}

export function closeExplain(): void {
  explainStore.setState({ open: false, step: null, stages: [], index: 0, error: null });
}

/** The stage shown now, or null when explain mode is closed. */
export function selectStage(s: ExplainState): Stage | null {
  return s.open ? s.stages[s.index] ?? null : null;
}
