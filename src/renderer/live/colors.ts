/**
 * Colours for weights, gradients and neuron outputs. One diverging palette everywhere, blue (positive) ↔ orange
 * (negative), which colour-blind viewers (deuteranopia, protanopia, tritanopia) still tell apart — unlike red/green.
 * Magnitude is carried twice, by width and by opacity, so it reads even without colour.
 */

/** RGB of the two ends of the palette (the light theme's --weight-positive / --weight-negative). */
export const POSITIVE_RGB: readonly [number, number, number] = [37, 99, 201];
export const NEGATIVE_RGB: readonly [number, number, number] = [208, 104, 42];
/** The middle of the palette (a weight of 0): a neutral grey. */
export const NEUTRAL_RGB: readonly [number, number, number] = [150, 156, 166];

export const MIN_EDGE_WIDTH = 1;
export const MAX_EDGE_WIDTH = 6;
export const MIN_EDGE_OPACITY = 0.35;

export interface WeightLook {
  /** CSS colour. */
  stroke: string;
  /** Stroke width in px. */
  width: number;
  opacity: number;
}

/** |w| / scale, clamped to [0, 1]; 0 when the scale is not a positive number. */
export function magnitude(w: number, scale: number): number {
  if (!(scale > 0) || !Number.isFinite(w)) return 0;
  return Math.min(1, Math.abs(w) / scale);
}

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

function mix(from: readonly number[], to: readonly number[], t: number): number[] {
  return from.map((c, i) => c + (to[i]! - c) * t);
}

/**
 * The look of an edge carrying weight `w` when the largest |weight| on screen is `scale`: hue by sign (blue ≥ 0,
 * orange < 0), saturation, width and opacity growing with |w| / scale. Quantised to 1/32 steps, so a tiny change of a
 * weight does not re-render its edge.
 */
export function weightColor(w: number, scale: number): WeightLook {
  const m = Math.round(magnitude(w, scale) * 32) / 32;
  const end = w < 0 ? NEGATIVE_RGB : POSITIVE_RGB;
  // Saturation: from 35 % of the way at 0 to full colour at |w| = scale (a 0 weight still shows its sign faintly).
  const stroke = hex(mix(NEUTRAL_RGB, end, 0.35 + 0.65 * m));
  return {
    stroke,
    width: Math.round((MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * m) * 10) / 10,
    opacity: Math.round((MIN_EDGE_OPACITY + (1 - MIN_EDGE_OPACITY) * m) * 100) / 100,
  };
}

/**
 * RGBA bytes of a value on the diverging palette: t in [−1, 1] (negative orange, 0 near white, positive blue).
 * Written into `out` at `offset` (for ImageData).
 */
export function divergingRgba(t: number, out: Uint8ClampedArray, offset: number): void {
  const c = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  const end = c < 0 ? NEGATIVE_RGB : POSITIVE_RGB;
  const a = Math.abs(c);
  out[offset] = 246 + (end[0] - 246) * a;
  out[offset + 1] = 247 + (end[1] - 247) * a;
  out[offset + 2] = 249 + (end[2] - 249) * a;
  out[offset + 3] = 255;
}

/** Pulse brightness levels: a gradient's |g| / the largest on screen, quantised to this many steps (0 = no pulse). */
export const PULSE_LEVELS = 8;

/**
 * The pulse level of an edge whose gradient has size `g` when the largest is `scale`: 0…PULSE_LEVELS, on a square-root
 * scale so small gradients still show (gradients span orders of magnitude).
 */
export function pulseLevel(g: number, scale: number): number {
  const m = magnitude(g, scale);
  if (m === 0) return 0;
  return Math.max(1, Math.round(Math.sqrt(m) * PULSE_LEVELS));
}
