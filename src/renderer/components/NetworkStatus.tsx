import { CircleAlert, CircleCheck, TriangleAlert } from 'lucide-react';
import { estimateTrainingMemory, TRAINING_MEMORY_LIMIT, formatMemory } from '../../core/trainingMemory';
import { useAnalysis } from '../editor/analysis';

/** Bytes in the unit a person reads: 36 B, 1.2 KB, 3.4 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Number((bytes / 1024).toPrecision(3))} KB`;
  return `${Number((bytes / 1024 / 1024).toPrecision(3))} MB`;
}

/** Parameter count, parameter memory at fp32/fp16/int8 and the validation state, all from the core's report. */
export function NetworkStatus() {
  const { report, doc } = useAnalysis();
  if (doc.nodes.length === 0) return null;
  const { parameterCount, memory, errors, warnings } = report;
  const state = errors.length > 0
    ? { icon: CircleAlert, text: `${errors.length} error${errors.length === 1 ? '' : 's'}`, kind: 'error' }
    : warnings.length > 0
      ? { icon: TriangleAlert, text: `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`, kind: 'warning' }
      : { icon: CircleCheck, text: 'valid', kind: 'valid' };
  const Icon = state.icon;
  // Training memory: parameters with their gradients and optimiser state, and every node's activations (images are
  // h·w·c values each) for a batch and an evaluation chunk; over the limit, the trainer refuses with this figure.
  const training = estimateTrainingMemory(report, doc.training);
  const over = training.bytes > TRAINING_MEMORY_LIMIT;
  return (
    <>
      <span className="status-item" data-testid="parameter-count">
        {parameterCount.toLocaleString('en-US')} parameter{parameterCount === 1 ? '' : 's'}
      </span>
      <span className="status-item" title="Memory the parameters take at 32-bit float, 16-bit float and 8-bit integer precision">
        {formatBytes(memory.fp32)} fp32 / {formatBytes(memory.fp16)} fp16 / {formatBytes(memory.int8)} int8
      </span>
      <span
        className={`status-item${over ? ' status-validation error' : ''}`}
        data-testid="training-memory"
        title={`Training needs about ${formatMemory(training.bytes)}: ${formatMemory(training.parameters)} for parameters, gradients and ${doc.training.optimizer} state, ${formatMemory(training.activations)} for activations at batch size ${doc.training.batchSize}. The trainer's limit is ${formatMemory(TRAINING_MEMORY_LIMIT)}.`}
      >
        training {formatMemory(training.bytes)} (activations {formatMemory(training.activations)}){over ? ' · too large' : ''}
      </span>
      <span className={`status-item status-validation ${state.kind}`} data-testid="validation-state">
        <Icon size={13} strokeWidth={2.2} aria-hidden /> {state.text}
      </span>
    </>
  );
}
