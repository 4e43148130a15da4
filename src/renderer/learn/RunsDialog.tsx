/**
 * Compare runs: the session's runs (and the one training now) with their loss curves overlaid in one uPlot chart,
 * and a table of hyper-parameters, size, speed and final metrics. Opened from the Learn menu. Also mounts the
 * tracker that keeps runs as the chart starts over.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Trash2, X } from 'lucide-react';
import type { TrainingRun } from '../../core/document';
import { OPTIMIZERS } from '../../core/optimizers';
import { useEditor } from '../editor/context';
import { notify } from '../editor/store';
import { useTraining, useTrainingActions } from '../training/store';
import { keepCurrentRun, removeRun, runsStore, toggleShown, trackRuns, useRuns } from './runs';

/** Distinct strokes for overlaid runs, readable on both themes. */
const PALETTE = ['#2f7de1', '#e0673a', '#2fa56a', '#a35bd6', '#c9a227', '#d64f8a', '#3bb3c4', '#7a8699'];

const num = (v: number | null, digits = 4) => (v === null ? '—' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

/** The overlaid curves as uPlot's aligned data: the union of the runs' steps, each run null where it has no point. */
export function overlay(runs: readonly Pick<TrainingRun, 'curve'>[]): uPlot.AlignedData {
  const steps = [...new Set(runs.flatMap((r) => r.curve.step))].sort((a, b) => a - b);
  const at = new Map(steps.map((s, i) => [s, i]));
  const series = runs.map((r) => {
    const col: (number | null)[] = new Array<number | null>(steps.length).fill(null);
    r.curve.step.forEach((s, i) => {
      const v = r.curve.trainLoss[i]!;
      col[at.get(s)!] = v > 0 ? v : null;
    });
    return col;
  });
  return [steps, ...series] as uPlot.AlignedData;
}

function OverlayChart({ runs }: { runs: TrainingRun[] }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = holder.current;
    if (!el || runs.length === 0 || /jsdom/i.test(navigator.userAgent)) return;
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#888';
    const grid = { stroke: css.getPropertyValue('--border').trim() || '#ddd', width: 1 };
    const u = new uPlot({
      width: Math.max(200, el.clientWidth),
      height: 240,
      legend: { show: true },
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [
        { stroke: muted, grid, ticks: grid, label: 'step', font: '11px Inter, sans-serif', labelFont: '11px Inter, sans-serif' },
        { stroke: muted, grid, ticks: grid, label: 'training loss (log)', size: 56, font: '11px Inter, sans-serif', labelFont: '11px Inter, sans-serif' },
      ],
      series: [
        { label: 'step' },
        ...runs.map((r, i) => ({ label: r.name, stroke: PALETTE[i % PALETTE.length], width: 1.8, spanGaps: true, points: { show: false } })),
      ],
    }, overlay(runs), el);
    return () => u.destroy();
  }, [runs]);
  return <div className="runs-chart" ref={holder} aria-label="Loss curves" data-runs={runs.length} />;
}

export function RunsDialog() {
  const editor = useEditor();
  const training = useTrainingActions();
  const open = useRuns((s) => s.open);
  useEffect(() => trackRuns(training, editor), [training, editor]);
  if (!open) return null;
  return <Dialog />;
}

function Dialog() {
  const editor = useEditor();
  const training = useTrainingActions();
  const runs = useRuns((s) => s.runs);
  const shown = useRuns((s) => s.shown);
  const hasCurrent = useTraining((s) => s.history.step.length >= 2);
  const overlaid = useMemo(() => runs.filter((r) => shown.has(r.id)), [runs, shown]);
  const close = () => runsStore.setState({ open: false });
  return (
    <div className="quantize-backdrop">
      <section className="quantize-dialog runs-dialog" role="dialog" aria-modal="true" aria-label="Compare runs" onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
        <header className="lesson-head">
          <h2 className="lesson-title">Compare runs</h2>
          <button type="button" className="lesson-icon" onClick={close} aria-label="Close runs" autoFocus>
            <X size={16} aria-hidden />
          </button>
        </header>
        <p className="quantize-lead">
          A run is kept each time the chart starts over (Reset, a change that retrains from scratch, another network),
          or now with Keep this run. Tick runs to overlay their loss curves. Runs are saved with the file.
        </p>
        {overlaid.length > 0 ? <OverlayChart runs={overlaid} /> : <p className="quantize-lead">No run is ticked.</p>}
        <table className="quantize-table runs-table" aria-label="Runs">
          <thead>
            <tr>
              <th>run</th><th>optimizer</th><th>lr</th><th>batch</th><th>parameters</th><th>steps/s</th><th>step</th><th>train loss</th><th>test loss</th><th>accuracy</th><th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r, i) => (
              <tr key={r.id} data-run={r.name}>
                <th>
                  <label className="runs-name">
                    <input type="checkbox" checked={shown.has(r.id)} onChange={() => toggleShown(r.id)} aria-label={`Overlay ${r.name}`} />
                    <span className="runs-swatch" style={{ background: shown.has(r.id) ? PALETTE[overlaid.indexOf(r) % PALETTE.length] : 'transparent' }} />
                    {r.name}
                  </label>
                </th>
                <td>{OPTIMIZERS[r.setup.optimizer]?.label ?? r.setup.optimizer}</td>
                <td>{r.setup.learningRate}</td>
                <td>{r.setup.batchSize}</td>
                <td>{r.parameters.toLocaleString('en-US')}</td>
                <td>{r.stepsPerSecond === null ? '—' : Math.round(r.stepsPerSecond).toLocaleString('en-US')}</td>
                <td>{r.final.step.toLocaleString('en-US')}</td>
                <td data-testid={`final-loss-${i}`}>{num(r.final.trainLoss)}</td>
                <td>{num(r.final.testLoss)}</td>
                <td>{pct(r.final.accuracy)}</td>
                <td>
                  <button type="button" className="lesson-icon" onClick={() => removeRun(r.id)} aria-label={`Delete ${r.name}`}>
                    <Trash2 size={14} aria-hidden />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs.length === 0 && <p className="quantize-lead">No runs yet: train, then Reset (or Keep this run).</p>}
        <footer className="lesson-nav">
          <span />
          <button
            type="button"
            className="lesson-button primary"
            disabled={!hasCurrent}
            onClick={() => { if (!keepCurrentRun(training, editor)) notify(editor, 'refused', 'Train a few steps first: there is no run to keep yet.'); }}
          >
            Keep this run
          </button>
        </footer>
      </section>
    </div>
  );
}
