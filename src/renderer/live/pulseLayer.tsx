/**
 * Gradient pulses, drawn cheaply: one canvas over the flow, one requestAnimationFrame loop, all pulses drawn in at
 * most PULSE_LEVELS strokes per frame. Each edge registers its curve (the bezier React Flow draws); the layer sets
 * every edge's brightness level from each snapshot in one pass. React renders nothing per frame or per snapshot for
 * the pulses, and the SVG edges are never repainted for the animation.
 *
 * A pulse is a short comet travelling along its edge from the target back to the source (the direction the
 * gradient flows), PULSE_PERIOD_MS per trip, brighter and wider the larger the edge's gradient.
 */
import { useEffect, useRef } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { TrainingSnapshot } from '../../shared/protocol';
import type { TrainingState } from '../training/store';
import { PULSE_LEVELS, pulseLevel } from './colors';
import { useLiveStore } from './hooks';
import { livePrefs } from './prefs';
import { liveStats } from './stats';

export const PULSE_PERIOD_MS = 1400;
/** The canvas lists each pulsing edge's level (data-levels) up to this many edges. */
const MAX_LISTED_LEVELS = 64;
/** Length of a comet as a fraction of its edge. */
const COMET = 0.07;

/** A cubic bezier in flow coordinates: sx, sy, c1x, c1y, c2x, c2y, tx, ty. */
export type Curve = readonly [number, number, number, number, number, number, number, number];

interface Pulse {
  curve: Curve;
  /** Phase offset, so neighbouring edges do not pulse in lockstep. */
  offset: number;
}

/** The curve of every edge that can pulse (registered by its EdgePulse). */
const pulses = new Map<string, Pulse>();
/** Brightness of each edge's pulse, 1…PULSE_LEVELS (absent: no pulse), set from the snapshots by the layer. */
let levels: ReadonlyMap<string, number> = new Map();
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

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

/** Register the curve of an edge's path (an empty or unreadable path removes it). */
export function setPulsePath(edgeId: string, path: string): void {
  const curve = curveOf(path);
  if (!curve) {
    if (pulses.delete(edgeId)) notify();
    return;
  }
  const had = pulses.has(edgeId);
  pulses.set(edgeId, { curve, offset: hash(edgeId) });
  if (!had) notify();
}

/** Set every edge's pulse level at once (edges absent or at 0 do not pulse). */
export function setPulseLevels(next: ReadonlyMap<string, number>): void {
  levels = next;
  notify();
}

/** The edges pulsing now (a path and a level), with their levels. */
export function activePulses(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of pulses.keys()) {
    const level = levels.get(id) ?? 0;
    if (level > 0) out[id] = level;
  }
  return out;
}

/** How long the gradient of a single step (Step, Step epoch) is shown before the pulses settle. */
export const STEP_PULSE_MS = 3 * PULSE_PERIOD_MS;

/**
 * Whether gradients flow: while training runs ('flow'); for a moment after a single step while paused ('once'); not
 * at all otherwise — paused, reset, loaded — since nothing is learning then.
 */
export function pulseMode(previous: TrainingSnapshot | null, next: TrainingSnapshot | null): 'flow' | 'once' | 'none' {
  if (!next || next.step === 0) return 'none';
  if (next.running) return 'flow';
  if (previous && !previous.running && next.step > previous.step) return 'once';
  return 'none';
}

