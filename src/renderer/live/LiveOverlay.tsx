/**
 * Over the canvas while a network learns: the weight legend (the scale = the largest |weight| now), the switch for
 * gradient pulses, the entry to explain mode, and explain mode's step-through panel.
 */
import { ChevronLeft, ChevronRight, GraduationCap, X } from 'lucide-react';
import { useEffect } from 'react';
import { getNodesBounds, useReactFlow, useStoreApi } from '@xyflow/react';
import { useDoc, useEditor, useView } from '../editor/context';
import { exampleInputs } from '../editor/trace';
import { edit } from '../editor/store';
import { POSITIVE_RGB, NEGATIVE_RGB, NEUTRAL_RGB } from './colors';
import { applyUpdate } from './explainStages';
import { closeExplain, explainStore, refreshExplain, useExplain } from './explainStore';
import { selectWeightScale, useLive, useLiveStore } from './hooks';
import { useLivePrefs, livePrefs, scaleFor } from './prefs';
import { parseNumber } from '../../shared/numbers';
import { PulseLayer } from './pulseLayer';
import { documentWeightScale } from './stats';
import './live.css';

const rgb = (c: readonly number[]) => `rgb(${c.join(' ')})`;
const GRADIENT = `linear-gradient(to right, ${rgb(NEGATIVE_RGB)}, ${rgb(NEUTRAL_RGB)}, ${rgb(POSITIVE_RGB)})`;

/** A scale end as the legend prints it: three significant digits. */
export function legendNumber(v: number): string {
  return String(Number(v.toPrecision(3)));
}

export function WeightLegend() {
  const largest = useLive(selectWeightScale, null);
  const pulses = useLivePrefs((p) => p.pulses);
  const weightScale = useLivePrefs((p) => p.weightScale);
  const liveScale = largest === null ? null : scaleFor(weightScale, largest);
  const explainOpen = useExplain((s) => s.open);
  const hasWeights = useDoc((s) => s.doc.edges.some((e) => e.weights !== undefined));
  const docScale = useDoc((s) => (liveScale === null ? documentWeightScale(s.doc.edges.map((e) => e.weights)) : 1));
  const scale = liveScale ?? (hasWeights ? docScale : null);
  const { openExplain } = useExplainActions();
  return (
    <div className="nw-legend" role="group" aria-label="Weight legend">
      {scale !== null && (
        <div className="nw-legend-scale" title="Edge colour: orange negative, blue positive; width and opacity grow with |weight|">
          <span className="nw-legend-end" data-testid="legend-min">−{legendNumber(scale)}</span>
          <span className="nw-legend-bar" style={{ background: GRADIENT }} aria-hidden />
          <span className="nw-legend-end" data-testid="legend-max">{legendNumber(scale)}</span>
          <span className="nw-legend-label">weight{liveScale !== null ? ' (live)' : ''}</span>
        </div>
      )}
      {largest !== null && <ScaleControl />}
      <label className="nw-legend-toggle" title="Pulses run along the edges from the loss back to the inputs, brighter where the gradient is larger">
        <input type="checkbox" checked={pulses} onChange={(e) => livePrefs.getState().setPulses(e.target.checked)} aria-label="Gradient pulses" />
        gradient pulses
      </label>
      <button
        type="button"
        className={`nw-legend-button${explainOpen ? ' active' : ''}`}
        onClick={() => (explainOpen ? closeExplain() : void openExplain())}
        aria-pressed={explainOpen}
        title="Step through one example: forward, loss, backward, update, with every number"
      >
        <GraduationCap size={14} aria-hidden /> Explain
      </button>
    </div>
  );
}

