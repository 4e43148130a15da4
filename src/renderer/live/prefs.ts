/**
 * Live-view preferences of this window, kept in localStorage: whether gradient pulses run.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export const PULSES_KEY = 'netwright.pulses';

/**
 * The weight colour scale: a fixed clamp (Playground's: ±1 by default, or a value the user sets), so an edge's
 * colour means the same number all along; or relative to the largest |weight| now.
 */
export type WeightScale = { mode: 'fixed'; clamp: number } | { mode: 'relative' };

export const WEIGHT_SCALE_KEY = 'netwright.weightScale';
export const DEFAULT_WEIGHT_SCALE: WeightScale = { mode: 'fixed', clamp: 1 };

export interface LivePrefs {
  pulses: boolean;
  setPulses(on: boolean): void;
  weightScale: WeightScale;
  setWeightScale(scale: WeightScale): void;
}

function storedScale(): WeightScale {
  try {
    const raw = globalThis.localStorage?.getItem(WEIGHT_SCALE_KEY);
    if (raw === 'relative') return { mode: 'relative' };
    const clamp = raw ? Number(raw) : NaN;
    return Number.isFinite(clamp) && clamp > 0 ? { mode: 'fixed', clamp } : DEFAULT_WEIGHT_SCALE;
  } catch {
    return DEFAULT_WEIGHT_SCALE;
  }
}

/** The scale an edge's colour is measured against: the clamp, or the largest |weight| (`largest`). */
export function scaleFor(scale: WeightScale, largest: number): number {
  return scale.mode === 'fixed' ? scale.clamp : largest;
}

function stored(): boolean {
  try {
    return globalThis.localStorage?.getItem(PULSES_KEY) !== 'off';
  } catch {
    return true;
  }
}

export const livePrefs = createStore<LivePrefs>()((set) => ({
  pulses: stored(),
  setPulses(on) {
    try {
      globalThis.localStorage?.setItem(PULSES_KEY, on ? 'on' : 'off');
    } catch {
      // Storage unavailable (private mode, tests): the choice lasts for this window only.
    }
    set({ pulses: on });
  },
  weightScale: storedScale(),
  setWeightScale(scale) {
    if (scale.mode === 'fixed' && !(Number.isFinite(scale.clamp) && scale.clamp > 0)) return;
    try {
      globalThis.localStorage?.setItem(WEIGHT_SCALE_KEY, scale.mode === 'relative' ? 'relative' : String(scale.clamp));
    } catch {
      // Storage unavailable: the choice lasts for this window only.
    }
    set({ weightScale: scale });
  },
}));

export function useLivePrefs<T>(selector: (s: LivePrefs) => T): T {
  return useStore(livePrefs, selector);
}
