/**
 * How much memory training a network will take, estimated before anything is allocated, so a network too large for the
 * trainer is refused with the figure instead of taking the trainer (and in a browser, the tab) down with it.
 *
 * Counted generically from the validation report (parameter count, every node's output size), never per node kind:
 * - parameters: values, gradients, the initial copy, the last good copy (divergence recovery), and the optimizer's
 *   state twice (live and last good): (4 + 2 × slots) float32 per parameter, slots = 0 (SGD), 1 (momentum), 2 (Adam);
 * - activations: four float32 per unit and example (z, a and their gradients), plus the per-example workspace the kinds
 *   declare (Conv2D's im2col patches and their gradient: `workspacePerExample`), for a batch and for an evaluation
 *   chunk.
 */
import type { TrainingSetup } from './document';
import type { ValidationReport } from './validate';

/** The trainer refuses a network whose training would take more than this (the worker's own cap is higher). */
export const TRAINING_MEMORY_LIMIT = 512 * 1024 * 1024;
/** Examples evaluated at once (loss, accuracy) besides the training batch. */
const EVALUATION_CHUNK = 256;

export interface TrainingMemory {
  bytes: number;
  parameters: number;
  activations: number;
}

const OPTIMIZER_SLOTS: Record<TrainingSetup['optimizer'], number> = { sgd: 0, momentum: 1, adam: 2 };

export function estimateTrainingMemory(report: Pick<ValidationReport, 'parameterCount' | 'sizes' | 'workspacePerExample'>, setup: Pick<TrainingSetup, 'optimizer' | 'batchSize'>): TrainingMemory {
  const slots = OPTIMIZER_SLOTS[setup.optimizer] ?? 2;
  const parameters = report.parameterCount * 4 * (4 + 2 * slots);
  let units = 0;
  for (const id in report.sizes) units += report.sizes[id] ?? 0;
  const perExample = units * 4 + report.workspacePerExample;
  const activations = perExample * 4 * (Math.max(1, setup.batchSize) + EVALUATION_CHUNK);
  return { bytes: parameters + activations, parameters, activations };
}

export function formatMemory(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Why this network cannot be trained within `limit`, or undefined when it fits. */
export function trainingMemoryProblem(report: Pick<ValidationReport, 'parameterCount' | 'sizes' | 'workspacePerExample'>, setup: Pick<TrainingSetup, 'optimizer' | 'batchSize'>, limit = TRAINING_MEMORY_LIMIT): string | undefined {
  const m = estimateTrainingMemory(report, setup);
  if (m.bytes <= limit) return undefined;
  return `Training this network would need about ${formatMemory(m.bytes)} of memory (${formatMemory(m.parameters)} for ${report.parameterCount.toLocaleString('en-US')} parameters and their ${setup.optimizer} state, ${formatMemory(m.activations)} for activations at batch size ${setup.batchSize}); the trainer's limit is ${formatMemory(limit)}. Make the network smaller${m.activations > m.parameters ? ' or lower the batch size' : ''}.`;
}
