/** The calibration view: whether it is open, and which test example the learner selected in its list (by row). */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export interface CalibrationViewState {
  open: boolean;
  /** Opened since the lesson step opened (a step's check asks for it; lessons reset it). */
  opened: boolean;
  /** Row in the measured split of the confidently wrong example the learner selected (null: none). */
  selectedRow: number | null;
}

export const calibrationStore = createStore<CalibrationViewState>()(() => ({ open: false, opened: false, selectedRow: null }));

export function useCalibrationView<T>(selector: (s: CalibrationViewState) => T): T {
  return useStore(calibrationStore, selector);
}

export function openCalibration(): void {
  calibrationStore.setState({ open: true, opened: true, selectedRow: null });
}