/** Fixed clamp (±1 by default, or typed) or relative to the largest |weight|. */
function ScaleControl() {
  const scale = useLivePrefs((p) => p.weightScale);
  const set = livePrefs.getState().setWeightScale;
  return (
    <span className="nw-legend-scale-control">
      <select
        aria-label="Weight colour scale"
        title="Fixed: an edge's colour means the same weight all along (clamped at ±the value). Relative: the largest |weight| now is full colour."
        value={scale.mode}
        onChange={(e) => set(e.target.value === 'relative' ? { mode: 'relative' } : { mode: 'fixed', clamp: 1 })}
      >
        <option value="fixed">fixed</option>
        <option value="relative">relative</option>
      </select>
      {scale.mode === 'fixed' && (
        <input
          key={scale.clamp}
          className="nw-legend-clamp nodrag nokey"
          aria-label="Weight colour clamp"
          title="Weights beyond ± this value get full colour"
          defaultValue={legendNumber(scale.clamp)}
          inputMode="decimal"
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
          }}
          onBlur={(e) => {
            const v = Math.abs(parseNumber(e.currentTarget.value));
            if (Number.isFinite(v) && v > 0) set({ mode: 'fixed', clamp: v });
            else e.currentTarget.value = legendNumber(scale.clamp);
          }}
        />
      )}
    </span>
  );
}

/** Width of the explain panel (keep in step with --explain-width in live.css): the view is fitted beside it. */
export const EXPLAIN_PANEL_WIDTH = 400;

function useExplainActions() {
  const editor = useEditor();
  const training = useLiveStore();
  return {
    async openExplain(row?: number) {
      if (training) {
        const state = training.getState();
        if (state.status.kind === 'running') await state.pause();
        // Explain the network as trained: the trainer's weights into the document (not an undoable edit).
        training.getState().applySnapshotToDocument();
      }
      explainStore.setState({ open: true, index: 0 });
      refreshExplain(editor.document.getState().doc, row ?? explainStore.getState().row, 0);
      // Make room for the panel: the network beside it, not under it.
    },
    apply() {
      const { step } = explainStore.getState();
      if (!step) return;
      training?.getState().applySnapshotToDocument();
      edit(editor, (doc) => applyUpdate(doc, step));
      refreshExplain(editor.document.getState().doc, explainStore.getState().row, 0);
    },
  };
}

/** Canvas pixels the panel covers on the left (with its margin), and the margins kept free elsewhere (notes sit right of nodes). */
const FREE = { left: EXPLAIN_PANEL_WIDTH + 30, top: 70, right: 180, bottom: 30 };
/** Explain mode never shows the network smaller than this: the numbers must stay readable. */
const MIN_READABLE_ZOOM = 0.8;

/**
 * The camera follows the explanation: when what the current stage is about lies under the panel or off screen, the
 * view pans (and zooms in to a readable size if needed) to put it in the free part of the canvas.
 */
function useFollowStage(): void {
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  const stage = useExplain((s) => (s.open ? s.stages[s.index] ?? null : null));
  useEffect(() => {
    if (!stage) return;
    // Later than the editor's own fit of a freshly replaced document (it refits while the undo history is empty).
    const timer = window.setTimeout(() => {
      const { width, height, transform } = flowStore.getState();
      const ids = new Set(stage.focusNodes);
      const doc = flow.getEdges();
      for (const e of doc) if (stage.focusEdges.includes(e.id)) { ids.add(e.source); ids.add(e.target); }
      const nodes = flow.getNodes().filter((n) => ids.size === 0 || ids.has(n.id));
      if (nodes.length === 0 || width === 0 || height === 0) return;
      const b = getNodesBounds(nodes);
      const zoom = Math.max(transform[2], MIN_READABLE_ZOOM);
      const free = { x0: FREE.left, y0: FREE.top, x1: width - FREE.right, y1: height - FREE.bottom };
      const [tx, ty] = transform;
      const inside =
        zoom === transform[2] &&
        b.x * zoom + tx >= free.x0 && (b.x + b.width) * zoom + tx <= free.x1 &&
        b.y * zoom + ty >= free.y0 && (b.y + b.height) * zoom + ty <= free.y1;
      if (inside) return;
      const cx = (free.x0 + free.x1) / 2;
      const cy = (free.y0 + free.y1) / 2;
      void flow.setViewport({ x: cx - (b.x + b.width / 2) * zoom, y: cy - (b.y + b.height / 2) * zoom, zoom }, { duration: 250 });
    }, 80);
    return () => window.clearTimeout(timer);
  }, [stage, flow, flowStore]);
}

