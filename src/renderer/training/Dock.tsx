/**
 * The training dock under the canvas: data, the live line (epoch · step · steps/s · lr · losses), the decision
 * boundary, loss and accuracy charts, the confusion matrix, and what went wrong (divergence, a refused load).
 * Every number shown is the trainer's.
 */
import { imageShapeOf, MisclassifiedGallery, SampleImages } from './Digits';
import { ChevronDown, ChevronUp, TriangleAlert } from 'lucide-react';
import { memo, useState } from 'react';
import { parseNumber } from '../../shared/numbers';
import { useDraft } from '../components/useDraft';
import { useDoc } from '../editor/context';
import { Boundary } from './Boundary';
import { LiveChart, type ChartSeries } from './Chart';
import { DataPanel } from './DataPanel';
import { useTraining, type TrainingState } from './store';
import { openCalibration } from '../learn/calibrationStore';
import './dock.css';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const formatLoss = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toPrecision(4));
const formatPercent = (v: number) => `${(v * 100).toFixed(1)}%`;
/** Chart ticks: short. */
const tickLoss = (v: number, increment: number) => {
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4)) return v.toExponential(1);
  // As many decimals as the spacing of the ticks needs, so neighbouring ticks never read the same.
  const decimals = Math.min(8, Math.max(0, -Math.floor(Math.log10(increment > 0 ? increment : 1))));
  return v.toFixed(decimals);
};
const tickPercent = (v: number) => `${Math.round(v * 100)}%`;
/** Legend at the cursor: the trainer's value to six significant digits. */
const exactLoss = (v: number) => v.toPrecision(6);
const exactPercent = (v: number) => `${(v * 100).toFixed(2)}%`;

const LOSS_SERIES: ChartSeries[] = [
  { key: 'trainLoss', label: 'train', colorVar: '--accent' },
  { key: 'testLoss', label: 'test', colorVar: '--warning', dash: [5, 3] },
];
const ACCURACY_SERIES: ChartSeries[] = [
  { key: 'trainAccuracy', label: 'train', colorVar: '--accent' },
  { key: 'testAccuracy', label: 'test', colorVar: '--warning', dash: [5, 3] },
];
const ACCURACY_RANGE: [number, number] = [0, 1];

const selectLive = (s: TrainingState) => s.snapshot;

function LiveLine() {
  const snapshot = useTraining(selectLive);
  const status = useTraining((s) => s.status);
  const imported = useTraining((s) => s.imported);
  if (!snapshot) {
    const text = status.kind === 'idle' ? status.reason : status.kind === 'loading' ? 'Loading the network into the trainer…' : status.kind === 'error' ? '' : 'Ready.';
    return <div className="dock-live" aria-label="Training progress">{text}</div>;
  }
  const e = snapshot.evaluation;
  // Imported trained weights, not yet trained on here: the step they were trained to (if their file says), never a bare 0.
  const fromImport = imported !== null && snapshot.step === (imported.step ?? 0);
  return (
    <div className="dock-live" aria-label="Training progress">
      <span data-testid="live-epoch">epoch {int(snapshot.epoch)}</span>
      <span data-testid="live-step" title={fromImport ? 'These are imported trained weights (Export ▸ Import trained weights)' : undefined}>
        {fromImport && imported.step === null ? 'imported weights' : `step ${int(snapshot.step)}${fromImport ? ' · imported' : ''}`}
      </span>
      <span data-testid="live-rate">{int(snapshot.stepsPerSecond)} steps/s</span>
      <span data-testid="live-lr">lr {snapshot.learningRate}</span>
      <span className="dock-live-metric" title={`train loss ${e.trainLoss}`}>
        train loss <b data-testid="train-loss" data-value={e.trainLoss}>{formatLoss(e.trainLoss)}</b>
      </span>
      {e.testLoss !== null && (
        <span className="dock-live-metric" title={`test loss ${e.testLoss}`}>
          test loss <b data-testid="test-loss" data-value={e.testLoss}>{formatLoss(e.testLoss)}</b>
        </span>
      )}
      {e.testAccuracy !== undefined && (
        <span className="dock-live-metric" title={`test accuracy ${e.testAccuracy}`}>
          test acc <b data-testid="test-accuracy" data-value={e.testAccuracy}>{formatPercent(e.testAccuracy)}</b>
        </span>
      )}
      {status.kind === 'running' && <span className="dock-running">training</span>}
      {status.kind === 'idle' && <span className="dock-idle">{status.reason}</span>}
    </div>
  );
}

