/**
 * What the core says about the current document, computed once per change and shared by the canvas, inspector,
 * problems list and status bar: the validation report and the example run.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { NetworkDocument } from '../../core/document';
import { validateDocument, type ValidationReport } from '../../core/validate';
import { useLive, useLiveStore } from '../live/hooks';
import { useDoc, useView } from './context';
import { exampleInputs, runExample, type ExampleRun } from './trace';

export interface Analysis {
  doc: NetworkDocument;
  report: ValidationReport;
  run: ExampleRun;
  /** Example value of every Input's features (stored or default). */
  example: Record<string, number[]>;
}

const AnalysisContext = createContext<Analysis | null>(null);

export function AnalysisProvider({ children }: { children: ReactNode }) {
  const doc = useDoc((s) => s.doc);
  const stored = useView((s) => s.exampleValues);
  const report = useMemo(() => validateDocument(doc), [doc]);
  // While training moves the weights (they reach the document only on pause), the example runs on the trainer's.
  const training = useLiveStore();
  const live = useLive((s) => (s.snapshot && s.snapshot.step > 0 ? s.snapshot : null), null);
  const runDoc = useMemo(() => (live && training ? training.getState().withLiveWeights(doc) : doc), [doc, live, training]);
  const run = useMemo(() => runExample(runDoc, stored), [runDoc, stored]);
  const example = useMemo(() => exampleInputs(doc, stored), [doc, stored]);
  const value = useMemo(() => ({ doc, report, run, example }), [doc, report, run, example]);
  return <AnalysisContext.Provider value={value}>{children}</AnalysisContext.Provider>;
}

export function useAnalysis(): Analysis {
  const analysis = useContext(AnalysisContext);
  if (!analysis) throw new Error('useAnalysis() needs an <AnalysisProvider> above it');
  return analysis;
}