export function ExplainPanel() {
  useFollowStage();
  const open = useExplain((s) => s.open);
  const index = useExplain((s) => s.index);
  const stages = useExplain((s) => s.stages);
  const error = useExplain((s) => s.error);
  const row = useExplain((s) => s.row);
  const rows = useExplain((s) => s.rows);
  const { openExplain, apply } = useExplainActions();
  const doc = useDoc((s) => s.doc);
  const running = useLive((s) => s.status.kind === 'running', false);

  // The document changed under explain mode (an edit, an undo): explain the new one, from the start.
  useEffect(() => {
    if (explainStore.getState().open) refreshExplain(doc, explainStore.getState().row, 0);
  }, [doc]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      const s = explainStore.getState();
      if (e.key === 'ArrowRight' && s.index < s.stages.length - 1) explainStore.setState({ index: s.index + 1 });
      else if (e.key === 'ArrowLeft' && s.index > 0) explainStore.setState({ index: s.index - 1 });
      else if (e.key === 'Escape') closeExplain();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  if (!open) return null;
  const stage = stages[index];
  const go = (i: number) => explainStore.setState({ index: i });
  return (
    <section className="nw-explain" aria-label="Explain mode">
      <header className="nw-explain-head">
        <strong>Explain one example</strong>
        <label className="nw-explain-row">
          example
          <input
            className="nodrag nokey"
            type="number"
            min={1}
            max={Math.max(1, rows)}
            value={row + 1}
            aria-label="Example number"
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isInteger(v) && v >= 1) void openExplain(v - 1);
            }}
          />
          <span className="nw-muted">of {rows}</span>
        </label>
        <button type="button" className="nw-icon-button" onClick={closeExplain} aria-label="Close explain mode" title="Close (Esc)">
          <X size={14} />
        </button>
      </header>
      {error && <p className="nw-explain-error" role="alert">{error}</p>}
      {stage && (
        <>
          <ol className="nw-explain-phases" aria-label="Phases">
            {(['forward', 'loss', 'backward', 'update'] as const).map((p) => (
              <li key={p} className={stage.phase === p ? 'current' : ''}>
                <button type="button" onClick={() => go(stages.findIndex((s) => s.phase === p))}>{p}</button>
              </li>
            ))}
          </ol>
          <h3 className="nw-explain-title" data-testid="explain-title">{stage.title}</h3>
          <div className="nw-explain-lines" data-testid="explain-lines">
            {stage.lines.map((line, i) => <div key={i}>{line}</div>)}
          </div>
          <footer className="nw-explain-foot">
            <button type="button" onClick={() => go(index - 1)} disabled={index === 0} aria-label="Previous step">
              <ChevronLeft size={14} /> Prev
            </button>
            <span className="nw-muted" data-testid="explain-position">{index + 1} / {stages.length}</span>
            {stage.phase === 'update' ? (
              <button type="button" className="primary" onClick={apply} disabled={running} title="Write the new weights into the network (Undo takes them back)">
                Apply update
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => go(index + 1)} aria-label="Next step">
                Next <ChevronRight size={14} />
              </button>
            )}
          </footer>
        </>
      )}
    </section>
  );
}

/**
 * On data that is not the 2-D plane, nodes show their live value on the editor's example: ask the trainer to trace it
 * (the Input nodes' example values, by feature name; a feature no Input shows is 0).
 */
function useExampleTrace(): void {
  const training = useLiveStore();
  const featureNames = useLive((s) => s.loaded?.featureNames.join('\u0000') ?? null, null);
  /** null until the first snapshot says whether the data is the plane. */
  const plane = useLive((s) => (s.snapshot ? s.snapshot.heatmapExtent !== undefined : null), null);
  const doc = useDoc((s) => s.doc);
  const stored = useView((s) => s.exampleValues);
  useEffect(() => {
    if (!training || featureNames === null || plane !== false) return;
    const values = new Map<string, number>();
    const inputs = exampleInputs(doc, stored);
    for (const node of doc.nodes) if (node.type === 'input') node.features.forEach((f, i) => values.set(f, inputs[node.id]?.[i] ?? 0));
    const example = featureNames.split('\u0000').map((f) => values.get(f) ?? 0);
    training.getState().requestView({ example });
  }, [training, featureNames, plane, doc, stored]);
}

/** Everything live over the canvas. */
export function LiveOverlay() {
  useExampleTrace();
  return (
    <>
      <PulseLayer />
      <WeightLegend />
      <ExplainPanel />
    </>
  );
}