function Problems() {
  const status = useTraining((s) => s.status);
  const divergence = useTraining((s) => s.divergence);
  const commandError = useTraining((s) => s.commandError);
  const setSetup = useTraining((s) => s.setSetup);
  const load = useTraining((s) => s.load);
  if (divergence) {
    const lower = divergence.suggestedRate;
    return (
      <div className="dock-problem" aria-live="assertive" aria-label="Divergence">
        <TriangleAlert size={16} aria-hidden />
        <div>
          <strong>Training stopped.</strong> {divergence.message} The weights are those of step {int(Math.max(0, divergence.step - 1))}.
          {' '}The learning rate {divergence.learningRate} is too high; try {lower}.
        </div>
        <button type="button" className="dock-button" onClick={() => setSetup({ learningRate: lower })}>
          Lower learning rate to {lower}
        </button>
      </div>
    );
  }
  if (status.kind === 'error') {
    return (
      <div className="dock-problem" aria-live="polite" aria-label="Training problem">
        <TriangleAlert size={16} aria-hidden />
        <div><strong>Can’t train this yet.</strong> {status.message}</div>
        <button type="button" className="dock-button" onClick={() => void load()}>Try again</button>
      </div>
    );
  }
  if (commandError) {
    return (
      <div className="dock-problem" aria-live="polite" aria-label="Training problem">
        <TriangleAlert size={16} aria-hidden />
        <div>{commandError}</div>
      </div>
    );
  }
  return null;
}

function SetupFields() {
  const training = useDoc((s) => s.doc.training);
  const setSetup = useTraining((s) => s.setSetup);
  const stopAfter = useTraining((s) => s.stopAfterEpochs);
  const setStopAfter = useTraining((s) => s.setStopAfter);
  const field = (label: string, value: string, commit: (text: string) => boolean, title: string) => (
    <SmallField key={label} label={label} value={value} commit={commit} title={title} />
  );
  const nonNegative = (key: 'l1' | 'l2') => (text: string) => {
    const v = parseNumber(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < 0) return false;
    setSetup({ [key]: v });
    return true;
  };
  return (
    <div className="dock-setup" aria-label="More training settings">
      {field('L1', String(training.l1), nonNegative('l1'), 'L1 regularisation of the weights (0 = off)')}
      {field('L2', String(training.l2), nonNegative('l2'), 'L2 regularisation of the weights (0 = off)')}
      {field('seed', String(training.seed), (t) => {
        const v = parseNumber(t);
        if (!Number.isInteger(v)) return false;
        setSetup({ seed: v });
        return true;
      }, 'Seed of the initialiser and of the batch order (Reset draws fresh weights from it)')}
      {field('stop after', stopAfter === null ? '' : String(stopAfter), (t) => {
        if (t.trim() === '') {
          setStopAfter(null);
          return true;
        }
        const v = parseNumber(t);
        if (!Number.isInteger(v) || v < 1) return false;
        setStopAfter(v);
        return true;
      }, 'Play stops by itself after this many epochs (empty: never)')}
    </div>
  );
}

function SmallField({ label, value, commit, title }: { label: string; value: string; commit(text: string): boolean; title: string }) {
  const { inputProps } = useDraft(value, (text) => (commit(text) ? null : 'refused'));
  return (
    <label className="dock-field dock-field-inline" title={title}>
      <span>{label}</span>
      <input
        className="dock-input"
        aria-label={label === 'stop after' ? 'Stop after epochs' : label}
        placeholder={label === 'stop after' ? 'never' : undefined}
        {...inputProps}
      />
    </label>
  );
}

