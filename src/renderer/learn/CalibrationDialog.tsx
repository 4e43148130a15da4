/**
 * Confident is not correct: the reliability diagram of the trained classifier on its test split (predicted confidence
 * binned against the fraction right, with the count in each bin), the expected calibration error, and the test
 * examples it gets wrong with the highest confidence. Every number is the core's (core/calibration.ts), on the
 * network with the trainer's weights. Opened from the training dock and the Learn menu.
 */
import { useMemo } from 'react';
import { X } from 'lucide-react';
import { evaluateCalibration, type CalibrationReport } from '../../core/calibration';
import { useDoc } from '../editor/context';
import { useTraining, useTrainingActions } from '../training/store';
import { calibrationStore, useCalibrationView } from './calibrationStore';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function CalibrationDialog() {
  const open = useCalibrationView((s) => s.open);
  if (!open) return null;
  return <Dialog />;
}

function Dialog() {
  const training = useTrainingActions();
  const doc = useDoc((s) => s.doc);
  const snapshot = useTraining((s) => s.snapshot);
  const selectedRow = useCalibrationView((s) => s.selectedRow);
  // withLiveWeights reads the snapshot on screen: a new snapshot is new weights to measure.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const result = useMemo(() => evaluateCalibration(training.getState().withLiveWeights(doc)), [doc, snapshot, training]);
  const close = () => calibrationStore.setState({ open: false });
  return (
    <div className="quantize-backdrop">
      <section className="quantize-dialog calibration-dialog" role="dialog" aria-modal="true" aria-label="Calibration" onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
        <header className="lesson-head">
          <h2 className="lesson-title">Confident is not correct</h2>
          <button type="button" className="lesson-icon" onClick={close} aria-label="Close calibration" autoFocus>
            <X size={16} aria-hidden />
          </button>
        </header>
        {!result.ok && <p className="quantize-error" role="alert">{result.message}</p>}
        {result.ok && (
          <>
            <p className="quantize-lead">
              The {result.report.n} {result.split} examples, grouped by how confident the network is in its answer. A
              well-calibrated network is right 80 % of the time when it says 80 %: its bars reach the diagonal.
            </p>
            <div className="calibration-body">
              <ReliabilityDiagram report={result.report} />
              <dl className="calibration-summary">
                <dt>calibration error (ECE)</dt><dd data-testid="calibration-ece">{result.report.ece.toFixed(3)}</dd>
                <dt>accuracy</dt><dd data-testid="calibration-accuracy">{pct(result.report.accuracy)}</dd>
                <dt>mean confidence</dt><dd data-testid="calibration-confidence">{pct(result.report.confidence)}</dd>
              </dl>
            </div>
            <h3 className="calibration-heading">Confidently wrong</h3>
            {result.report.confidentlyWrong.length === 0 ? (
              <p className="quantize-lead">It gets every {result.split} example right.</p>
            ) : (
              <ol className="calibration-wrong" aria-label="Confidently wrong examples">
                {result.report.confidentlyWrong.map((w) => (
                  <li key={w.row}>
                    <button
                      type="button"
                      className={`calibration-example${selectedRow === w.row ? ' selected' : ''}`}
                      aria-pressed={selectedRow === w.row}
                      onClick={() => calibrationStore.setState({ selectedRow: w.row })}
                    >
                      <span className="calibration-row">row {w.row}</span>
                      <span>is {result.classNames[w.truth]}, guessed {result.classNames[w.guess]}</span>
                      <b>{pct(w.confidence)}</b>
                      <span className="calibration-probs">p = {w.probabilities.map((p) => p.toFixed(3)).join(', ')}</span>
                    </button>
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </section>
    </div>
  );
}

/** The diagram in plain SVG: a bar per bin up to its accuracy, a tick at its mean confidence, the count under it. */
function ReliabilityDiagram({ report }: { report: CalibrationReport }) {
  const size = 200;
  const pad = { left: 34, bottom: 46, top: 8, right: 8 };
  const w = size;
  const h = size;
  const x = (v: number) => pad.left + v * w;
  const y = (v: number) => pad.top + (1 - v) * h;
  const width = pad.left + w + pad.right;
  const height = pad.top + h + pad.bottom;
  return (
    <svg className="calibration-diagram" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label="Reliability diagram">
      <rect x={x(0)} y={y(1)} width={w} height={h} className="calibration-frame" />
      {[0, 0.5, 1].map((t) => (
        <g key={t}>
          <text x={x(0) - 4} y={y(t) + 4} textAnchor="end" className="calibration-tick">{t}</text>
          <text x={x(t)} y={y(0) + 12} textAnchor="middle" className="calibration-tick">{t}</text>
        </g>
      ))}
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="calibration-diagonal" />
      {report.bins.map((b, i) => (
        <g key={i} data-testid="calibration-bin" data-count={b.count}>
          {b.count > 0 && (
            <>
              <rect x={x(b.lower) + 1} y={y(b.accuracy!)} width={(b.upper - b.lower) * w - 2} height={Math.max(0, y(0) - y(b.accuracy!))} className="calibration-bar">
                <title>{`${b.lower.toFixed(1)}–${b.upper.toFixed(1)}: ${b.count} examples, ${pct(b.accuracy!)} right at ${pct(b.confidence!)} mean confidence`}</title>
              </rect>
              <line x1={x(b.lower) + 1} x2={x(b.upper) - 1} y1={y(b.confidence!)} y2={y(b.confidence!)} className="calibration-mean" />
            </>
          )}
          <text x={(x(b.lower) + x(b.upper)) / 2} y={y(0) + 24} textAnchor="middle" className="calibration-count">{b.count}</text>
        </g>
      ))}
      <text x={x(0.5)} y={height - 3} textAnchor="middle" className="calibration-axis">confidence · examples in each bin above</text>
      <text x={10} y={y(0.5)} textAnchor="middle" className="calibration-axis" transform={`rotate(-90 10 ${y(0.5)})`}>fraction right</text>
    </svg>
  );
}
