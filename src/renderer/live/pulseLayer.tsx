/**
 * Gradient pulses, drawn cheaply: one canvas over the flow, one requestAnimationFrame loop, all pulses drawn in at
 * most PULSE_LEVELS strokes per frame. Each edge registers its curve (the bezier React Flow draws) and its brightness
 * level; React renders nothing per frame and the SVG edges are never repainted for the animation.
 *
 * A pulse is a short comet travelling along its edge from the target back to the source (the direction the
 * gradient flows), PULSE_PERIOD_MS per trip, brighter and wider the larger the edge's gradient.
 */
import { useEffect, useRef } from 'react';
import { useStoreApi } from '@xyflow/react';
import { PULSE_LEVELS } from './colors';

export const PULSE_PERIOD_MS = 1400;
/** Length of a comet as a fraction of its edge. */
const COMET = 0.07;

/** A cubic bezier in flow coordinates: sx, sy, c1x, c1y, c2x, c2y, tx, ty. */
export type Curve = readonly [number, number, number, number, number, number, number, number];

interface Pulse {
  curve: Curve;
  level: number;
  /** Phase offset, so neighbouring edges do not pulse in lockstep. */
  offset: number;
}

const pulses = new Map<string, Pulse>();
const listeners = new Set<() => void>();

/** The curve of an SVG path "M sx,sy C c1x,c1y c2x,c2y tx,ty" (or a straight line between its first and last points). */
export function curveOf(path: string): Curve | null {
  const n = (path.match(/-?\d*\.?\d+(?:e-?\d+)?/gi) ?? []).map(Number);
  if (n.length < 4 || n.some((v) => !Number.isFinite(v))) return null;
  if (n.length === 8 && /C/i.test(path)) return n as unknown as Curve;
  const [sx, sy] = n as [number, number];
  const tx = n[n.length - 2]!;
  const ty = n[n.length - 1]!;
  return [sx, sy, sx + (tx - sx) / 3, sy + (ty - sy) / 3, sx + (2 * (tx - sx)) / 3, sy + (2 * (ty - sy)) / 3, tx, ty];
}

function hash(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1000) / 1000;
}

/** Show (level > 0) or remove the pulse of an edge. */
export function setPulse(edgeId: string, path: string, level: number): void {
  const curve = level > 0 ? curveOf(path) : null;
  if (!curve) {
    if (pulses.delete(edgeId)) listeners.forEach((l) => l());
    return;
  }
  const had = pulses.has(edgeId);
  pulses.set(edgeId, { curve, level: Math.min(PULSE_LEVELS, Math.round(level)), offset: hash(edgeId) });
  if (!had) listeners.forEach((l) => l());
}

/** The edges pulsing now, with their levels (tests, the layer's data attribute). */
export function activePulses(): Record<string, number> {
  return Object.fromEntries([...pulses].map(([id, p]) => [id, p.level]));
}

function point(c: Curve, t: number): [number, number] {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const d = 3 * u * t * t;
  const e = t * t * t;
  return [a * c[0] + b * c[2] + d * c[4] + e * c[6], a * c[1] + b * c[3] + d * c[5] + e * c[7]];
}

/**
 * Draw every pulse at time `now` (ms) with the flow `transform` [x, y, zoom]: one path per level. Exported for tests,
 * which draw into a recording context.
 */
export function drawPulses(ctx: CanvasRenderingContext2D, transform: readonly [number, number, number], now: number, color: string): number {
  const [tx, ty, zoom] = transform;
  const byLevel: Pulse[][] = Array.from({ length: PULSE_LEVELS + 1 }, () => []);
  for (const p of pulses.values()) byLevel[p.level]!.push(p);
  let drawn = 0;
  ctx.strokeStyle = color;
  ctx.lineCap = 'round';
  for (let level = 1; level <= PULSE_LEVELS; level++) {
    const list = byLevel[level]!;
    if (list.length === 0) continue;
    const t = level / PULSE_LEVELS;
    ctx.globalAlpha = 0.25 + 0.75 * t;
    ctx.lineWidth = Math.max(1.5, (2 + 3 * t) * Math.min(1.5, zoom));
    ctx.beginPath();
    for (const p of list) {
      // From the target (t = 1) back to the source (t = 0).
      const head = 1 - (((now / PULSE_PERIOD_MS) + p.offset) % 1);
      const tail = Math.min(1, head + COMET);
      const [hx, hy] = point(p.curve, head);
      const [kx, ky] = point(p.curve, tail);
      ctx.moveTo(kx * zoom + tx, ky * zoom + ty);
      ctx.lineTo(hx * zoom + tx, hy * zoom + ty);
      drawn++;
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  return drawn;
}

/** The canvas the pulses are drawn on, over the flow; animates only while there are pulses. */
export function PulseLayer() {
  const ref = useRef<HTMLCanvasElement>(null);
  const flow = useStoreApi();
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let frame = 0;
    let color = '#10151c';
    let frames = 0;
    const loop = (now: number) => {
      frame = 0;
      if (frames++ % 60 === 0) {
        color = getComputedStyle(canvas).getPropertyValue('--pulse').trim() || color;
        const dpr = window.devicePixelRatio || 1;
        const w = Math.round(canvas.clientWidth * dpr);
        const h = Math.round(canvas.clientHeight * dpr);
        if (canvas.width !== w || canvas.height !== h) {
          canvas.width = w;
          canvas.height = h;
        }
      }
      const dpr = canvas.width / Math.max(1, canvas.clientWidth);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawPulses(ctx, flow.getState().transform, now, color);
      if (pulses.size > 0) frame = requestAnimationFrame(loop);
    };
    const wake = () => {
      canvas.dataset.pulses = String(pulses.size);
      if (pulses.size > 0 && frame === 0) frame = requestAnimationFrame(loop);
      if (pulses.size === 0) {
        // One more frame clears what was drawn.
        if (frame === 0) frame = requestAnimationFrame(loop);
      }
    };
    listeners.add(wake);
    wake();
    return () => {
      listeners.delete(wake);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [flow]);
  return <canvas ref={ref} className="nw-pulse-layer" aria-hidden data-testid="pulse-layer" data-pulses="0" />;
}
