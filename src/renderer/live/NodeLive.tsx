/**
 * What a Neuron or Dense node shows of itself while it learns:
 * - on 2-D data, a small heatmap of its (first unit's) output over the input plane, as in TensorFlow Playground;
 * - otherwise, its live value for the traced example;
 * - a diagnostics badge when its units are dead or its gradient vanishes or explodes.
 */
import { memo, useEffect, useRef } from 'react';
import { describeDiagnostics } from '../../core/diagnostics';
import { divergingRgba } from './colors';
import { requestHeatmap } from './heatmapRequests';
import { useExplain } from './explainStore';
import { selectPlane, useLive, useLiveStore } from './hooks';

/** Map an output value to the palette's [−1, 1]: sigmoid outputs (0…1) are centred on 0.5, others on 0. */
export function heatmapT(value: number, activation: string, scale: number): number {
  if (activation === 'sigmoid' || activation === 'softmax') return 2 * value - 1;
  return value / scale;
}

/** Paint a resolution² heatmap (row 0 at the bottom of the plane) into RGBA bytes, top row first. */
export function paintHeatmap(values: Float32Array, activation: string, image: Uint8ClampedArray): number {
  const res = Math.round(Math.sqrt(values.length));
  let max = 1;
  if (activation !== 'tanh' && activation !== 'sigmoid' && activation !== 'softmax') {
    max = 0;
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]!) > max) max = Math.abs(values[i]!);
    if (!(max > 0)) max = 1;
  }
  for (let iy = 0; iy < res; iy++) {
    for (let ix = 0; ix < res; ix++) divergingRgba(heatmapT(values[iy * res + ix]!, activation, max), image, ((res - 1 - iy) * res + ix) * 4);
  }
  return res;
}

export const NodeHeatmap = memo(function NodeHeatmap({ nodeId, activation }: { nodeId: string; activation: string }) {
  const store = useLiveStore();
  const plane = useLive(selectPlane, false);
  const values = useLive((s) => s.snapshot?.heatmaps?.[nodeId], undefined);
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!store || !plane) return;
    return requestHeatmap(store, nodeId);
  }, [store, plane, nodeId]);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !values) return;
    const res = Math.round(Math.sqrt(values.length));
    if (canvas.width !== res) canvas.width = canvas.height = res;
    const image = ctx.createImageData(res, res);
    paintHeatmap(values, activation, image.data);
    ctx.putImageData(image, 0, 0);
  }, [values, activation]);
  if (!plane || !values) return null;
  return <canvas ref={ref} className="nw-heatmap nodrag" width={1} height={1} data-testid="node-heatmap" title="This unit's output over the input plane" />;
});

/**
 * The live value of the traced example (non-plane data), once training has moved the weights away from the
 * document's (before that the editor's own value is the same number); hidden in explain mode, which has its own.
 */
export const NodeLiveValue = memo(function NodeLiveValue({ nodeId }: { nodeId: string }) {
  const plane = useLive(selectPlane, false);
  const explaining = useExplain((s) => s.open);
  const text = useLive((s) => {
    if (explaining || !s.snapshot || s.snapshot.step === 0) return '';
    const a = s.snapshot.trace?.[nodeId]?.a;
    if (!a || a.length === 0) return '';
    const shown = a.slice(0, 3).map((v) => String(Number(v.toPrecision(4)))).join(', ');
    return a.length === 1 ? shown : `[${shown}${a.length > 3 ? ', …' : ''}]`;
  }, '');
  if (plane || text === '') return null;
  return <div className="nw-live-value" data-testid="live-value" title="Live output on the selected example">live a = {text}</div>;
});

/** A badge with the diagnostics of this node, and the words in a tooltip. */
export const DiagnosticBadge = memo(function DiagnosticBadge({ nodeId, units }: { nodeId: string; units: number }) {
  const text = useLive((s) => {
    const d = s.snapshot?.diagnostics;
    return d ? describeDiagnostics(d, nodeId, units).join('\n') : '';
  }, '');
  if (text === '') return null;
  const lines = text.split('\n');
  const kind = lines.some((l) => l.includes('dead')) ? 'dead' : lines.some((l) => l.includes('exploding')) ? 'exploding' : 'vanishing';
  return (
    <span className={`nw-diag-badge ${kind}`} role="img" aria-label={text} title={text} data-testid="diagnostic-badge" data-kind={kind}>
      {kind === 'dead' ? 'dead' : kind === 'exploding' ? '∇ explodes' : '∇ vanishes'}
      <span className="nw-diag-pop" aria-hidden>
        {lines.map((line, i) => <span key={i}>{line}</span>)}
      </span>
    </span>
  );
});
