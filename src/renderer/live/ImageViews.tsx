/**
 * Image nodes on the canvas:
 * - a Conv2D's filters as small images, one per filter (kh×kw, the mean over its input channels), coloured like the
 *   edges (hue by sign, blue ≥ 0, orange < 0; strength by |w| against the layer's largest), from the latest training
 *   snapshot while training runs, else from the document;
 * - an image node's feature maps on the example (grey levels, each channel against its own range), up to 8 channels.
 * Each is one canvas, redrawn only when its numbers change.
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import { divergingRgba } from './colors';
import { useLive } from './hooks';
import { formatValue } from '../editor/trace';

const MAX_FILTERS = 16;
const MAX_MAPS = 8;

/** The kernel [kh, kw, cin, F] (row-major) reduced to F small images kh×kw (mean over cin), and their largest |w|. */
export function filterImages(kernel: ArrayLike<number>, shape: readonly number[]): { images: Float32Array[]; scale: number } {
  const [kh, kw, cin, F] = shape as [number, number, number, number];
  const images: Float32Array[] = [];
  let scale = 0;
  for (let f = 0; f < Math.min(F, MAX_FILTERS); f++) {
    const img = new Float32Array(kh * kw);
    for (let k = 0; k < kh * kw; k++) {
      let s = 0;
      for (let ch = 0; ch < cin; ch++) s += kernel[(k * cin + ch) * F + f]!;
      img[k] = s / cin;
      scale = Math.max(scale, Math.abs(img[k]!));
    }
    images.push(img);
  }
  return { images, scale };
}

/** The kernel values of a Conv2D from the latest snapshot, as a stable key-able array, or null. */
function useLiveKernel(nodeId: string): { values: Float32Array; shape: readonly number[] } | null {
  const params = useLive((s) => s.snapshot?.params ?? null, null);
  const block = useLive((s) => s.loaded?.layout.nodes?.[nodeId]?.kernel ?? null, null);
  return useMemo(() => (params && block ? { values: params.subarray(block.offset, block.offset + block.length), shape: block.shape } : null), [params, block]);
}

export const FilterImages = memo(function FilterImages({ nodeId, kernel, shape }: { nodeId: string; kernel?: readonly number[]; shape?: readonly number[] }) {
  const live = useLiveKernel(nodeId);
  const source = useMemo(
    () => live ?? (kernel && shape && shape.length === 4 && kernel.length === shape.reduce((a, b) => a * b, 1) ? { values: kernel, shape } : null),
    [live, kernel, shape],
  );
  const ref = useRef<HTMLCanvasElement>(null);
  const drawn = useMemo(() => (source ? filterImages(source.values, source.shape) : null), [source]);
  const kh = source?.shape[0] ?? 0;
  const kw = source?.shape[1] ?? 0;
  const n = drawn?.images.length ?? 0;
  // Up to 8 filters a row (16 filters of 3×3 in one strip would be 2-pixel dots).
  const perRow = Math.max(1, Math.min(n, 8));
  const rows = Math.max(1, Math.ceil(n / perRow));
  const width = perRow * (kw + 1) - 1;
  const height = rows * (kh + 1) - 1;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || !drawn || n === 0) return;
    const image = ctx.createImageData(width, height);
    image.data.fill(0);
    drawn.images.forEach((img, f) => {
      const x0 = (f % perRow) * (kw + 1);
      const y0 = Math.floor(f / perRow) * (kh + 1);
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) divergingRgba(drawn.scale > 0 ? img[y * kw + x]! / drawn.scale : 0, image.data, ((y0 + y) * width + x0 + x) * 4);
    });
    ctx.putImageData(image, 0, 0);
  }, [drawn, n, width, height, perRow, kh, kw]);
  if (!drawn || n === 0) return null;
  const pixel = Math.max(3, Math.min(8, Math.floor(180 / Math.max(1, width))));
  // A short fingerprint of the drawn numbers, so a test (or a curious user) can tell the filters changed.
  const fingerprint = drawn.images.reduce((t, img) => t + img.reduce((a, v, k) => a + v * (k + 1), 0), 0).toFixed(6);
  return (
    <canvas
      ref={ref}
      className="nw-filter-images"
      width={width}
      height={height}
      style={{ width: width * pixel, height: height * pixel, imageRendering: 'pixelated' }}
      title={`${n} filter${n === 1 ? '' : 's'} ${kh}×${kw} (mean over input channels): blue positive, orange negative`}
      data-testid="filter-images"
      data-fingerprint={fingerprint}
    />
  );
});

/** Width in CSS pixels the feature maps may take inside a node. */
const MAPS_WIDTH = 180;

/**
 * How an image node's maps are laid out: up to 4 a row (so 8 maps of a 26×26 convolution are 4×2, not one strip of
 * 1-pixel dots), 1 canvas pixel between maps, each pixel drawn `pixel` CSS pixels wide (at most 6).
 */
