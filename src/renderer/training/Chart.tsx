/**
 * A live line chart over the training history (uPlot). Redrawn with setData at most once per animation frame; the
 * legend under the plot shows the exact values at the cursor.
 */
import { memo, useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartHistory } from './store';
import { useTraining, useTrainingActions } from './store';

export interface ChartSeries {
  key: Exclude<keyof ChartHistory, 'step'>;
  label: string;
  /** CSS variable name of the stroke colour. */
  colorVar: string;
  dash?: number[];
}

export interface LiveChartProps {
  title: string;
  series: ChartSeries[];
  /** Log-scaled y axis. */
  log?: boolean;
  /** Fixed y range (accuracy: 0..1). */
  range?: [number, number];
  /** Axis ticks (short); `increment` is the spacing between ticks. */
  format(value: number, increment: number): string;
  /** Legend values at the cursor (exact). */
  exact(value: number): string;
}

/** Canvas 2D is missing in jsdom (unit tests): the chart then shows its latest values as text only. */
function canDrawCanvas(): boolean {
  if (typeof navigator !== 'undefined' && /jsdom/i.test(navigator.userAgent)) return false;
  return typeof HTMLCanvasElement !== 'undefined';
}

function compactInt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return String(Math.round(v));
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function columns(history: ChartHistory, series: ChartSeries[], log: boolean): uPlot.AlignedData {
  const clean = (values: (number | null)[]) =>
    values.map((v) => (v === null || !Number.isFinite(v) || (log && v <= 0) ? null : v));
  return [history.step, ...series.map((s) => clean(history[s.key]))] as uPlot.AlignedData;
}

/** The page's `data-theme`, re-read whenever it changes (the theme switch, the system's preference). */
function useThemeAttribute(): string {
  const [theme, setTheme] = useState(() => (typeof document === 'undefined' ? '' : document.documentElement.dataset.theme ?? ''));
  useEffect(() => {
    if (typeof MutationObserver === 'undefined') return;
    const root = document.documentElement;
    const observer = new MutationObserver(() => setTheme(root.dataset.theme ?? ''));
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

export const LiveChart = memo(function LiveChart({ title, series, log = false, range, format, exact }: LiveChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const store = useTrainingActions();
  const version = useTraining((s) => s.historyVersion);
  const frame = useRef<number | null>(null);
  const theme = useThemeAttribute();
  const [gridStroke, setGridStroke] = useState('');

  useEffect(() => {
    const el = holder.current;
    if (!el || !canDrawCanvas()) return;
    // Colours are read from the theme now (the chart is made again when the theme changes).
    const axisStroke = cssVar('--muted');
    const grid = { stroke: cssVar('--border'), width: 1 };
    setGridStroke(grid.stroke);
    const options: uPlot.Options = {
      width: Math.max(120, el.clientWidth),
      height: Math.max(80, el.clientHeight - 28),
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false },
        y: log ? { distr: 3 } : range ? { range: () => range } : {},
      },
      axes: [
        { stroke: axisStroke, grid, ticks: { ...grid, size: 4 }, gap: 3, size: 24, font: '10px Inter, sans-serif', values: (_u, ticks) => ticks.map((t) => compactInt(t)) },
        { stroke: axisStroke, grid, ticks: { ...grid, size: 4 }, gap: 3, size: 46, font: '10px Inter, sans-serif', values: (_u, ticks, _axis, _space, increment) => ticks.map((t) => format(t, increment)) },
      ],
      series: [
        { label: 'step', value: (_u, v) => (v === null ? '–' : Math.round(v).toLocaleString('en-US')) },
        ...series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.colorVar),
          width: 1.6,
          dash: s.dash,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : exact(v)),
        })),
      ],
    };
    const u = new uPlot(options, columns(store.getState().history, series, log), el);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      u.setSize({ width: Math.max(120, el.clientWidth), height: Math.max(80, el.clientHeight - 28) });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [store, series, log, range, format, exact, theme]);

  useEffect(() => {
    if (!plot.current || frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      plot.current?.setData(columns(store.getState().history, series, log));
    });
  }, [version, store, series, log]);

  useEffect(() => () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);

  return (
    <figure className="dock-chart" aria-label={title} data-grid={gridStroke}>
      <figcaption className="dock-section-title">{title}</figcaption>
      <div className="dock-chart-plot" ref={holder} />
    </figure>
  );
});
