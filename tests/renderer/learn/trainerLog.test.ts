/** The lesson's trainer log: divergences counted, one loss per epoch the trainer reports, a new run on a restart. */
import { describe, expect, it } from 'vitest';
import { nextLog, type TrainerLog } from '../../../src/renderer/learn/trainerLog';
import type { Divergence, TrainingState } from '../../../src/renderer/training/store';
import type { TrainingSnapshot } from '../../../src/shared/protocol';

type Seen = Pick<TrainingState, 'snapshot' | 'divergence'>;
const snap = (step: number, epoch: number, trainLoss: number): TrainingSnapshot => ({
  id: step, step, epoch, running: true, learningRate: 0.03, params: new Float32Array(), grads: new Float32Array(),
  evaluation: { trainLoss, testLoss: null }, batchLoss: null, stepsPerSecond: 0,
});
const divergence = (learningRate: number): Divergence => ({ step: 1, epoch: 0, where: 'loss', message: 'x', learningRate, suggestedRate: 0.03 });

/** Feed the states in order, as the training store would change. */
function run(states: Seen[]): TrainerLog {
  let log: TrainerLog = { divergences: 0, divergedRate: null, epochs: [] };
  let prev: Seen = { snapshot: null, divergence: null };
  for (const s of states) {
    log = nextLog(log, prev, s);
    prev = s;
  }
  return log;
}

describe('nextLog', () => {
  it('keeps the first snapshot of each epoch the trainer counts', () => {
    const log = run([0, 10, 32, 40, 64].map((step) => ({ snapshot: snap(step, Math.floor(step / 32), 1 / (1 + step)), divergence: null })));
    expect(log.epochs).toEqual([{ epoch: 0, trainLoss: 1 }, { epoch: 1, trainLoss: 1 / 33 }, { epoch: 2, trainLoss: 1 / 65 }]);
  });

  it('a divergence counts, remembers its rate, and starts the epochs again', () => {
    const d = divergence(1);
    const log = run([
      { snapshot: snap(0, 0, 1), divergence: null },
      { snapshot: snap(32, 1, 0.5), divergence: null },
      { snapshot: snap(33, 1, 0.5), divergence: d },
      { snapshot: snap(34, 1, 0.6), divergence: d },
    ]);
    expect(log).toEqual({ divergences: 1, divergedRate: 1, epochs: [{ epoch: 1, trainLoss: 0.5 }] });
  });

  it('a reset or reload (the step count goes back) starts a new run of epochs', () => {
    const log = run([
      { snapshot: snap(32, 1, 0.5), divergence: null },
      { snapshot: snap(64, 2, 0.4), divergence: null },
      { snapshot: snap(0, 0, 0.9), divergence: null },
    ]);
    expect(log.epochs).toEqual([{ epoch: 0, trainLoss: 0.9 }]);
  });
});
