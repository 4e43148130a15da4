/**
 * Explain mode for a convolution, in the inspector of a Conv2D: one output pixel (row, column, filter) on the
 * example, `z = Σ w·x + b` with the actual input patch and kernel numbers as small grids side by side (one pair per
 * input channel, with its partial sum), the sum, the bias, z and the activation. Every number is the core's
 * (explainConvPixel); clicking a pixel of the node's feature maps picks it.
 */
import { memo, useMemo } from 'react';
import { create } from 'zustand';
import type { ConvPixel, ConvPixelExplanation } from '../../core/explainConv';
import type { Conv2DNode } from '../../core/kinds/conv2d';
import { useAnalysis } from '../editor/analysis';
import { NumberField } from '../editor/fields';
import { ACTIVATION_LABELS } from '../editor/labels';
import { explainConvAt, formatValue } from '../editor/trace';
import { divergingRgba } from './colors';

/** The pixel picked on each Conv2D (by node id); absent: the middle of the first filter's map. */
export const useConvPixels = create<{ picked: Record<string, ConvPixel>; pick(nodeId: string, at: ConvPixel): void }>()((set) => ({
  picked: {},
  pick: (nodeId, at) => set((s) => ({ picked: { ...s.picked, [nodeId]: at } })),
}));

/** Channels shown as grids; the rest are summed in one line. */
const MAX_CHANNELS = 16;

const cell = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function rgb(t: number): string {
  const out = new Uint8ClampedArray(4);
  divergingRgba(t, out, 0);
  return `rgb(${out[0]}, ${out[1]}, ${out[2]})`;
}

/** A kh×kw grid of numbers, each cell tinted: input values as ink (dark = high), weights by sign and size. */
function Grid({ values, kw, scale, kind, padded, label }: { values: number[]; kw: number; scale: number; kind: 'input' | 'weight'; padded?: boolean[]; label: string }) {
  return (
    <table className={`nw-conv-grid ${kind}`} aria-label={label}>
      <tbody>
        {Array.from({ length: values.length / kw }, (_, y) => (
          <tr key={y}>
            {Array.from({ length: kw }, (_, x) => {
              const k = y * kw + x;
              const v = values[k]!;
              const t = scale > 0 ? v / scale : 0;
              // Drawn like the images themselves in both themes: input as ink on paper (dark = high, as the digits and
              // feature maps), weights on the edges' palette; the text takes the contrasting colour.
              const ink = Math.round(255 * (1 - 0.85 * Math.max(0, Math.min(1, t))));
              const style = kind === 'weight'
                ? { background: rgb(t), color: Math.abs(t) > 0.6 ? '#ffffff' : '#161a1f' }
                : { background: `rgb(${ink}, ${ink}, ${ink})`, color: ink < 140 ? '#ffffff' : '#161a1f' };
              return (
                <td key={x} style={style} className={padded?.[k] ? 'padded' : undefined} title={padded?.[k] ? 'outside the image (padding): 0' : formatValue(v)}>
                  {cell(v)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Explanation({ e }: { e: ConvPixelExplanation }) {
  const [kh, kw] = e.kernelSize;
  const shown = e.channels.slice(0, MAX_CHANNELS);
  const rest = e.channels.slice(MAX_CHANNELS);
  const inputScale = Math.max(1e-12, ...e.channels.flatMap((c) => c.patch.map(Math.abs)));
  const weightScale = Math.max(1e-12, ...e.channels.flatMap((c) => c.weights.map(Math.abs)));
  const activation = ACTIVATION_LABELS[e.activation as keyof typeof ACTIVATION_LABELS] ?? e.activation;
  return (
    <div className="nw-conv-explain" data-testid="conv-explain">
      <p className="inspector-note">
        Output pixel row {e.row}, column {e.col} of filter {e.filter}: the {kh}×{kw} window at input row {e.origin[0]}, column {e.origin[1]}
        {e.channels.length > 1 ? `, over ${e.channels.length} input channels` : ''}. Left: the input under the window; right: the kernel.
      </p>
      {shown.map((c) => (
        <div key={c.channel} className="nw-conv-term" data-testid="conv-term">
          <div className="nw-conv-caption">
            {e.channels.length > 1 ? `channel ${c.channel}: ` : ''}Σ w·x = <span className="nw-conv-sum" title={String(c.sum)}>{formatValue(c.sum)}</span>
          </div>
          <div className="nw-conv-pair">
            <Grid values={c.patch} kw={kw} scale={inputScale} kind="input" padded={e.padded} label={`input patch, channel ${c.channel}`} />
            <span className="nw-conv-op" aria-label="times">·</span>
            <Grid values={c.weights} kw={kw} scale={weightScale} kind="weight" label={`kernel, channel ${c.channel}`} />
          </div>
        </div>
      ))}
      {rest.length > 0 && (
        <p className="inspector-note">…and {rest.length} more channels, together {formatValue(rest.reduce((s, c) => s + c.sum, 0))}.</p>
      )}
      <dl className="inspector-values nw-conv-total">
        <div><dt>Σ w·x</dt><dd data-testid="conv-sum">{formatValue(e.sum)}</dd></div>
        <div><dt>+ b</dt><dd data-testid="conv-bias">{e.bias === null ? 'none' : formatValue(e.bias)}</dd></div>
        <div><dt>z</dt><dd data-testid="conv-z" data-value={e.z} data-forward={e.forwardZ}>{formatValue(e.z)}</dd></div>
        <div><dt>a</dt><dd data-testid="conv-a" data-value={e.a}>{activation}(z) = {formatValue(e.a)}</dd></div>
      </dl>
    </div>
  );
}

/** The inspector section of a Conv2D. */
export const ConvExplain = memo(function ConvExplain({ node }: { node: Conv2DNode }) {
  const { runDoc, stored, report } = useAnalysis();
  const shape = report.shapes[node.id];
  const picked = useConvPixels((s) => s.picked[node.id]);
  const pick = useConvPixels((s) => s.pick);
  const [oh, ow, filters] = shape && shape.length === 3 ? (shape as [number, number, number]) : [0, 0, 0];
  const at: ConvPixel = picked && picked.row < oh && picked.col < ow && picked.filter < filters
    ? picked
    : { row: Math.floor(oh / 2), col: Math.floor(ow / 2), filter: 0 };
  const result = useMemo(() => (oh > 0 ? explainConvAt(runDoc, stored, node.id, at) : null), [runDoc, stored, node.id, at.row, at.col, at.filter, oh]); // eslint-disable-line react-hooks/exhaustive-deps
  if (oh === 0) return null;
  const set = (key: keyof ConvPixel) => (v: number) => {
    pick(node.id, { ...at, [key]: v });
    return null;
  };
  return (
    <section className="inspector-section" aria-label="Explain one output pixel">
      <h3 className="inspector-section-title">Explain one output pixel</h3>
      <p className="inspector-note">Pick a pixel of a feature map on the node, or type it: z = Σ w·x + b on the example.</p>
      <div className="nw-conv-pick">
        <NumberField label="Row" value={at.row} step={1} min={0} max={oh - 1} integer onCommit={set('row')} />
        <NumberField label="Column" value={at.col} step={1} min={0} max={ow - 1} integer onCommit={set('col')} />
        <NumberField label="Filter" value={at.filter} step={1} min={0} max={filters - 1} integer onCommit={set('filter')} />
      </div>
      {result && !result.ok && <p className="inspector-note">{result.message}</p>}
      {result && result.ok && <Explanation e={result.value} />}
    </section>
  );
});