/** Levels of every edge of a snapshot: none before the first step, while nothing trains, or with pulses switched off. */
export function levelsOf(state: TrainingState, on: boolean, mode: 'flow' | 'once' | 'none' = state.snapshot?.running ? 'flow' : 'none'): Map<string, number> {
  const result = new Map<string, number>();
  const { snapshot, loaded } = state;
  if (!on || !snapshot || !loaded || snapshot.step === 0 || mode === 'none') return result;
  const stats = liveStats(snapshot, loaded.layout);
  for (const [id, e] of Object.entries(stats.edges)) {
    const level = pulseLevel(e.grad, stats.gradScale);
    if (level > 0) result.set(id, level);
  }
  // Edges into image nodes carry no weight block: their gradient is the one the trainer measured at the edge's
  // target (dLoss/dOutput per example), on a scale of its own (a signal's gradient is not a weight's).
  for (const [id, g] of Object.entries(snapshot.edgeGrads ?? {})) {
    if (result.has(id)) continue;
    const level = pulseLevel(g, stats.imageGradScale);
    if (level > 0) result.set(id, level);
  }
  return result;
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
  for (const [id, p] of pulses) {
    const level = Math.min(PULSE_LEVELS, levels.get(id) ?? 0);
    if (level > 0) byLevel[level]!.push(p);
  }
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
  const training = useLiveStore();
  // One subscription sets every edge's level from each snapshot (no React work per edge).
  useEffect(() => {
    if (!training) return;
    let last: { snapshot: TrainingSnapshot | null | undefined; on: boolean; mode: 'flow' | 'once' | 'none' } = {
      snapshot: undefined,
      on: livePrefs.getState().pulses,
      mode: 'none',
    };
    let settle: ReturnType<typeof setTimeout> | null = null;
    const update = () => {
      const state = training.getState();
      const on = livePrefs.getState().pulses;
      if (state.snapshot === last.snapshot && on === last.on) return;
      const previous = last.snapshot ?? null;
      const next = state.snapshot;
      // The same step again (a view change, a fetched snapshot): nothing new happened, the current mode goes on.
      const sameStep = previous !== null && next !== null && previous.step === next.step && previous.running === next.running;
      const mode = next !== previous && !sameStep ? pulseMode(previous, next) : last.mode;
      last = { snapshot: next, on, mode };
      setPulseLevels(levelsOf(state, on, mode));
      if (sameStep && mode === 'once') return;
      if (settle !== null) clearTimeout(settle);
      settle = null;
      // One step's gradient is shown, then settles: nothing looks like it flows while nothing trains.
      if (mode === 'once') {
        settle = setTimeout(() => {
          settle = null;
          last = { ...last, mode: 'none' };
          setPulseLevels(new Map());
        }, STEP_PULSE_MS);
      }
    };
    update();
    const stopTraining = training.subscribe(update);
    const stopPrefs = livePrefs.subscribe(update);
    return () => {
      stopTraining();
      stopPrefs();
      if (settle !== null) clearTimeout(settle);
      setPulseLevels(new Map());
    };
  }, [training]);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let frame = 0;
    let color = '#10151c';
    let frames = 0;
    let active = 0;
    /** The canvas's bitmap follows its box (the dock opening or closing changes it), in device pixels. */
    const size = { width: 0, height: 0, dpr: 1 };
    const measure = () => {
      size.dpr = window.devicePixelRatio || 1;
      size.width = Math.round(canvas.clientWidth * size.dpr);
      size.height = Math.round(canvas.clientHeight * size.dpr);
    };
    measure();
    const resize = new ResizeObserver(measure);
    resize.observe(canvas);
    const loop = (now: number) => {
      frame = 0;
      // The theme may change: look at the colour now and then.
      if (frames++ % 60 === 0) color = getComputedStyle(canvas).getPropertyValue('--pulse').trim() || color;
      if (canvas.width !== size.width || canvas.height !== size.height) {
        canvas.width = size.width;
        canvas.height = size.height;
      }
      const dpr = size.dpr;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawPulses(ctx, flow.getState().transform, now, color);
      if (active > 0) frame = requestAnimationFrame(loop);
    };
    const wake = () => {
      const now = activePulses();
      const ids = Object.keys(now);
      active = ids.length;
      canvas.dataset.pulses = String(active);
      // Each pulsing edge's level, "id:level …" (small graphs only: a reader or a test can check a pulse's strength).
      canvas.dataset.levels = active <= MAX_LISTED_LEVELS ? ids.sort().map((id) => `${id}:${now[id]}`).join(' ') : '';
      // With nothing to draw, one more frame clears what was drawn, then the loop stops.
      if (frame === 0) frame = requestAnimationFrame(loop);
    };
    listeners.add(wake);
    wake();
    return () => {
      listeners.delete(wake);
      resize.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [flow]);
  return <canvas ref={ref} className="nw-pulse-layer" aria-hidden data-testid="pulse-layer" data-pulses="0" data-levels="" />;
}
