/**
 * The runs of this session, kept for comparison: whenever the training chart starts over (Reset, a change that
 * retrains from scratch, another network loaded), the run that was on it is kept with its hyper-parameters, the
 * network's size, its speed, its curve and where it ended; "Keep this run" keeps the current one on demand. Runs are
 * saved in the file (`runs`, format version 4) and come back when it is opened.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { NetworkDocument, TrainingRun, TrainingSetup } from '../../core/document';
import { MAX_RUNS } from '../../core/schema';
import type { TrainingSnapshot } from '../../shared/protocol';
import type { EditorStores } from '../editor/store';
import type { ChartHistory, TrainingState, TrainingStore } from '../training/store';

/** Points kept per run (a longer curve is thinned evenly, keeping its last point). */
export const MAX_RUN_POINTS = 2_000;

export interface RunsState {
  runs: TrainingRun[];
  /** Ids of the runs overlaid in the chart. */
  shown: ReadonlySet<string>;
  open: boolean;
}

export const runsStore = createStore<RunsState>()(() => ({ runs: [], shown: new Set<string>(), open: false }));

export function useRuns<T>(selector: (s: RunsState) => T): T {
  return useStore(runsStore, selector);
}

let counter = 0;

/** The run a chart history shows, or null when it holds fewer than two trained points. */
export function runFromHistory(
  history: ChartHistory,
  end: Pick<TrainingSnapshot, 'step' | 'epoch'> | null,
  setup: TrainingSetup,
  parameters: number,
  stepsPerSecond: number | null,
  name: string,
): TrainingRun | null {
  const idx: number[] = [];
  for (let i = 0; i < history.step.length; i++) {
    const loss = history.trainLoss[i];
    if (loss !== null && loss !== undefined && Number.isFinite(loss)) idx.push(i);
  }
  if (idx.length < 2 || history.step[idx.at(-1)!] === 0) return null;
  const stride = Math.ceil(idx.length / MAX_RUN_POINTS);
  const kept = idx.filter((_, k) => k % stride === 0 || k === idx.length - 1);
  const finite = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
  const accuracyAt = (i: number) => finite(history.testAccuracy[i] ?? history.trainAccuracy[i]);
  const curve = {
    step: kept.map((i) => history.step[i]!),
    trainLoss: kept.map((i) => history.trainLoss[i]!),
    testLoss: kept.map((i) => finite(history.testLoss[i])),
    accuracy: kept.map(accuracyAt),
  };
  const last = kept.at(-1)!;
  return {
    id: `run-${Date.now().toString(36)}-${++counter}`,
    name,
    setup: { ...setup, schedule: { ...setup.schedule } },
    parameters,
    stepsPerSecond: stepsPerSecond !== null && Number.isFinite(stepsPerSecond) ? stepsPerSecond : null,
    curve,
    final: { step: curve.step.at(-1)!, epoch: end && end.step === curve.step.at(-1) ? end.epoch : 0, trainLoss: curve.trainLoss.at(-1)!, testLoss: finite(history.testLoss[last]), accuracy: accuracyAt(last) },
  };
}

function nextName(): string {
  return `Run ${runsStore.getState().runs.length + 1}`;
}

export function addRun(run: TrainingRun): void {
  runsStore.setState((s) => {
    const runs = [...s.runs, run].slice(-MAX_RUNS);
    return { runs, shown: new Set([...s.shown, run.id].filter((id) => runs.some((r) => r.id === id))) };
  });
}

export function removeRun(id: string): void {
  runsStore.setState((s) => ({ runs: s.runs.filter((r) => r.id !== id), shown: new Set([...s.shown].filter((x) => x !== id)) }));
}

export function toggleShown(id: string): void {
  runsStore.setState((s) => {
    const shown = new Set(s.shown);
    if (shown.has(id)) shown.delete(id);
    else shown.add(id);
    return { shown };
  });
}

/** The runs to write into a file being saved (none: the field is left out). */
export function runsForSave(): TrainingRun[] | undefined {
  const runs = runsStore.getState().runs;
  return runs.length > 0 ? runs : undefined;
}

/** What the tracker remembers of the run on the chart now. */
interface Current { history: ChartHistory; snapshot: TrainingSnapshot | null; setup: TrainingSetup; parameters: number; stepsPerSecond: number | null }

/** Keep the run on the chart now (a copy), as "Keep this run" does. Returns whether there was one. */
export function keepCurrentRun(training: TrainingStore, editor: EditorStores): boolean {
  const t = training.getState();
  const run = runFromHistory(t.history, t.snapshot, editor.document.getState().doc.training, t.loaded?.layout.size ?? 0, lastSpeed(t), nextName());
  if (!run) return false;
  addRun(run);
  kept.add(t.history);
  return true;
}

const kept = new WeakSet<ChartHistory>();

function lastSpeed(t: Pick<TrainingState, 'snapshot'>): number | null {
  const v = t.snapshot?.stepsPerSecond;
  return v !== undefined && v > 0 ? v : null;
}

/**
 * Watch the window's training and document: a chart that starts over keeps the run it held; a file opened with runs
 * brings them in (those not here yet). Returns stop.
 */
export function trackRuns(training: TrainingStore, editor: EditorStores): () => void {
  let current: Current | null = null;
  const stopTraining = training.subscribe((t) => {
    if (current && t.history !== current.history) {
      const old = current;
      if (!kept.has(old.history)) {
        const run = runFromHistory(old.history, old.snapshot, old.setup, old.parameters, old.stepsPerSecond, nextName());
        if (run) addRun(run);
        kept.add(old.history);
      }
    }
    const same = current?.history === t.history;
    // A snapshot from before the chart's last point is the next run's first (a Reset): it does not end this one.
    const lastStep = t.history.step.at(-1);
    const belongs = t.snapshot !== null && (lastStep === undefined || t.snapshot.step >= lastStep);
    const snapshot = belongs ? t.snapshot : same ? current!.snapshot : null;
    const speed = (belongs ? lastSpeed(t) : null) ?? (same ? current!.stepsPerSecond : null);
    const setup = belongs || !same ? editor.document.getState().doc.training : current!.setup;
    current = { history: t.history, snapshot, setup, parameters: t.loaded?.layout.size ?? current?.parameters ?? 0, stepsPerSecond: speed };
  });
  let seen: NetworkDocument['runs'] = editor.document.getState().doc.runs;
  const adopt = (runs: NetworkDocument['runs']) => {
    if (!runs || runs === seen) return;
    seen = runs;
    const have = new Set(runsStore.getState().runs.map((r) => r.id));
    for (const r of runs) if (!have.has(r.id)) addRun(r);
  };
  adopt(editor.document.getState().doc.runs);
  const stopDoc = editor.document.subscribe((s) => adopt(s.doc.runs));
  return () => {
    stopTraining();
    stopDoc();
  };
}
