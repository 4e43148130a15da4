/**
 * Live-view preferences of this window, kept in localStorage: whether gradient pulses run.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export const PULSES_KEY = 'netwright.pulses';

export interface LivePrefs {
  pulses: boolean;
  setPulses(on: boolean): void;
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
}));

export function useLivePrefs<T>(selector: (s: LivePrefs) => T): T {
  return useStore(livePrefs, selector);
}