export function mapsLayout(h: number, w: number, maps: number): { cols: number; rows: number; width: number; height: number; pixel: number } {
  const cols = Math.max(1, Math.min(maps, 4));
  const rows = Math.max(1, Math.ceil(maps / cols));
  const width = cols * (w + 1) - 1;
  const height = rows * (h + 1) - 1;
  const pixel = Math.max(1, Math.min(6, Math.floor((MAPS_WIDTH / Math.max(1, width)) * 4) / 4));
  return { cols, rows, width, height, pixel };
}

/** A pixel of a feature map: channel, row, column. */
export interface MapPixel {
  channel: number;
  row: number;
  col: number;
}

/**
 * An image value [h, w, c] as up to 8 grey maps side by side (each channel scaled to its own min…max). Hovering a
 * pixel shows its value (the canvas's title); with `onPick`, a click picks the pixel and `mark` outlines one.
 */
export const FeatureMaps = memo(function FeatureMaps({ shape, values, onPick, mark }: {
  shape?: readonly number[];
  values?: readonly number[] | Float32Array;
  onPick?: (pixel: MapPixel) => void;
  mark?: MapPixel;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const ok = shape !== undefined && shape.length === 3 && values !== undefined && values.length === shape[0]! * shape[1]! * shape[2]!;
  const [h, w, c] = ok ? (shape as [number, number, number]) : [0, 0, 0];
  const maps = Math.min(c, MAX_MAPS);
  const { cols, rows, width, height, pixel } = mapsLayout(h, w, maps);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || !ok || maps === 0) return;
    const image = ctx.createImageData(width, height);
    image.data.fill(0);
    for (let ch = 0; ch < maps; ch++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < h * w; k++) {
        const v = values![k * c + ch]!;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const span = hi > lo ? hi - lo : 1;
      const x0 = (ch % cols) * (w + 1);
      const y0 = Math.floor(ch / cols) * (h + 1);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const g = Math.round(255 * (1 - (values![(y * w + x) * c + ch]! - lo) / span));
        const o = ((y0 + y) * width + x0 + x) * 4;
        image.data[o] = g;
        image.data[o + 1] = g;
        image.data[o + 2] = g;
        image.data[o + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  }, [ok, values, h, w, c, maps, width, height, cols]);
  if (!ok || maps === 0) return null;
  const summary = `${maps} of ${c} channel${c === 1 ? '' : 's'}, ${h}×${w}, on the example (dark = high; each channel on its own scale)`;
  /** The map pixel under a pointer event, or null over a gap between maps. */
  const at = (event: { clientX: number; clientY: number; currentTarget: HTMLCanvasElement }): MapPixel | null => {
    // The drawn pixels fill the content box (inside the border); the canvas is zoomed with the flow, so layout sizes
    // (client*, offset*) are scaled to the screen's.
    const el = event.currentTarget;
    const box = el.getBoundingClientRect();
    const zoom = box.width / Math.max(1, el.offsetWidth);
    const cx = Math.floor(((event.clientX - box.left - el.clientLeft * zoom) / Math.max(1, el.clientWidth * zoom)) * width);
    const cy = Math.floor(((event.clientY - box.top - el.clientTop * zoom) / Math.max(1, el.clientHeight * zoom)) * height);
    if (cx < 0 || cy < 0) return null;
    const channel = Math.floor(cy / (h + 1)) * cols + Math.floor(cx / (w + 1));
    const col = cx % (w + 1);
    const row = cy % (h + 1);
    if (col >= w || row >= h || channel >= maps) return null;
    return { channel, row, col };
  };
  const canvas = (
    <canvas
      ref={ref}
      className={`nw-feature-maps${onPick ? ' pickable nodrag' : ''}`}
      width={width}
      height={height}
      style={{ width: width * pixel, height: height * pixel, imageRendering: 'pixelated' }}
      title={summary}
      data-testid="feature-maps"
      data-cols={cols}
      data-rows={rows}
      onPointerMove={(event) => {
        const p = at(event);
        const text = p ? `channel ${p.channel}, row ${p.row}, column ${p.col}: ${formatValue(values![(p.row * w + p.col) * c + p.channel]!)}${onPick ? ' (click to explain it)' : ''}` : summary;
        event.currentTarget.title = text;
        event.currentTarget.dataset.hover = p ? text : '';
      }}
      onClick={onPick ? (event) => {
        const p = at(event);
        if (p) onPick(p);
      } : undefined}
    />
  );
  if (!mark || mark.channel >= maps || mark.row >= h || mark.col >= w) return canvas;
  return (
    <span className="nw-feature-maps-wrap">
      {canvas}
      <span className="nw-feature-mark" aria-hidden style={{
        left: ((mark.channel % cols) * (w + 1) + mark.col) * pixel - 2,
        top: (Math.floor(mark.channel / cols) * (h + 1) + mark.row) * pixel - 2,
        width: pixel + 4, height: pixel + 4,
      }} />
    </span>
  );
});
