/**
 * A Dense-to-Dense weight block as a tiny image: one pixel per weight (rows = source units, columns = target units),
 * coloured on the weight palette against the legend's scale, scaled up without smoothing. Redrawn once per snapshot.
 */
import { memo, useEffect, useRef } from 'react';
import { selectEdgeValue } from '../training/store';
import { divergingRgba } from './colors';
import { selectWeightScale, useLive } from './hooks';

/** Fill `image` (cols wide, rows high) with the block's colours. */
export function paintBlock(values: ArrayLike<number>, rows: number, cols: number, scale: number, image: Uint8ClampedArray): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) divergingRgba(values[r * cols + c]! / scale, image, (r * cols + c) * 4);
}

export const WeightImage = memo(function WeightImage({ edgeId }: { edgeId: string }) {
  const value = useLive((s) => selectEdgeValue(s, edgeId), undefined);
  const scale = useLive(selectWeightScale, null);
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !value) return;
    const image = ctx.createImageData(value.cols, value.rows);
    paintBlock(value.values, value.rows, value.cols, scale ?? 1, image.data);
    ctx.putImageData(image, 0, 0);
  }, [value, scale]);
  if (!value || value.rows * value.cols <= 1) return null;
  const pixel = Math.max(2, Math.min(6, Math.floor(48 / Math.max(value.rows, value.cols))));
  return (
    <canvas
      ref={ref}
      className="nw-weight-image"
      width={value.cols}
      height={value.rows}
      style={{ width: value.cols * pixel, height: value.rows * pixel }}
      title={`${value.rows}×${value.cols} weights (rows: from, columns: to)`}
      data-testid="weight-image"
    />
  );
});
