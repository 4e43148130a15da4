/**
 * The data and what the network makes of it. 2-D sets: the output of the Output node's producer over the plane
 * (the decision boundary, or the regression surface) under the points, train filled and test outlined.
 * Tabular sets: a scatter of two features. Hover shows the exact numbers under the cursor.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { BUILTIN_DATASETS, PLANE_EXTENT, loadDataset } from '../../core/data';
import type { DataReference } from '../../core/document';
import { useDoc } from '../editor/context';
import { boundaryNodeId, useTraining } from './store';

const SIZE = 200;

interface Points {
  /** n × 2 coordinates per split, in data units. */
  train: Float32Array;
  test: Float32Array;
  trainY: Float32Array;
  testY: Float32Array;
  /** Target columns per row (1 for binary/regression, k for one-hot multiclass). */
  targets: number;
  task: 'binary' | 'multiclass' | 'regression';
  /** Axis names and the square extent drawn. */
  xName: string;
  yName: string;
  extent: number;
  plane: boolean;
  yMin: number;
  yMax: number;
}

function pointsOf(ref: DataReference): Points | { error: string } | null {
  if (ref.kind === 'none') return null;
  // Image sets have no plane to draw: their samples and misclassified digits are shown by Digits.tsx.
  if (ref.kind === 'builtin' && BUILTIN_DATASETS.find((d) => d.id === ref.name)?.kind === 'image') return null;
  const made = loadDataset(ref);
  if (!made.ok) return { error: made.message };
  const ds = made.dataset;
  const t = ds.targetNames.length;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const split of [ds.train, ds.test]) {
    for (let i = 0; i < split.n; i++) {
      yMin = Math.min(yMin, split.y[i * t]!);
      yMax = Math.max(yMax, split.y[i * t]!);
    }
  }
  if (made.plane) {
    return {
      train: made.plane.train, test: made.plane.test, trainY: ds.train.y, testY: ds.test.y, targets: t, task: ds.task,
      xName: 'x', yName: 'y', extent: PLANE_EXTENT, plane: true, yMin, yMax,
    };
  }
  // Tabular: the first two features as they are fed to the network (standardised when the data set says so).
  const f = ds.featureNames.length;
  if (f < 1) return { error: 'This data set has no features to plot.' };
  const pick = (x: Float32Array | Float64Array, n: number) => {
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      out[i * 2] = x[i * f]!;
      out[i * 2 + 1] = f > 1 ? x[i * f + 1]! : 0;
    }
    return out;
  };
  const train = pick(ds.train.x, ds.train.n);
  const test = pick(ds.test.x, ds.test.n);
  let extent = 0;
  for (const v of train) extent = Math.max(extent, Math.abs(v));
  for (const v of test) extent = Math.max(extent, Math.abs(v));
  return {
    train, test, trainY: ds.train.y, testY: ds.test.y, targets: t, task: ds.task,
    xName: ds.featureNames[0]!, yName: ds.featureNames[1] ?? '', extent: extent * 1.08 || 1, plane: false, yMin, yMax,
  };
}

/** Class colours as in TensorFlow Playground: orange for 0 / negative, blue for 1 / positive. */
const LOW: [number, number, number] = [245, 147, 34];
const HIGH: [number, number, number] = [8, 119, 189];
const MID: [number, number, number] = [232, 234, 235];
const CLASS_COLOURS = ['#f59322', '#0877bd', '#3aa655', '#b04cc8', '#d64545', '#6b6b6b'];

function blend(t: number): [number, number, number] {
  const c = Math.min(1, Math.max(0, t));
  const [a, b, k] = c < 0.5 ? [LOW, MID, c * 2] : [MID, HIGH, (c - 0.5) * 2];
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}

function classOf(y: Float32Array | Float64Array, i: number, targets: number): number {
  if (targets === 1) return y[i]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < targets; k++) if (y[i * targets + k]! > y[i * targets + best]!) best = k;
  return best;
}

