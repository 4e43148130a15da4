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
import { exampleTarget, type ExampleTarget } from './exampleTarget';

export interface Analysis {
  doc: NetworkDocument;
  report: ValidationReport;
  run: ExampleRun;
  /** The document the example runs on: `doc`, or while training, `doc` with the trainer's latest weights. */
  runDoc: NetworkDocument;
  /** The stored example values (feature → value). */
  stored: Readonly<Record<string, number>>;
  /** Example value of every Input's features (stored or default). */
  example: Record<string, number[]>;
  /** The example's true target when the example is a row of the data (null otherwise). */
  target: ExampleTarget | null;
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
  const target = useMemo(() => exampleTarget(doc, stored), [doc, stored]);
  const value = useMemo(() => ({ doc, report, run, runDoc, stored, example, target }), [doc, report, run, runDoc, stored, example, target]);
  return <AnalysisContext.Provider value={value}>{children}</AnalysisContext.Provider>;
}

/** The analysis where there is one (a node view drawn alone has none). */
export function useOptionalAnalysis(): Analysis | null {
  return useContext(AnalysisContext);
}

export function useAnalysis(): Analysis {
  const analysis = useContext(AnalysisContext);
  if (!analysis) throw new Error('useAnalysis() needs an <AnalysisProvider> above it');
  return analysis;
}