function Confusion() {
  const confusion = useTraining((s) => s.snapshot?.evaluation.confusion);
  const loaded = useTraining((s) => s.loaded);
  if (!confusion || !loaded) return null;
  const names = loaded.task === 'binary' ? ['0', '1'] : loaded.targetNames;
  const max = Math.max(1, ...confusion.flat());
  return (
    <figure className="dock-confusion" aria-label="Confusion matrix">
      <figcaption className="dock-section-title">Confusion ({loaded.testSize > 0 ? 'test' : 'train'})</figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col" title="true class ↓ · predicted class →">true ↓</th>
            {names.map((n) => <th key={n} scope="col" title={`predicted ${n}`}>{n}</th>)}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, i) => (
            <tr key={i}>
              <th scope="row" title={`true ${names[i] ?? i}`}>{names[i] ?? i}</th>
              {row.map((count, j) => (
                <td
                  key={j}
                  title={`true ${names[i] ?? i}, predicted ${names[j] ?? j}: ${count}`}
                  style={{ background: `color-mix(in srgb, ${i === j ? 'var(--accent)' : 'var(--danger)'} ${Math.round((count / max) * 70)}%, transparent)` }}
                >
                  {count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** For the status bar: "epoch 12 · 41,200 steps/s", or nothing before the first snapshot. */
export function TrainingStatusItem() {
  const epoch = useTraining((s) => s.snapshot?.epoch);
  const rate = useTraining((s) => s.snapshot?.stepsPerSecond);
  const kind = useTraining((s) => s.status.kind);
  if (epoch === undefined || rate === undefined) return null;
  return (
    <span className="status-item" title="Training: complete epochs, optimiser steps per second">
      epoch {int(epoch)}{kind === 'running' ? ` · ${int(rate)} steps/s` : kind === 'diverged' ? ' · diverged' : kind === 'ready' ? ' · paused' : ''}
    </span>
  );
}

export const Dock = memo(function Dock() {
  // Until the user opens or closes it, the dock is open whenever there is a network (an empty one has nothing to train,
  // and the start screen needs the room).
  const [choice, setOpen] = useState<boolean | null>(null);
  const hasNetwork = useDoc((s) => s.doc.nodes.length > 0);
  const open = choice ?? hasNetwork;
  const [logScale, setLogScale] = useState(false);
  const task = useTraining((s) => s.loaded?.task);
  const classification = task === 'binary' || task === 'multiclass';
  // Images have no plane to draw a boundary on: their column shows sample images instead (SampleImages).
  const images = useDoc((s) => imageShapeOf(s.doc.data) !== null);
  return (
    <section className={`dock${open ? '' : ' dock-closed'}`} aria-label="Training">
      <header className="dock-header">
        <button type="button" className="dock-toggle" onClick={() => setOpen(!open)} aria-expanded={open} aria-label={open ? 'Collapse training dock' : 'Expand training dock'}>
          {open ? <ChevronDown size={14} aria-hidden /> : <ChevronUp size={14} aria-hidden />}
          Training
        </button>
        <LiveLine />
      </header>
      {open && (
        <div className="dock-body">
          <Problems />
          <div className="dock-columns">
            <div className="dock-column dock-column-data">
              <DataPanel />
              <SampleImages />
              <SetupFields />
            </div>
            {!images && (
              <div className="dock-column dock-column-boundary">
                <Boundary />
              </div>
            )}
            <div className="dock-column dock-column-chart">
              <LiveChart title="Loss" series={LOSS_SERIES} log={logScale} format={tickLoss} exact={exactLoss} />
              <label className="dock-check dock-log">
                <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> log scale
              </label>
            </div>
            {classification && (
              <div className="dock-column dock-column-chart">
                <LiveChart title="Accuracy" series={ACCURACY_SERIES} range={ACCURACY_RANGE} format={tickPercent} exact={exactPercent} />
              </div>
            )}
            {classification && (
              <div className="dock-column dock-column-confusion">
                <Confusion />
                <button type="button" className="dock-button dock-calibration" onClick={openCalibration} title="How confident the network is against how often it is right, and the test examples it gets confidently wrong">
                  Calibration…
                </button>
              </div>
            )}
            {classification && (
              <div className="dock-column dock-column-images">
                <MisclassifiedGallery />
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
});
