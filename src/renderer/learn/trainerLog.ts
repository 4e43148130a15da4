/**
 * What the trainer did since the current lesson step opened, for the checks that look back in time: how many times
 * it reported a divergence (and at which learning rate), and the training loss it reported as each epoch completed.
 * Every number is the trainer's own (its `diverged` events and the epoch count and loss of its snapshots); this module
 * only keeps them in order. The epoch list starts again whenever the trainer's count does (a divergence, a reset,
 * a reload after an edit), so a loss trend is always judged within one run of training.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { TrainingState, TrainingStore } from '../training/store';

export interface TrainerLog {
  divergences: number;
  divergedRate: number | null;
  epochs: readonly { epoch: number; trainLoss: number }[];
}

/** Epoch entries kept (a loss-trend window is at most 10,000 epochs: schema.ts). */
const MAX_EPOCHS_KEPT = 10_001;

const empty = (): TrainerLog => ({ divergences: 0, divergedRate: null, epochs: [] });

export const trainerLogStore = createStore<TrainerLog>()(empty);

export function useTrainerLog<T>(selector: (s: TrainerLog) => T): T {
  return useStore(trainerLogStore, selector);
}

/** Forget everything (a step opened). */
export function resetTrainerLog(): void {
  trainerLogStore.setState(empty());
}

/** Fold one change of the training store into the log (pure, for tests). */
export function nextLog(log: TrainerLog, prev: Pick<TrainingState, 'snapshot' | 'divergence'>, now: Pick<TrainingState, 'snapshot' | 'divergence'>): TrainerLog {
  let next = log;
  if (now.divergence && now.divergence !== prev.divergence) {
    next = { divergences: next.divergences + 1, divergedRate: now.divergence.learningRate, epochs: [] };
  }
  const snap = now.snapshot;
  if (snap && snap !== prev.snapshot) {
    const last = next.epochs[next.epochs.length - 1];
    // The trainer's count went back: a reset or a reload. A new run starts.
    const restarted = last !== undefined && (snap.epoch < last.epoch || (prev.snapshot !== null && snap.step < prev.snapshot.step));
    const epochs = restarted ? [] : next.epochs;
    const tail = epochs[epochs.length - 1];
    if (tail === undefined || snap.epoch > tail.epoch) {
      if (Number.isFinite(snap.evaluation.trainLoss)) {
        const grown = [...epochs, { epoch: snap.epoch, trainLoss: snap.evaluation.trainLoss }];
        next = { ...next, epochs: grown.length > MAX_EPOCHS_KEPT ? grown.slice(grown.length - MAX_EPOCHS_KEPT) : grown };
      }
      else if (restarted) next = { ...next, epochs: [] };
    } else if (restarted) next = { ...next, epochs };
  } else if (!snap && prev.snapshot && next.epochs.length > 0) {
    next = { ...next, epochs: [] };
  }
  return next;
}

/** Keep the log from the training store's changes; returns the unsubscribe. */
export function watchTrainer(training: TrainingStore): () => void {
  return training.subscribe((now, prev) => {
    const log = trainerLogStore.getState();
    const next = nextLog(log, prev, now);
    if (next !== log) trainerLogStore.setState(next, true);
  });
}
