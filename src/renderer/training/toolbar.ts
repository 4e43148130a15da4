/** The toolbar's training buttons and fields, wired to the training store and the document's training setup. */
import { useMemo } from 'react';
import type { OptimizerName } from '../../core/document';
import { SETUP_LIMITS, withinLimit } from '../../core/limits';
import type { ToolbarTraining } from '../components/Toolbar';
import { useDoc, useEditor } from '../editor/context';
import { notify } from '../editor/store';
import { parseNumber } from '../../shared/numbers';
import { useTraining, useTrainingActions } from './store';

/** Why a learning-rate text is refused, or null with the value applied. */
export function parseLearningRate(text: string): { ok: true; value: number } | { ok: false; reason: string } {
  const v = parseNumber(text);
  if (!Number.isFinite(v)) return { ok: false, reason: `Learning rate: "${text}" is not a number.` };
  if (!withinLimit(SETUP_LIMITS.learningRate, v)) return { ok: false, reason: 'Learning rate must be greater than 0.' };
  return { ok: true, value: v };
}

export function parseBatchSize(text: string): { ok: true; value: number } | { ok: false; reason: string } {
  const v = parseNumber(text);
  const limit = SETUP_LIMITS.batchSize;
  if (!withinLimit(limit, v)) {
    return { ok: false, reason: `Batch size must be a whole number from ${limit.min} to ${limit.max}, not "${text}".` };
  }
  return { ok: true, value: v };
}

export function useTrainingToolbar(): ToolbarTraining {
  const store = useTrainingActions();
  const editor = useEditor();
  const status = useTraining((s) => s.status.kind);
  const controls = useTraining((s) => s.controls);
  const pace = useTraining((s) => s.pace);
  const blocked = useTraining((s) => (s.status.kind === 'idle' ? s.status.reason : s.status.kind === 'error' ? s.status.message : null));
  const learningRate = useDoc((s) => s.doc.training.learningRate);
  const batchSize = useDoc((s) => s.doc.training.batchSize);
  const optimizer = useDoc((s) => s.doc.training.optimizer);
  return useMemo(() => {
    const actions = store.getState();
    return {
      canTrain: controls.play,
      canStep: controls.step,
      canReset: controls.reset,
      blocked,
      running: status === 'running',
      pace,
      setPace: (p) => actions.setPace(p),
      onPlay: () => void actions.play(),
      onPause: () => void actions.pause(),
      onStep: () => void actions.step(1),
      onStepEpoch: () => void actions.stepEpoch(),
      onReset: () => void actions.reset(),
      learningRate,
      batchSize,
      optimizer,
      setLearningRate(text) {
        const parsed = parseLearningRate(text);
        if (!parsed.ok) {
          notify(editor, 'refused', parsed.reason);
          return parsed.reason;
        }
        actions.setSetup({ learningRate: parsed.value });
        return null;
      },
      setBatchSize(text) {
        const parsed = parseBatchSize(text);
        if (!parsed.ok) {
          notify(editor, 'refused', parsed.reason);
          return parsed.reason;
        }
        actions.setSetup({ batchSize: parsed.value });
        return null;
      },
      setOptimizer: (name: OptimizerName) => actions.setSetup({ optimizer: name }),
    };
  }, [store, editor, status, controls, blocked, pace, learningRate, batchSize, optimizer]);
}