export const Boundary = memo(function Boundary() {
  const data = useDoc((s) => s.doc.data);
  const boundaryId = useDoc((s) => boundaryNodeId(s.doc));
  const heatmap = useTraining((s) => (boundaryId ? s.snapshot?.heatmaps?.[boundaryId] : undefined));
  const canvas = useRef<HTMLCanvasElement>(null);
  const points = useMemo(() => pointsOf(data), [data]);
  const [hover, setHover] = useState<string | null>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !points || 'error' in points) return;
    if (/jsdom/i.test(navigator.userAgent)) return;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = SIZE * ratio;
    el.height = SIZE * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, SIZE, SIZE);
    const scale = (t: number) => (points.task === 'regression' ? (t - points.yMin) / (points.yMax - points.yMin || 1) : t);
    if (heatmap && points.plane) {
      const res = Math.round(Math.sqrt(heatmap.length));
      if (res * res === heatmap.length) {
        const image = ctx.createImageData(res, res);
        for (let row = 0; row < res; row++) {
          for (let col = 0; col < res; col++) {
            // Row 0 is y = −extent: draw it at the bottom.
            const [r, g, b] = blend(scale(heatmap[row * res + col]!));
            const o = ((res - 1 - row) * res + col) * 4;
            image.data[o] = r;
            image.data[o + 1] = g;
            image.data[o + 2] = b;
            image.data[o + 3] = 160;
          }
        }
        const off = document.createElement('canvas');
        off.width = res;
        off.height = res;
        off.getContext('2d')?.putImageData(image, 0, 0);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(off, 0, 0, SIZE, SIZE);
      }
    }
    const toPx = (v: number) => ((v + points.extent) / (2 * points.extent)) * SIZE;
    const draw = (xy: Float32Array, y: Float32Array | Float64Array, filled: boolean) => {
      const n = xy.length / 2;
      for (let i = 0; i < n; i++) {
        const px = toPx(xy[i * 2]!);
        const py = SIZE - toPx(xy[i * 2 + 1]!);
        let colour: string;
        if (points.task === 'regression') {
          const [r, g, b] = blend(scale(y[i * points.targets]!));
          colour = `rgb(${r | 0},${g | 0},${b | 0})`;
        } else {
          colour = CLASS_COLOURS[classOf(y, i, points.targets) % CLASS_COLOURS.length]!;
        }
        ctx.beginPath();
        ctx.arc(px, py, 2.6, 0, Math.PI * 2);
        if (filled) {
          ctx.fillStyle = colour;
          ctx.fill();
          ctx.strokeStyle = 'rgba(255,255,255,0.8)';
          ctx.lineWidth = 0.6;
          ctx.stroke();
        } else {
          ctx.strokeStyle = colour;
          ctx.lineWidth = 1.4;
          ctx.stroke();
        }
      }
    };
    draw(points.train, points.trainY, true);
    draw(points.test, points.testY, false);
  }, [points, heatmap]);

  if (!points) return <p className="dock-empty">No data set chosen.</p>;
  if ('error' in points) return <p className="dock-error">{points.error}</p>;

  const onMove = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * 2 * points.extent - points.extent;
    const y = points.extent - ((event.clientY - rect.top) / rect.height) * 2 * points.extent;
    let text = `${points.xName} ${x.toFixed(2)}, ${points.yName} ${y.toFixed(2)}`;
    if (heatmap && points.plane) {
      const res = Math.round(Math.sqrt(heatmap.length));
      const col = Math.min(res - 1, Math.max(0, Math.floor(((x + points.extent) / (2 * points.extent)) * res)));
      const row = Math.min(res - 1, Math.max(0, Math.floor(((y + points.extent) / (2 * points.extent)) * res)));
      text += ` → output ${heatmap[row * res + col]!.toPrecision(4)}`;
    }
    setHover(text);
  };

  return (
    <figure className="dock-boundary" aria-label="Data and decision boundary">
      <figcaption className="dock-section-title">{points.plane ? (points.task === 'regression' ? 'Data & surface' : 'Data & boundary') : 'Data'}</figcaption>
      <canvas
        ref={canvas}
        className="dock-boundary-canvas"
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
        data-heatmap={heatmap ? 'yes' : 'no'}
      />
      <div className="dock-boundary-legend">
        {hover ?? (points.plane ? 'train ● filled · test ○ outlined' : `${points.xName} × ${points.yName || '—'} · train ● · test ○`)}
      </div>
    </figure>
  );
});
